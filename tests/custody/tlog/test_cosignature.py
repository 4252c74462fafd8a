"""C2SP tlog-cosignature/v1: key IDs, the signed message, lines from unknown keys ignored, and Go agreeing both ways."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from custody.errors import SignatureError
from custody.tlog.cosignature import (
    WitnessKey,
    attach,
    check_cosignatures,
    cosign,
    cosignature_key_id,
    cosigned_message,
    parse_lines,
    parse_witness_vkey,
    verify_cosignature,
)
from custody.tlog.notes import Checkpoint, NoteError, format_checkpoint, key_id, open_note, parse_note, sign_checkpoint
from tests.support.tools import runs_tools, tool

ORIGIN = "scelle.example/MA-2026-0042"
CP = Checkpoint(ORIGIN, 9, hashlib.sha256(b"root").digest())
TEXT = format_checkpoint(CP)
GO_SRC = Path(__file__).resolve().parents[1] / "support" / "go_cosig" / "main.go"
GO_NOTE_PKG = Path("/usr/share/gocode/src/golang.org/x/mod/sumdb/note")


def key(seed: int) -> tuple[Ed25519PrivateKey, bytes]:
    private = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
    return private, private.public_key().public_bytes_raw()


def ledger_note() -> str:
    return sign_checkpoint(CP, ORIGIN, key(1)[0])


def test_key_id_and_vkey_follow_the_spec() -> None:
    _, public = key(2)
    assert cosignature_key_id("witness.fr", public) == hashlib.sha256(b"witness.fr\n\x04" + public).digest()[:4]
    assert cosignature_key_id("witness.fr", public) != key_id("witness.fr", public)  # 0x04, not 0x01
    w = WitnessKey("witness.fr", public)
    name, hex8, encoded = w.vkey.split("+", 2)
    assert (name, bytes.fromhex(hex8), base64.b64decode(encoded)) == ("witness.fr", w.key_id, b"\x04" + public)
    assert parse_witness_vkey(w.vkey) == w


@pytest.mark.parametrize(
    "mangle",
    [
        lambda v: v.replace("+", "-", 1),
        lambda v: v[: v.index("+") + 1] + "00000000" + v[v.index("+") + 9 :],
        lambda v: v[:-44] + base64.b64encode(b"\x01" + base64.b64decode(v[-44:])[1:]).decode(),
        lambda v: v + "=",
    ],
)
def test_malformed_witness_keys_are_refused(mangle: object) -> None:
    vkey = WitnessKey("w", key(2)[1]).vkey
    with pytest.raises(NoteError):
        parse_witness_vkey(mangle(vkey))  # type: ignore[operator]


def test_the_signed_message_and_the_blob() -> None:
    private, public = key(3)
    line = cosign(TEXT, "witness.fr", private, 1_700_000_000)
    assert cosigned_message(TEXT, 1_700_000_000) == b"cosignature/v1\ntime 1700000000\n" + TEXT.encode()
    blob = base64.b64decode(line.line().split(" ")[2])
    assert len(blob) == 76 and blob[:4] == cosignature_key_id("witness.fr", public)
    assert int.from_bytes(blob[4:12], "big") == 1_700_000_000
    assert verify_cosignature(TEXT, line, WitnessKey("witness.fr", public)) == 1_700_000_000


def test_a_cosignature_binds_the_checkpoint_and_the_time() -> None:
    private, public = key(3)
    w = WitnessKey("w", public)
    line = cosign(TEXT, "w", private, 5)
    other = format_checkpoint(Checkpoint(ORIGIN, 10, CP.root))
    with pytest.raises(SignatureError):
        verify_cosignature(other, line, w)
    retimed = type(line)(line.name, line.key_id, (6).to_bytes(8, "big") + line.signature[8:])
    with pytest.raises(SignatureError):
        verify_cosignature(TEXT, retimed, w)
    with pytest.raises(NoteError):
        cosign(TEXT, "w", private, 0)


def test_a_cosigned_checkpoint_still_opens_with_the_ledger_key_and_unknown_lines_are_ignored() -> None:
    wa, wb = key(4), key(5)
    note = attach(ledger_note(), [cosign(TEXT, "a", wa[0], 7), cosign(TEXT, "b", wb[0], 8)])
    text, signers = open_note(note, {ORIGIN: key(1)[1]})
    assert text == TEXT and signers == [ORIGIN]
    only_a = check_cosignatures(note, [WitnessKey("a", wa[1])])
    assert [v for v, _ in only_a.valid] == [WitnessKey("a", wa[1]).vkey] and only_a.invalid == ()
    assert check_cosignatures(note, [WitnessKey("c", key(6)[1])]).valid == ()


def test_a_bad_cosignature_by_a_trusted_witness_is_listed_not_counted() -> None:
    wa = key(4)
    line = cosign(TEXT, "a", wa[0], 7)
    bad = type(line)(line.name, line.key_id, line.signature[:-1] + bytes([line.signature[-1] ^ 1]))
    result = check_cosignatures(attach(ledger_note(), [bad]), [WitnessKey("a", wa[1])])
    assert result.valid == () and result.invalid == (WitnessKey("a", wa[1]).vkey,)


def test_attach_replaces_a_witness_line_and_parse_lines_reads_what_cosign_prints() -> None:
    wa = key(4)
    first, second = cosign(TEXT, "a", wa[0], 7), cosign(TEXT, "a", wa[0], 8)
    note = attach(attach(ledger_note(), [first]), parse_lines(second.line()))
    assert parse_note(note)[1][1:] == [second]
    with pytest.raises(NoteError):
        parse_lines("\n")


# --- an independent implementation: Go's golang.org/x/mod/sumdb/note with a cosignature/v1 verifier of our own ----


@pytest.fixture(scope="module")
@runs_tools
def go_cosig(tmp_path_factory: pytest.TempPathFactory) -> Path:
    go = tool("go")
    if not (GO_NOTE_PKG / "note.go").is_file():
        pytest.skip(f"{GO_NOTE_PKG} missing (Debian golang-golang-x-mod-dev not installed)")
    work = tmp_path_factory.mktemp("go_cosig")
    env = {
        **os.environ,
        "GO111MODULE": "off",
        "GOPATH": "/usr/share/gocode",
        "GOCACHE": str(work / "cache"),
        "GOFLAGS": "",
        "CGO_ENABLED": "0",
        "GOTOOLCHAIN": "local",
    }
    binary = work / "go_cosig"
    subprocess.run([go, "build", "-o", str(binary), str(GO_SRC)], env=env, check=True, cwd=work, timeout=300)
    return binary


def _run(binary: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(binary), *args], capture_output=True, timeout=60, check=False)


def test_go_verifies_a_scelle_cosignature(go_cosig: Path, tmp_path: Path) -> None:
    private, public = key(7)
    note = attach(ledger_note(), [cosign(TEXT, "witness.fr", private, 1_750_000_000)])
    (tmp_path / "vkey").write_text(WitnessKey("witness.fr", public).vkey)
    (tmp_path / "note").write_text(note)
    done = _run(go_cosig, "verify", str(tmp_path / "vkey"), str(tmp_path / "note"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == TEXT
    # A flipped byte of the checkpoint text: Go refuses too.
    (tmp_path / "note").write_text(note.replace(f"\n{CP.size}\n", f"\n{CP.size + 1}\n", 1))
    assert _run(go_cosig, "verify", str(tmp_path / "vkey"), str(tmp_path / "note")).returncode != 0


def test_scelle_verifies_a_go_cosignature(go_cosig: Path, tmp_path: Path) -> None:
    seed = bytes(range(32))
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    (tmp_path / "text").write_text(TEXT)
    done = _run(go_cosig, "sign", "witness.ma", seed.hex(), "1750000123", str(tmp_path / "text"))
    assert done.returncode == 0, done.stderr
    text, lines = parse_note(done.stdout.decode())
    assert text == TEXT
    witness = WitnessKey("witness.ma", public)
    assert verify_cosignature(TEXT, lines[0], witness) == 1_750_000_123
    note = attach(ledger_note(), lines)
    assert check_cosignatures(note, [witness]).valid == ((witness.vkey, 1_750_000_123),)
    with pytest.raises(SignatureError):
        verify_cosignature(format_checkpoint(Checkpoint(ORIGIN, 8, CP.root)), lines[0], witness)
