"""Signed notes and checkpoints: Go's sumdb/note example as a vector, strict reading, and Go accepting ours."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from custody.errors import SignatureError
from custody.model.keys import generate_key
from custody.tlog.notes import (
    Checkpoint,
    NoteError,
    add_signature,
    format_checkpoint,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_signer_key,
    parse_verifier_key,
    sign_checkpoint,
    sign_note,
)
from tests.support.tools import tool

# The example of golang.org/x/mod/sumdb/note (example_test.go).
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_NOTE = GO_TEXT + (
    "\n\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_go_example_note_opens_and_is_reproduced() -> None:
    assert open_note(GO_NOTE, [GO_VKEY]) == (GO_TEXT, ["PeterNeumann"])
    name, seed = parse_signer_key(GO_SKEY)
    assert sign_note(GO_TEXT, name, Ed25519PrivateKey.from_private_bytes(seed)) == GO_NOTE


def test_unknown_signatures_are_ignored_and_bad_trusted_ones_refused() -> None:
    witness = Ed25519PrivateKey.generate()
    cosigned = add_signature(GO_NOTE, "witness.example", witness)
    assert open_note(cosigned, [GO_VKEY])[1] == ["PeterNeumann"]
    with pytest.raises(SignatureError):
        open_note(GO_NOTE.replace("cryptography", "cryptographY"), [GO_VKEY])
    with pytest.raises(SignatureError, match="not signed by any trusted key"):
        open_note(GO_NOTE, [generate_key(name="Other", role="r", organisation="o", country="MA").info.vkey])


def test_checkpoint_round_trip_and_strictness() -> None:
    cp = Checkpoint("scelle.example/MA-2026-0042", 9, bytes(range(32)), ("ext",))
    assert parse_checkpoint(format_checkpoint(cp)) == cp
    for bad in (
        "o\n09\n" + "A" * 43 + "=\n",
        "o\n9\n" + "A" * 42 + "\n",
        "o\n9\n",
        "o\n9\n" + "A" * 43 + "=",
        "o\n-1\n" + "A" * 43 + "=\n",
        "o\n9\n" + "A" * 43 + "=\n\n",
    ):
        with pytest.raises(NoteError):
            parse_checkpoint(bad)


def test_signed_checkpoint_opens_with_the_ledger_vkey() -> None:
    key = generate_key(name="scelle.example/MA-2026-0042", role="ledger", organisation="DGSN", country="MA")
    cp = Checkpoint("scelle.example/MA-2026-0042", 3, bytes(32))
    name = parse_verifier_key(key.info.vkey)[0]
    note = sign_checkpoint(cp, name, key.private_key)
    assert open_checkpoint(note, key.info.vkey) == cp
    other = generate_key(name="scelle.example/MA-2026-0042", role="ledger", organisation="DGSN", country="MA")
    with pytest.raises(SignatureError):
        open_checkpoint(note, other.info.vkey)


GO_PROGRAM = """package main

import (
\t"fmt"
\t"os"

\t"golang.org/x/mod/sumdb/note"
)

func main() {
\tvkey, _ := os.ReadFile(os.Args[1])
\tmsg, _ := os.ReadFile(os.Args[2])
\tv, err := note.NewVerifier(string(vkey))
\tif err != nil {
\t\tfmt.Println("verifier:", err)
\t\tos.Exit(2)
\t}
\tn, err := note.Open(msg, note.VerifierList(v))
\tif err != nil {
\t\tfmt.Println("open:", err)
\t\tos.Exit(1)
\t}
\tfmt.Print(n.Text)
}
"""
GOPATH = Path("/usr/share/gocode")


@pytest.mark.external
def test_go_sumdb_note_accepts_a_ledger_checkpoint_and_vkey(tmp_path: Path) -> None:
    go = tool("go")
    if not (GOPATH / "src/golang.org/x/mod/sumdb/note").is_dir():
        pytest.skip("golang-golang-x-mod-dev not installed")
    from custody.ledger.ledger import Ledger

    key = generate_key(name="scelle.example/MA-2026-0042", role="ledger", organisation="DGSN", country="MA")
    with Ledger.create(
        tmp_path / "l.db", case="MA-2026-0042", origin="scelle.example/MA-2026-0042", ledger_key=key
    ) as ledger:
        note = ledger.latest_checkpoint()
    (tmp_path / "main.go").write_text(GO_PROGRAM)
    (tmp_path / "vkey").write_text(key.info.vkey)
    (tmp_path / "note").write_text(note)
    env = {
        **os.environ,
        "GO111MODULE": "off",
        "GOPATH": str(GOPATH),
        "GOCACHE": str(tmp_path / "cache"),
        "HOME": str(tmp_path),
    }
    proc = subprocess.run(
        [go, "run", "main.go", "vkey", "note"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == note.split("\n\n")[0] + "\n"
    (tmp_path / "note").write_text(note.replace("\n1\n", "\n2\n"))
    bad = subprocess.run(
        [go, "run", "main.go", "vkey", "note"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert bad.returncode == 1 and "invalid signature" in bad.stdout
