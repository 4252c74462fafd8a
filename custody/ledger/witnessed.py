"""What a ledger is checked against beyond its own file: witnesses' cosignatures and checkpoints seen earlier.

- ``attach_cosignatures``: store witnesses' cosignature lines on a stored checkpoint (the note keeps its ledger
  signature and gains lines; readers that do not know a witness ignore its line, so old files and tools still work).
  Fail closed: only lines that verify over that checkpoint with one of the witness keys given are stored, so a bad
  line can never make verification fail for those who trust its witness.
- ``quorum_findings``: with trusted witness keys and a quorum N, the ledger's latest checkpoint counts only with N
  valid cosignatures; a cosignature by a trusted witness that does not verify is a finding.
- ``since_findings``: a checkpoint seen earlier (in a bundle, an offer, a receipt, a witness state) that the ledger
  is smaller than (rollback), or whose root differs from the ledger's at that size (equivocation when a checkpoint
  stored in the ledger and validly signed by the same key says otherwise: both notes are printed).
- ``read_since``: every signed checkpoint in a note file or in a JSON file (bundle, witness state, offer, receipt).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from custody.errors import CustodyError, SignatureError
from custody.i18n import message
from custody.ledger.backend import LedgerStore
from custody.ledger.stores import open_store
from custody.model.witnesses import witness_policy
from custody.tlog.cosignature import (
    WitnessKey,
    attach,
    check_cosignatures,
    parse_lines,
    verify_cosignature,
)
from custody.tlog.merkle import MerkleTree
from custody.tlog.notes import Checkpoint, NoteError, open_note, parse_checkpoint, parse_note
from evidence.common.errors import EvidenceError, UsageError

MAX_SINCE_BYTES = 256 * 1024 * 1024


def _text(note: str) -> str:
    return parse_note(note)[0]


def attach_cosignatures(
    path: str | os.PathLike[str],
    lines: str,
    *,
    size: int | None = None,
    witnesses: Sequence[WitnessKey],
    lang: str = "en",
) -> tuple[int, int]:
    """Attach cosignature lines (or a cosigned note) to the stored checkpoint; return (its size, lines attached).

    ``lines`` is what ``witness cosign`` prints (signature lines), or a whole cosigned checkpoint note, which names
    the checkpoint by its text. Otherwise ``size`` chooses it (default: the latest). Every line not yet stored must
    be by one of ``witnesses`` (at least one) and verify over that checkpoint, or nothing is stored
    (``UsageError`` without witnesses, ``SignatureError`` for a line by another key or that does not verify)."""
    if not witnesses:
        raise UsageError(message("cosign.no_witness", lang, subject=path))
    try:
        note_text, signatures = parse_note(lines)
        note_given: str | None = note_text
    except NoteError:
        note_given, signatures = None, parse_lines(lines)
    store = open_store(os.fspath(path))
    try:
        with store.transaction():
            target = _target(store, note_given, size, lang)
            note = store.checkpoint_at(target)
            if note is None:
                raise CustodyError(message("cosign.no_checkpoint", lang, subject=path, size=target))
            text = _text(note)
            known = {(w.name, w.key_id): w for w in witnesses}
            new = [s for s in signatures if note_given is None or s not in parse_note(note)[1]]
            for line in new:
                witness = known.get((line.name, line.key_id))
                if witness is None:
                    raise SignatureError(message("cosign.unknown", lang, subject=path, name=line.name))
                try:
                    verify_cosignature(text, line, witness)
                except SignatureError as exc:
                    raise SignatureError(
                        message("cosign.not_witness", lang, subject=path, name=line.name, detail=exc)
                    ) from exc
            store.insert_checkpoint(target, attach(note, new))
    finally:
        store.close()
    return target, len(new)


def _target(store: LedgerStore, note_text: str | None, size: int | None, lang: str) -> int:
    if note_text is not None:
        wanted = parse_checkpoint(note_text).size
        if size is not None and size != wanted:
            raise UsageError(message("cosign.size", lang, subject=store.path, wanted=wanted, size=size))
        stored = store.checkpoint_at(wanted)
        if stored is None or _text(stored) != note_text:
            raise CustodyError(message("cosign.no_checkpoint", lang, subject=store.path, size=wanted))
        return wanted
    if size is not None:
        return size
    latest = store.latest_checkpoint()
    if latest is None:
        raise CustodyError(message("cosign.no_checkpoint", lang, subject=store.path, size="any"))
    return latest[0]


def quorum_findings(
    notes: Mapping[int, str], witnesses: Sequence[WitnessKey], quorum: int, size: int, lang: str = "en"
) -> tuple[list[str], int]:
    """Findings about witness cosignatures on the stored checkpoints, and the largest size with the quorum."""
    findings: list[str] = []
    valid: dict[int, tuple[tuple[str, int], ...]] = {}
    witnessed = 0
    for at, note in sorted(notes.items()):
        if note.count("\n\u2014 ") < 2:
            continue  # the ledger's signature alone: no cosignature to check (the main pass checks that one)
        try:
            result = check_cosignatures(note, witnesses)
        except NoteError:
            continue  # the checkpoint check reports an unreadable note
        findings += [message("witness.bad_cosignature", lang, size=at, witness=w) for w in result.invalid]
        valid[at] = result.valid
        if len(result.valid) >= quorum and at <= size:
            witnessed = at
    latest = max(notes, default=0)
    if witnessed != latest or latest != size:
        count = len(valid.get(latest, ()))
        findings.append(message("witness.quorum", lang, size=latest, count=count, quorum=quorum, witnessed=witnessed))
    return findings, witnessed


def since_findings(
    since: Iterable[str],
    vkey: str,
    origin: str,
    hashes: Sequence[bytes],
    notes: Mapping[int, str],
    lang: str = "en",
) -> list[str]:
    """Findings of the ledger (leaf ``hashes``, stored checkpoint ``notes``) against checkpoints seen earlier."""
    findings: list[str] = []
    seen: dict[int, tuple[Checkpoint, str]] = {}
    origins: list[str] = []
    for note in since:
        try:
            text, _ = open_note(note, [vkey]) if _origin(note) == origin else ("", [])
        except EvidenceError as exc:
            findings.append(message("since.bad", lang, detail=exc))
            continue
        if not text:
            origins.append(_origin(note) or "?")
            continue
        cp = parse_checkpoint(text)
        if cp.size in seen and seen[cp.size][0].root != cp.root:
            findings.append(
                message("since.twins", lang, origin=origin, size=cp.size, note=seen[cp.size][1], other=note)
            )
            continue
        seen[cp.size] = (cp, note)
    if not seen and not findings:
        return [message("since.origin", lang, origin=origin, origins=", ".join(sorted(set(origins))) or "-")]
    tree = MerkleTree(hashes)
    size, root = len(hashes), tree.root()
    for cp, note in (seen[s] for s in sorted(seen)):
        findings += _against(cp, note, tree, size, root, vkey, notes, lang)
    return findings


def _origin(note: str) -> str | None:
    try:
        return parse_checkpoint(_text(note)).origin
    except NoteError:
        return None


def _against(
    cp: Checkpoint,
    note: str,
    tree: MerkleTree,
    size: int,
    root: bytes,
    vkey: str,
    notes: Mapping[int, str],
    lang: str,
) -> list[str]:
    b64 = _b64
    if cp.size > size:
        return [message("since.rollback", lang, size=size, root=b64(root), since_size=cp.size, since_root=b64(cp.root))]
    prefix = tree.root(cp.size)
    if prefix == cp.root:
        return []
    for at in sorted(s for s in notes if s >= cp.size):  # a checkpoint of the ledger that contradicts it
        try:
            stored = parse_checkpoint(open_note(notes[at], [vkey])[0])
        except EvidenceError:
            continue
        if stored.size == at <= size and tree.root(at) == stored.root:
            return [
                message(
                    "since.equivocation",
                    lang,
                    origin=cp.origin,
                    since_size=cp.size,
                    since_root=b64(cp.root),
                    size=at,
                    root=b64(stored.root),
                    since_note=note,
                    note=notes[at],
                )
            ]
    return [
        message(
            "since.rewritten",
            lang,
            since_size=cp.size,
            since_root=b64(cp.root),
            size=size,
            root=b64(root),
            prefix_root=b64(prefix),
        )
    ]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def read_since(path: str | os.PathLike[str], lang: str = "en") -> list[str]:
    """Every signed checkpoint note in a file: a note itself, or any JSON document that holds notes (a bundle, a
    witness state, an offer, a receipt). None: ``UsageError``."""
    source = Path(path)
    try:
        data = source.read_bytes()[: MAX_SINCE_BYTES + 1]
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{source}: cannot read: {exc}") from exc
    candidates: list[str] = [text]
    if text.lstrip().startswith("{"):
        try:
            candidates = list(_strings(json.loads(text)))
        except ValueError as exc:
            raise UsageError(f"{source}: not JSON: {exc}") from exc
    found = [note for note in candidates if _is_checkpoint_note(note)]
    if not found:
        raise UsageError(message("since.none", lang, subject=source))
    return found


def _is_checkpoint_note(note: str) -> bool:
    if "\n\n" not in note:
        return False
    try:
        parse_checkpoint(_text(note))
    except NoteError:
        return False
    return True


class Outside:
    """What a ledger verification is checked against beyond the file: checkpoints seen earlier and witnesses."""

    def __init__(
        self,
        since: str | Sequence[str] | None = None,
        witness: Iterable[str | WitnessKey] | None = (),
        quorum: int | None = None,
        lang: str = "en",
    ) -> None:
        self.since = [since] if isinstance(since, str) else list(since or ())
        policy = witness_policy(witness, quorum, lang)
        self.witnesses, self.quorum = policy.keys, policy.quorum
        self.lang = lang

    def findings(
        self, vkey: str, origin: str, hashes: Sequence[bytes], notes: Mapping[int, str]
    ) -> tuple[list[str], int | None]:
        """Every finding against the outside, and the largest witnessed size (None without witnesses)."""
        found: list[str] = []
        if self.since:
            found += since_findings(self.since, vkey, origin, hashes, notes, self.lang)
        if not self.witnesses:
            return found, None
        more, witnessed = quorum_findings(notes, self.witnesses, self.quorum, len(hashes), self.lang)
        return found + more, witnessed
