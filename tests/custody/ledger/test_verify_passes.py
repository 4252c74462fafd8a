"""Ledger verification queues signatures and verifies them in batches (the deferred pass); when one fails, the strict
pass (each signature verified where it is met) runs instead. Both must report exactly the same thing, and both must
verify every signature."""

from __future__ import annotations

import base64
import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

import custody.ledger.checkpoints as checkpoints_module
import custody.ledger.verify as verify_module
from custody import fastpath
from custody.ledger.checkpoints import CheckpointKey
from custody.ledger.ledger import Ledger
from custody.ledger.report import LedgerReport
from custody.ledger.store import Store
from custody.ledger.verify import verify_ledger
from custody.ledger.witnessed import Outside
from custody.model.keys import KeyPair
from custody.model.trust import trusted_key
from tests.custody.support.verdicts import outcome, refused


@pytest.fixture
def path(scenario: Ledger) -> Path:
    scenario.close()
    return scenario.store.path


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path)
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def strict(path: Path, vkey: str, since: str | None = None) -> LedgerReport:
    store = Store.open(path, readonly=True)
    try:
        with store.snapshot():
            return verify_module._verify(store, str(path), trusted_key(vkey), Outside(since), deferred=False)
    finally:
        store.close()


def _flip_sig(leaf: bytes, which: int = 0) -> bytes:
    marker = b'"sig":"'
    start = -1
    for _ in range(which + 1):
        start = leaf.index(marker, start + 1)
    start += len(marker)
    end = leaf.index(b'"', start)
    sig = bytearray(base64.b64decode(leaf[start:end]))
    sig[5] ^= 0x01
    return leaf[:start] + base64.b64encode(bytes(sig)) + leaf[end:]


def _rewrite(db: sqlite3.Connection, kind: str, change: Callable[[bytes], bytes], fix_hash: bool = True) -> None:
    seq, leaf = db.execute("SELECT seq, leaf FROM entries WHERE kind = ? ORDER BY seq LIMIT 1", (kind,)).fetchone()
    changed = change(leaf)
    db.execute("UPDATE entries SET leaf = ? WHERE seq = ?", (changed, seq))
    if fix_hash:
        db.execute("UPDATE entries SET leaf_hash = ? WHERE seq = ?", (hashlib.sha256(b"\x00" + changed).digest(), seq))


def _bad_checkpoint_signature(db: sqlite3.Connection) -> None:
    size, note = db.execute("SELECT size, note FROM checkpoints ORDER BY size LIMIT 1 OFFSET 3").fetchone()
    head, _, line = note[:-1].rpartition(" ")
    raw_sig = bytearray(base64.b64decode(line))
    raw_sig[10] ^= 0x80
    db.execute(
        "UPDATE checkpoints SET note = ? WHERE size = ?", (f"{head} {base64.b64encode(raw_sig).decode()}\n", size)
    )


def _bad_countersignature(db: sqlite3.Connection) -> None:
    seq, leaf = next(row for row in db.execute("SELECT seq, leaf FROM entries") if b'"transferred"' in row[1])
    changed = _flip_sig(leaf, which=1)
    db.execute(
        "UPDATE entries SET leaf = ?, leaf_hash = ? WHERE seq = ?",
        (changed, hashlib.sha256(b"\x00" + changed).digest(), seq),
    )


TAMPERINGS: dict[str, Callable[[sqlite3.Connection], None]] = {
    "none": lambda db: None,
    "event signature": lambda db: _rewrite(db, "event", _flip_sig),
    "key proof of possession": lambda db: _rewrite(db, "key", _flip_sig),
    "authority signature": lambda db: _rewrite(db, "authority", _flip_sig),
    "header signature": lambda db: _rewrite(db, "ledger", _flip_sig),
    "transfer countersignature": lambda db: _bad_countersignature(db),
    "checkpoint signature": _bad_checkpoint_signature,
    "changed leaf": lambda db: _rewrite(db, "event", lambda leaf: leaf.replace(b"SC-17", b"SC-18"), fix_hash=False),
    "deleted row": lambda db: db.execute("DELETE FROM entries WHERE seq = 4"),
}


@pytest.mark.parametrize("batch", [1, 2, 256])
@pytest.mark.parametrize("name", sorted(TAMPERINGS))
def test_deferred_and_strict_passes_report_the_same(
    path: Path, keys: dict[str, KeyPair], name: str, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify_module, "BATCH", batch)
    with raw(path) as db:
        TAMPERINGS[name](db)
    vkey = keys["ledger"].info.vkey
    report = outcome(lambda: verify_ledger(str(path), trust=vkey))
    assert report == strict(path, vkey)
    assert report.ok == (name == "none")


def test_a_bad_signature_voids_the_deferred_pass(
    path: Path, keys: dict[str, KeyPair], monkeypatch: pytest.MonkeyPatch
) -> None:
    passes: list[bool] = []
    real = verify_module._verify

    def spy(*args: Any, deferred: bool) -> LedgerReport:
        passes.append(deferred)
        return real(*args, deferred=deferred)

    monkeypatch.setattr(verify_module, "_verify", spy)
    monkeypatch.setattr(fastpath, "ENABLED", True)  # the deferred pass is a fast path: on here, whatever the switch
    assert verify_ledger(str(path), unsafe_trust_embedded_key=True).ok
    assert passes == [True]
    with raw(path) as db:
        _rewrite(db, "key", _flip_sig)
    report = refused(lambda: verify_ledger(str(path), unsafe_trust_embedded_key=True))
    assert passes == [True, True, False]
    assert any("does not verify" in f for f in report.findings)


class _Counting:
    """Stands for Ed25519PublicKey in custody.ledger.verify and .checkpoints and counts the signatures verified."""

    verified: ClassVar[list[tuple[bytes, bytes]]] = []

    def __init__(self, key: Ed25519PublicKey) -> None:
        self.key = key

    @classmethod
    def from_public_bytes(cls, data: bytes) -> _Counting:
        return cls(Ed25519PublicKey.from_public_bytes(data))

    def verify(self, signature: bytes, data: bytes) -> None:
        _Counting.verified.append((signature, data))
        self.key.verify(signature, data)


def test_both_passes_verify_every_signature(
    path: Path, keys: dict[str, KeyPair], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify_module, "Ed25519PublicKey", _Counting)
    monkeypatch.setattr(checkpoints_module, "Ed25519PublicKey", _Counting)
    monkeypatch.setattr(_Counting, "verified", [])
    monkeypatch.setattr(fastpath, "ENABLED", True)  # counts the signatures the fast paths verify themselves
    with raw(path) as db:
        leaves = [leaf for (leaf,) in db.execute("SELECT leaf FROM entries")]
        checkpoints = db.execute("SELECT COUNT(*) FROM checkpoints").fetchone()[0]
    expected = sum(leaf.count(b'"sig":"') for leaf in leaves) + checkpoints
    vkey = keys["ledger"].info.vkey
    assert verify_ledger(str(path), trust=vkey).ok
    deferred = list(_Counting.verified)
    _Counting.verified.clear()
    assert strict(path, vkey).ok
    assert len(deferred) == expected
    assert sorted(deferred) == sorted(_Counting.verified)


# The checkpoint fast path (CheckpointKey.fast_check) compares a note with the text scelle writes; it must accept
# only notes that the strict signed-note reading (slow_check: open_checkpoint) accepts.


def _note(key: KeyPair, origin: str, size: int, root: bytes, *, sig_text: Callable[[bytes], str] | None = None) -> str:
    from custody.tlog.notes import key_id, parse_verifier_key

    name, public = parse_verifier_key(key.info.vkey)
    text = f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"
    raw = key_id(name, public) + key.private_key.sign(text.encode())
    encoded = sig_text(raw) if sig_text else base64.b64encode(raw).decode()
    return f"{text}\n\u2014 {name} {encoded}\n"


def _non_canonical(raw: bytes) -> str:
    encoded = base64.b64encode(raw).decode()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = encoded.rstrip("=")
    flipped = alphabet[alphabet.index(last[-1]) ^ 1]  # a padding bit: the same bytes, another text
    return last[:-1] + flipped + encoded[len(last) :]


@pytest.mark.parametrize(
    ("origin", "sig_text", "strict_ok"),
    [
        ("scelle.example/MA-2026-0042", None, True),
        ("scelle.example/MA-2026-0042", _non_canonical, False),
        ("scelle.example/\x01MA", None, False),
        ("scelle.example/\u2028MA", None, True),
    ],
)
def test_the_checkpoint_fast_path_accepts_only_what_the_strict_reading_accepts(
    keys: dict[str, KeyPair], origin: str, sig_text: Callable[[bytes], str] | None, strict_ok: bool
) -> None:
    key = keys["ledger"]
    root = hashlib.sha256(b"root").digest()
    note = _note(key, origin, 5, root, sig_text=sig_text)
    signer = CheckpointKey(origin, key.info.vkey)

    def check(public: Any, signature: bytes, message: bytes) -> bool:
        public.verify(signature, message)
        return True

    assert (signer.slow_check(note, 5, root) is None) == strict_ok
    assert signer.fast_check(note, 5, root, check) == strict_ok
