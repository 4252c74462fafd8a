"""A witness (C2SP tlog-witness, offline): cosign a ledger's checkpoints, never one that rolls back or forks.

The witness is a partner state's authority or any third party. Its state file remembers, per origin (ledger), the
latest checkpoint it cosigned (size, root and the note), and it lists the ledger keys it trusts. It cosigns a new
checkpoint only when a trusted ledger key signed it and it extends the one cosigned before: a smaller size, the same
size with another root, or a consistency proof (RFC 9162) that fails is refused. The state file is replaced whole
(``write_atomic``) and only after the new checkpoint passed every check.

State file (JSON): ``{"format": "scelle-witness-state", "version": 1, "witness": {"name", "vkey", "key_file"},
"trusted": [ledger verifier keys], "logs": {origin: {"size", "root", "checkpoint", "vkey"}}}``. An origin is bound
to the ledger key that signed the first checkpoint the witness cosigned for it.

Consistency proof file (``consistency_proof``): ``{"format": "scelle-consistency-proof", "version": 1, "origin",
"from", "size", "proof": [base64 hashes], "checkpoint": the signed note of "size"}``.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from custody.errors import CustodyError, ProofError, SignatureError
from custody.i18n import message
from custody.ledger.stores import open_store
from custody.model.keys import KeyPair
from custody.tlog.cosignature import WitnessKey, cosign, parse_witness_vkey
from custody.tlog.merkle import MerkleTree, verify_consistency
from custody.tlog.notes import (
    Checkpoint,
    NoteError,
    key_name_for,
    open_note,
    parse_checkpoint,
    parse_verifier_key,
    verifier_key,
)
from evidence.common.errors import EvidenceError
from evidence.common.files import write_atomic

STATE_FORMAT = "scelle-witness-state"
PROOF_FORMAT = "scelle-consistency-proof"
MAX_STATE_BYTES = 16 * 1024 * 1024


class WitnessRefusedError(CustodyError):
    """The witness refuses to cosign: rollback, fork, missing or failing proof, untrusted signer (exit 3)."""

    kind = "error.kind.witness"

    exit_code = 3


class WitnessStateError(CustodyError):
    """The witness state file is missing, malformed, or cannot be written."""

    kind = "error.kind.witness"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@dataclass(slots=True)
class LogState:
    """The latest checkpoint a witness cosigned for one origin, and the ledger key that signed it."""

    size: int
    root: bytes
    checkpoint: str
    vkey: str

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "root": _b64(self.root), "checkpoint": self.checkpoint, "vkey": self.vkey}


@dataclass(slots=True)
class WitnessState:
    """A witness: its key (name, verifier key, where its private key file is), trusted ledger keys, logs seen."""

    name: str
    vkey: str
    key_file: str | None
    trusted: list[str]
    logs: dict[str, LogState] = field(default_factory=dict)

    @property
    def key(self) -> WitnessKey:
        """The witness's cosignature key."""
        return parse_witness_vkey(self.vkey)

    def to_bytes(self) -> bytes:
        document = {
            "format": STATE_FORMAT,
            "version": 1,
            "witness": {"name": self.name, "vkey": self.vkey, "key_file": self.key_file},
            "trusted": self.trusted,
            "logs": {origin: log.to_json() for origin, log in sorted(self.logs.items())},
        }
        return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def witness_key_of(pair_public: bytes, name: str) -> WitnessKey:
    """The cosignature key of a scelle key pair, under the note key name made from its holder's name."""
    return WitnessKey(key_name_for(name), pair_public)


def _ledger_vkey(value: str) -> str:
    return verifier_key(*parse_verifier_key(value.strip()))


def init_state(
    path: str | Path, key: KeyPair, *, key_file: str | None, trusted: Iterable[str] = (), lang: str = "en"
) -> WitnessState:
    """Create a witness state file (never overwriting one) for the witness key ``key``."""
    target = Path(path)
    witness = witness_key_of(key.info.public_key, key.info.name)
    state = WitnessState(witness.name, witness.vkey, key_file, sorted({_ledger_vkey(v) for v in trusted}))
    try:
        write_atomic(target, state.to_bytes(), mode=0o644, exclusive=True)
    except FileExistsError as exc:
        raise WitnessStateError(message("witness.exists", lang, subject=target)) from exc
    except OSError as exc:
        raise WitnessStateError(f"{target}: {exc.strerror or exc}") from exc
    return state


def load_state(path: str | Path, *, lang: str = "en") -> WitnessState:
    """Read a witness state file strictly."""
    target = Path(path)
    try:
        data = target.read_bytes()[: MAX_STATE_BYTES + 1]
        if len(data) > MAX_STATE_BYTES:
            raise ValueError("too large")
        document = json.loads(data.decode("utf-8"))
        if document.get("format") != STATE_FORMAT or document.get("version") != 1:
            raise ValueError(f"not a {STATE_FORMAT} version 1 document")
        who = document["witness"]
        key_file = who.get("key_file")
        state = WitnessState(
            name=str(who["name"]),
            vkey=str(who["vkey"]),
            key_file=None if key_file is None else str(key_file),
            trusted=[_ledger_vkey(str(v)) for v in document["trusted"]],
        )
        if state.key.name != state.name:
            raise ValueError("the witness name differs from its key's")
        for origin, log in dict(document["logs"]).items():
            note = str(log["checkpoint"])
            cp = _opened(note, [str(log["vkey"])])
            if (cp.origin, cp.size, _b64(cp.root)) != (origin, log["size"], log["root"]):
                raise ValueError(f"the entry of {origin} does not match its checkpoint")
            state.logs[origin] = LogState(cp.size, cp.root, note, str(log["vkey"]))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError, EvidenceError) as exc:
        raise WitnessStateError(message("witness.state_bad", lang, subject=target, detail=exc)) from exc
    return state


def save_state(path: str | Path, state: WitnessState) -> None:
    """Replace the state file whole (a reader or a crash sees the old state or the new one)."""
    try:
        write_atomic(Path(path), state.to_bytes(), mode=0o644)
    except OSError as exc:
        raise WitnessStateError(f"{path}: {exc.strerror or exc}") from exc


def _opened(note: str, vkeys: list[str]) -> Checkpoint:
    text, _ = open_note(note, vkeys)
    return parse_checkpoint(text)


def trust_keys(path: str | Path, keys: Iterable[str], *, lang: str = "en") -> WitnessState:
    """Add trusted ledger keys (verifier key strings) to a witness state."""
    state = load_state(path, lang=lang)
    state.trusted = sorted({*state.trusted, *(_ledger_vkey(k) for k in keys)})
    save_state(path, state)
    return state


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """A consistency proof from ``old_size`` to the checkpoint of ``size`` entries."""

    origin: str
    old_size: int
    size: int
    proof: tuple[bytes, ...]
    checkpoint: str

    def to_json(self) -> dict[str, Any]:
        return {
            "format": PROOF_FORMAT,
            "version": 1,
            "origin": self.origin,
            "from": self.old_size,
            "size": self.size,
            "proof": [_b64(h) for h in self.proof],
            "checkpoint": self.checkpoint,
        }

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "proof", *, lang: str = "en") -> ConsistencyProof:
        try:
            document = json.loads(data.decode("utf-8"))
            if document.get("format") != PROOF_FORMAT or document.get("version") != 1:
                raise ValueError(f"not a {PROOF_FORMAT} version 1 document")
            sizes = (document["from"], document["size"])
            if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes):
                raise ValueError("sizes must be non-negative integers")
            hashes = tuple(base64.b64decode(str(h), validate=True) for h in document["proof"])
            return cls(str(document["origin"]), sizes[0], sizes[1], hashes, str(document["checkpoint"]))
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CustodyError(message("proof.file_bad", lang, subject=name, detail=exc)) from exc


def consistency_proof(path: str | os.PathLike[str], old_size: int) -> ConsistencyProof:
    """A consistency proof from the ledger's first ``old_size`` entries to its latest stored checkpoint."""
    store = open_store(os.fspath(path), readonly=True)
    try:
        with store.snapshot():
            latest = store.latest_checkpoint()
            hashes = store.leaf_hashes()
    finally:
        store.close()
    if latest is None:
        raise CustodyError(f"{path}: no checkpoint stored")
    size, note = latest
    if not 0 < old_size <= size:
        raise CustodyError(f"{path}: --consistency-from must be in 1..{size} (the latest checkpoint's size)")
    proof = MerkleTree(hashes[:size]).consistency_proof(old_size, size)
    origin = parse_checkpoint(note[: note.rfind("\n\n") + 1]).origin
    return ConsistencyProof(origin, old_size, size, tuple(proof), note)


def _short(root: bytes) -> str:
    return _b64(root)


def cosign_checkpoint(
    state_path: str | Path,
    note: str,
    key: KeyPair,
    *,
    now: int,
    proof: ConsistencyProof | None = None,
    lang: str = "en",
) -> str:
    """Check ``note`` against the witness state, cosign it, store it as the latest for its origin; return the line.

    ``now`` is the cosignature time (POSIX seconds). Raises ``WitnessRefusedError`` (exit 3) when it must not be
    cosigned, leaving the state file untouched."""
    state = load_state(state_path, lang=lang)
    witness = state.key
    if witness_key_of(key.info.public_key, key.info.name) != witness:
        raise WitnessStateError(message("witness.wrong_key", lang, key=key.info.fingerprint, vkey=state.vkey))
    try:
        text = note[: note.rfind("\n\n") + 1]
        origin = parse_checkpoint(text).origin
    except NoteError as exc:
        raise WitnessRefusedError(message("witness.untrusted", lang, origin="?", detail=exc)) from exc
    log = state.logs.get(origin)
    if not state.trusted:
        raise WitnessRefusedError(message("witness.no_trust", lang, subject=state_path))
    vkeys = [log.vkey] if log is not None else state.trusted
    try:
        cp = _opened(note, vkeys)
    except (SignatureError, NoteError) as exc:
        raise WitnessRefusedError(message("witness.untrusted", lang, origin=origin, detail=exc)) from exc
    signer = log.vkey if log is not None else _signer(note, state.trusted)
    if log is not None:
        _check_extends(log, cp, note, proof, lang)
    line = cosign(text, witness.name, key.private_key, now)
    state.logs[origin] = LogState(cp.size, cp.root, note, signer)
    save_state(state_path, state)
    return line.line()


def _signer(note: str, trusted: list[str]) -> str:
    for vkey in trusted:
        try:
            open_note(note, [vkey])
        except (SignatureError, NoteError):
            continue
        return vkey
    raise SignatureError("no trusted key signed the checkpoint")  # open_note above found one: never reached


def _check_extends(log: LogState, cp: Checkpoint, note: str, proof: ConsistencyProof | None, lang: str) -> None:
    params = {
        "origin": cp.origin,
        "size": cp.size,
        "root": _short(cp.root),
        "old_size": log.size,
        "old_root": _short(log.root),
    }
    if cp.size < log.size:
        raise WitnessRefusedError(message("witness.smaller", lang, **params))
    if cp.size == log.size:
        if cp.root != log.root:
            raise WitnessRefusedError(
                message(
                    "witness.equivocation", lang, origin=cp.origin, size=cp.size, old_note=log.checkpoint, note=note
                )
            )
        return
    if proof is None:
        raise WitnessRefusedError(message("witness.proof_needed", lang, **params))
    if (proof.old_size, proof.size) != (log.size, cp.size):
        raise WitnessRefusedError(
            message(
                "witness.proof_sizes",
                lang,
                from_size=proof.old_size,
                to_size=proof.size,
                old_size=log.size,
                size=cp.size,
            )
        )
    try:
        verify_consistency(log.size, cp.size, log.root, cp.root, list(proof.proof))
    except ProofError as exc:
        raise WitnessRefusedError(message("witness.inconsistent", lang, **params, detail=exc)) from exc
