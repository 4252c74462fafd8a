"""Signed notes and checkpoints, strictly: malformed notes, keys and checkpoints; Go's sumdb/note both ways."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from custody.errors import SignatureError
from custody.tlog.notes import (
    MAX_SIGNATURES,
    MAX_TREE_SIZE,
    Checkpoint,
    NoteError,
    add_signature,
    check_key_name,
    format_checkpoint,
    key_id,
    key_name_for,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_note,
    parse_signer_key,
    parse_verifier_key,
    sign_checkpoint,
    sign_note,
    signer_key,
    verifier_key,
)
from tests.support.tools import runs_tools, tool

# Test vectors published with Go's golang.org/x/mod/sumdb/note (note_test.go, BSD-3-Clause, The Go Authors).
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_NOTE = (
    PETER_TEXT + "\n\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)

GO_NOTE_SRC = Path(__file__).resolve().parents[1] / "support" / "go_note" / "main.go"
GO_NOTE_PKG = Path("/usr/share/gocode/src/golang.org/x/mod/sumdb/note")
ROOT = hashlib.sha256(b"root").digest()


def _key(seed: int = 1) -> tuple[Ed25519PrivateKey, bytes]:
    private = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
    return private, private.public_key().public_bytes_raw()


def _peter() -> tuple[Ed25519PrivateKey, bytes]:
    _, seed = parse_signer_key(PETER_SKEY)
    private = Ed25519PrivateKey.from_private_bytes(seed)
    return private, private.public_key().public_bytes_raw()


# --- keys --------------------------------------------------------------------------------------------------------


def test_go_vectors_keys() -> None:
    _, public = _peter()
    assert parse_verifier_key(PETER_VKEY) == ("PeterNeumann", public)
    assert verifier_key("PeterNeumann", public) == PETER_VKEY
    assert signer_key("PeterNeumann", parse_signer_key(PETER_SKEY)[1]) == PETER_SKEY
    assert key_id("PeterNeumann", public) == bytes.fromhex("c74f20a3")


def test_key_id_definition() -> None:
    _, public = _key()
    expected = hashlib.sha256(b"alice\n\x01" + public).digest()[:4]
    assert key_id("alice", public) == expected
    assert key_id("alicf", public) != expected


@pytest.mark.parametrize(
    "vkey",
    [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # empty name
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # key ID does not match
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # 7 hex digits
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",  # bad padding / length
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW==",
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",  # Go: wrong key length
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # Go: unknown algorithm
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n",
    ],
)
def test_bad_verifier_keys(vkey: str) -> None:
    with pytest.raises(NoteError):
        parse_verifier_key(vkey)


def test_bad_signer_keys() -> None:
    for skey in (
        "",
        PETER_SKEY.replace("PRIVATE", "PUBLIC"),
        PETER_SKEY.replace("c74f20a3", "c74f20a4"),
        PETER_SKEY[:-1],
    ):
        with pytest.raises(NoteError):
            parse_signer_key(skey)


@pytest.mark.parametrize("name", ["", "a b", "a+b", "a\tb", "a\u00a0b", "a\u3000b", "a\x01b", "\ud800"])
def test_invalid_key_names(name: str) -> None:
    with pytest.raises(NoteError):
        check_key_name(name)
    with pytest.raises(NoteError):
        key_id(name, _key()[1])


def test_key_name_for_is_valid_and_injective() -> None:
    labels = ["Awa Ndiaye", "Awa%20Ndiaye", "a+b", "a%2Bb", "tab\there", "é\u3000x", "plain"]
    names = [key_name_for(label) for label in labels]
    assert names[0] == "Awa%20Ndiaye"
    assert names[-1] == "plain"
    assert len(set(names)) == len(labels)
    for name in names:
        assert check_key_name(name) == name


# --- notes -------------------------------------------------------------------------------------------------------


def test_go_vector_note() -> None:
    private, public = _peter()
    assert sign_note(PETER_TEXT, "PeterNeumann", private) == PETER_NOTE
    assert open_note(PETER_NOTE, [PETER_VKEY]) == (PETER_TEXT, ["PeterNeumann"])
    assert open_note(PETER_NOTE, {"PeterNeumann": public}) == (PETER_TEXT, ["PeterNeumann"])


def test_round_trip_and_cosign() -> None:
    a, a_pub = _key(1)
    b, b_pub = _key(2)
    note = sign_note("hello\nworld\n", "a", a)
    cosigned = add_signature(note, "b", b)
    assert cosigned.startswith(note)
    assert open_note(cosigned, {"a": a_pub, "b": b_pub}) == ("hello\nworld\n", ["a", "b"])
    assert open_note(cosigned, [verifier_key("b", b_pub)]) == ("hello\nworld\n", ["b"])
    # Re-signing by the same key replaces its line instead of adding one.
    assert add_signature(cosigned, "a", a).count("\u2014 a ") == 1


def test_unknown_keys_are_ignored_but_one_trusted_key_is_needed() -> None:
    a, a_pub = _key(1)
    _, c_pub = _key(3)
    note = add_signature(sign_note("x\n", "stranger", _key(9)[0]), "a", a)
    assert open_note(note, {"a": a_pub}) == ("x\n", ["a"])
    with pytest.raises(SignatureError, match="not signed by any trusted key"):
        open_note(note, {"c": c_pub})
    # Same name, other key: a different key ID, so an unknown key, not a bad signature.
    with pytest.raises(SignatureError, match="not signed by any trusted key"):
        open_note(note, {"a": c_pub})
    with pytest.raises(SignatureError):
        open_note(note, [])


def test_bad_signature_of_a_trusted_key_is_rejected_even_with_a_good_one() -> None:
    a, a_pub = _key(1)
    _, b_pub = _key(2)
    note = sign_note("x\n", "a", a)
    forged_sig = base64.b64encode(key_id("b", b_pub) + bytes(64)).decode()
    forged = note + f"\u2014 b {forged_sig}\n"
    with pytest.raises(SignatureError, match="invalid signature by trusted key b"):
        open_note(forged, {"a": a_pub, "b": b_pub})
    assert open_note(forged, {"a": a_pub}) == ("x\n", ["a"])
    short = note + f"\u2014 b {base64.b64encode(key_id('b', b_pub) + b'x').decode()}\n"
    with pytest.raises(SignatureError):
        open_note(short, {"b": b_pub})
    # A second, bad copy of a trusted key's signature is not skipped as a duplicate.
    with pytest.raises(SignatureError):
        open_note(note + f"\u2014 a {base64.b64encode(key_id('a', a_pub) + bytes(64)).decode()}\n", {"a": a_pub})


def test_tampering_with_any_byte_of_the_text_is_rejected() -> None:
    a, a_pub = _key(1)
    text = "scelle.example/MA-2026-0042\n12\nAAAA\n"
    note = sign_note(text, "a", a)
    for i in range(len(text)):
        if text[i] == "\n":
            continue
        tampered = note[:i] + ("B" if note[i] != "B" else "C") + note[i + 1 :]
        with pytest.raises(SignatureError):
            open_note(tampered, {"a": a_pub})


SIG68 = base64.b64encode(bytes(68)).decode()
MALFORMED = {
    "no blank line": f"x\n\u2014 a {SIG68}\n",
    "no final newline": "x\n\n\u2014 a AAAAAAAA",
    "no signature": "x\n\n",
    "carriage return": "x\r\n\n\u2014 a AAAAAAAA\n",
    "control character": "x\x00\n\n\u2014 a AAAAAAAA\n",
    "lone surrogate": "x\ud800\n\n\u2014 a AAAAAAAA\n",
    "hyphen instead of em dash": "x\n\n- a AAAAAAAA\n",
    "no space after dash": "x\n\n\u2014a AAAAAAAA\n",
    "bad base64": "x\n\n\u2014 a AAAA*AAA\n",
    "non-canonical base64": "x\n\n\u2014 a AAAAAAB=\n",
    "missing padding": "x\n\n\u2014 a AAAAAAA\n",
    "no signature bytes": "x\n\n\u2014 a \n",
    "key ID only": "x\n\n\u2014 a AAAAAA==\n",
    "bad name": "x\n\n\u2014 a+b AAAAAAAA\n",
    "empty name": "x\n\n\u2014  AAAAAAAA\n",
    "trailing text": "x\n\n\u2014 a AAAAAAAA extra\n",
    "blank signature line": "x\n\n\u2014 a AAAAAAAA\n\n",
}


@pytest.mark.parametrize("note", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_notes(note: str) -> None:
    with pytest.raises(NoteError):
        parse_note(note)
    with pytest.raises(NoteError):
        open_note(note, {"a": _key()[1]})


def test_signature_count_limit() -> None:
    a, a_pub = _key(1)
    note = sign_note("x\n", "a", a)
    unknown = [f"\u2014 w{i} {SIG68}\n" for i in range(MAX_SIGNATURES)]
    assert open_note(note + "".join(unknown[: MAX_SIGNATURES - 1]), {"a": a_pub})[1] == ["a"]
    with pytest.raises(NoteError, match="more than"):
        open_note(note + "".join(unknown), {"a": a_pub})
    with pytest.raises(NoteError):
        add_signature("x\n\n" + "".join(unknown), "a", a)


def test_sign_note_refuses_bad_text() -> None:
    a, _ = _key(1)
    for text in ("", "no newline", "a\r\n", "tab\t\n", "x\ud800\n"):
        with pytest.raises(NoteError):
            sign_note(text, "a", a)
    with pytest.raises(NoteError):
        sign_note("x\n", "bad name", a)


def test_verifier_list_conflicts() -> None:
    with pytest.raises(TypeError):
        open_note("x\n\n", PETER_VKEY)  # a bare string is not a list of keys
    with pytest.raises(NoteError):
        open_note(PETER_NOTE, {"PeterNeumann": b"short"})


# --- checkpoints -------------------------------------------------------------------------------------------------


def test_checkpoint_round_trip() -> None:
    a, a_pub = _key(1)
    cp = Checkpoint(origin="scelle.example/MA-2026-0042", size=12, root=ROOT, extensions=("ext one",))
    text = format_checkpoint(cp)
    assert text == f"scelle.example/MA-2026-0042\n12\n{base64.b64encode(ROOT).decode()}\next one\n"
    assert parse_checkpoint(text) == cp
    note = sign_checkpoint(cp, "log", a)
    assert open_checkpoint(note, verifier_key("log", a_pub)) == cp
    with pytest.raises(SignatureError):
        open_checkpoint(note, verifier_key("other", a_pub))


def test_open_checkpoint_does_not_compare_origin_with_key_name() -> None:
    a, a_pub = _key(1)
    cp = Checkpoint(origin="origin-a", size=0, root=ROOT)
    assert open_checkpoint(sign_checkpoint(cp, "key-b", a), verifier_key("key-b", a_pub)).origin == "origin-a"


def test_open_checkpoint_rejects_a_signed_malformed_body() -> None:
    a, a_pub = _key(1)
    with pytest.raises(NoteError):
        open_checkpoint(sign_note("origin\n01\nAAAA\n", "a", a), verifier_key("a", a_pub))


R64 = base64.b64encode(ROOT).decode()
URLSAFE_ROOT = base64.urlsafe_b64encode(b"\xff" * 32).decode()
BAD_CHECKPOINTS = {
    "empty": "",
    "no final newline": f"o\n1\n{R64}",
    "two lines": "o\n1\n",
    "empty origin": f"\n1\n{R64}\n",
    "leading zero": f"o\n01\n{R64}\n",
    "sign": f"o\n+1\n{R64}\n",
    "negative": f"o\n-1\n{R64}\n",
    "spaces": f"o\n 1\n{R64}\n",
    "non-ascii digits": f"o\n\u0661\n{R64}\n",
    "too large": f"o\n{MAX_TREE_SIZE + 1}\n{R64}\n",
    "empty size": f"o\n\n{R64}\n",
    "short root": f"o\n1\n{base64.b64encode(bytes(31)).decode()}\n",
    "long root": f"o\n1\n{base64.b64encode(bytes(33)).decode()}\n",
    "unpadded root": f"o\n1\n{R64.rstrip('=')}\n",
    "url-safe root": f"o\n1\n{URLSAFE_ROOT}\n",
    "empty extension": f"o\n1\n{R64}\n\n",
    "carriage return": f"o\r\n1\n{R64}\n",
}


@pytest.mark.parametrize("text", BAD_CHECKPOINTS.values(), ids=BAD_CHECKPOINTS.keys())
def test_parse_checkpoint_is_strict(text: str) -> None:
    with pytest.raises(NoteError):
        parse_checkpoint(text)


def test_parse_checkpoint_limits() -> None:
    assert parse_checkpoint(f"o\n0\n{R64}\n").size == 0
    assert parse_checkpoint(f"o\n{MAX_TREE_SIZE}\n{R64}\n").size == MAX_TREE_SIZE


@pytest.mark.parametrize(
    "kwargs",
    [
        {"origin": "", "size": 1, "root": ROOT},
        {"origin": "a\nb", "size": 1, "root": ROOT},
        {"origin": "o", "size": -1, "root": ROOT},
        {"origin": "o", "size": True, "root": ROOT},
        {"origin": "o", "size": MAX_TREE_SIZE + 1, "root": ROOT},
        {"origin": "o", "size": 1, "root": ROOT[:31]},
        {"origin": "o", "size": 1, "root": ROOT, "extensions": ("",)},
        {"origin": "o", "size": 1, "root": ROOT, "extensions": ("a\nb",)},
        {"origin": "o\t", "size": 1, "root": ROOT},
    ],
)
def test_checkpoint_refuses_unwritable_values(kwargs: dict[str, object]) -> None:
    with pytest.raises(NoteError):
        Checkpoint(**kwargs)  # type: ignore[arg-type]


_LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)


@settings(max_examples=150, deadline=None)
@given(
    origin=_LINE,
    size=st.integers(0, MAX_TREE_SIZE),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(_LINE, max_size=3).map(tuple),
)
def test_checkpoint_property_round_trip(origin: str, size: int, root: bytes, extensions: tuple[str, ...]) -> None:
    cp = Checkpoint(origin=origin, size=size, root=root, extensions=extensions)
    private, public = _key(7)
    assert parse_checkpoint(format_checkpoint(cp)) == cp
    assert open_checkpoint(sign_checkpoint(cp, "log", private), verifier_key("log", public)) == cp


@settings(max_examples=100, deadline=None)
@given(text=st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.just("\n"), max_size=60), flip=st.data())
def test_note_property_any_text_byte_flip_detected(text: str, flip: st.DataObject) -> None:
    private, public = _key(5)
    text += "\n"
    note = sign_note(text, "k", private)
    assert open_note(note, {"k": public}) == (text, ["k"])
    raw = bytearray(text.encode("utf-8"))
    index = flip.draw(st.integers(0, len(raw) - 1))
    raw[index] ^= flip.draw(st.integers(1, 255))
    try:
        tampered = raw.decode("utf-8") + note[len(text) :]
    except UnicodeDecodeError:
        return  # not text any more: cannot be a note at all
    with pytest.raises((NoteError, SignatureError)):
        open_note(tampered, {"k": public})


# --- interoperability with Go's golang.org/x/mod/sumdb/note ---------------------------------------------------------


@pytest.fixture(scope="module")
@runs_tools
def go_note(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build tests/custody/go_note with Debian's Go and x/mod sources (GOPATH mode, no network)."""
    go = tool("go")
    if not (GO_NOTE_PKG / "note.go").is_file():
        pytest.skip(f"{GO_NOTE_PKG} missing (Debian golang-golang-x-mod-dev not installed)")
    work = tmp_path_factory.mktemp("go_note")
    env = {
        **os.environ,
        "GO111MODULE": "off",
        "GOPATH": "/usr/share/gocode",
        "GOCACHE": str(work / "cache"),
        "GOFLAGS": "",
        "CGO_ENABLED": "0",
        "GOTOOLCHAIN": "local",
    }
    binary = work / "go_note"
    subprocess.run(
        [go, "build", "-o", str(binary), str(GO_NOTE_SRC)],
        env=env,
        check=True,
        cwd=work,
        capture_output=True,
        timeout=300,
    )
    return binary


def _go(binary: Path, tmp: Path, command: str, key: str, data: str) -> subprocess.CompletedProcess[bytes]:
    (tmp / "key").write_text(key, encoding="utf-8")
    (tmp / "data").write_bytes(data.encode("utf-8"))
    return subprocess.run(
        [str(binary), command, str(tmp / "key"), str(tmp / "data")], capture_output=True, timeout=60, check=False
    )


def test_go_verifies_a_python_checkpoint(go_note: Path, tmp_path: Path) -> None:
    private, public = _key(11)
    origin = "scelle.example/MA-2026-0042"
    cp = Checkpoint(origin=origin, size=42, root=ROOT, extensions=("witness-ext é",))
    note = add_signature(sign_checkpoint(cp, origin, private), "witness", _key(12)[0])
    done = _go(go_note, tmp_path, "verify", verifier_key(origin, public), note)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8") == format_checkpoint(cp)


def test_go_rejects_a_tampered_python_note(go_note: Path, tmp_path: Path) -> None:
    private, public = _key(11)
    note = sign_checkpoint(Checkpoint(origin="log", size=42, root=ROOT), "log", private)
    vkey = verifier_key("log", public)
    assert _go(go_note, tmp_path, "verify", vkey, note).returncode == 0
    tampered = note.replace("\n42\n", "\n43\n", 1)
    done = _go(go_note, tmp_path, "verify", vkey, tampered)
    assert done.returncode != 0
    assert b"invalid signature" in done.stderr
    done = _go(go_note, tmp_path, "verify", verifier_key("other", public), note)
    assert done.returncode != 0


def test_python_verifies_a_go_signed_note(go_note: Path, tmp_path: Path) -> None:
    seed = bytes(range(32))
    private = Ed25519PrivateKey.from_private_bytes(seed)
    public = private.public_key().public_bytes_raw()
    cp = Checkpoint(origin="scelle.example/go", size=7, root=ROOT)
    done = _go(go_note, tmp_path, "sign", signer_key("go-key", seed), format_checkpoint(cp))
    assert done.returncode == 0, done.stderr
    note = done.stdout.decode("utf-8")
    assert open_checkpoint(note, verifier_key("go-key", public)) == cp
    assert note == sign_checkpoint(cp, "go-key", private)  # Ed25519 is deterministic: same bytes as Go
