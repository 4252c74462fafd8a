"""Verify a ledger file from its signed data alone, and report every stored value that disagrees.

The leaves are the data. Verification replays them in order: recomputes each leaf hash, reads each leaf strictly,
checks every signature against the keys registered before it, applies the rules of ``custody.rules.events`` (those
recording and bundle verification apply) and ``custody.rules.instruments``, rebuilds the Merkle tree once, and checks
each stored checkpoint against it. Stored derived values (leaf hashes, tree size and frontier, artefact heads, kind
and id columns) are compared with the leaves. A changed, deleted, reordered or inserted row, a changed checkpoint or a
truncated tree each produce at least one finding.

A truncation that also deletes the matching checkpoints can only be seen against a checkpoint kept elsewhere: pass
it as ``since`` (a court keeps the checkpoint it was given); ``witness`` keys and ``witness_quorum`` require the
latest checkpoint to carry that many witnesses' cosignatures (``custody.ledger.witnessed``). The trust root is the
ledger key, obtained out of band: pass it as ``trust``. Checking the ledger against the key its own header names
shows only that it is consistent, so it takes the explicit ``unsafe_trust_embedded_key=True`` (fail closed: with
neither, ``TrustRequiredError``).

Signatures are verified in batches, apart from the parsing (``_Verifier.check``); if one of them fails, that pass is
dropped and a strict pass, verifying each signature where it is met, produces the report.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from hashlib import sha256 as _sha256

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from custody import fastpath, i18n
from custody.errors import CustodyError, LedgerTamperedError
from custody.ledger.backend import LedgerStore
from custody.ledger.checkpoints import CheckpointKey
from custody.ledger.report import LedgerReport
from custody.ledger.rfc3161 import TsaTrust
from custody.ledger.stores import open_store
from custody.ledger.timestamps import with_timestamps
from custody.ledger.witnessed import Outside
from custody.model.changes import AuthorityChange
from custody.model.entries import KeyEntry, LedgerHeader, SignedEntry, parse_leaf
from custody.model.identity import Handler
from custody.model.legal import Authority
from custody.model.records import Event
from custody.model.trust import Trust, TrustedKey, TrustRequiredError, trusted_key
from custody.rules.authority import check_authority
from custody.rules.breach import Breach, breach
from custody.rules.changes import check_change
from custody.rules.events import LedgerView, event_findings
from custody.tlog.cosignature import WitnessKey
from custody.tlog.frontier import Frontier
from evidence.common.errors import EvidenceError, UsageError

MAX_FINDINGS = 1000
BATCH = 4096
"""Signatures queued before they are verified together (see ``_Verifier.check``): a few megabytes of payloads; on
100 000 entries, 4096 measured a few per cent faster than 256 or 1024."""


class _Redo(Exception):  # noqa: N818 - a signal, not an error: the strict pass runs instead
    """A queued signature did not verify: the optimistic pass is void."""


class _Replay(LedgerView):
    """The ledger state rebuilt from the leaves verified so far."""

    def __init__(self, header: LedgerHeader) -> None:
        self.case = header.case
        self.header = header
        self.handlers: dict[str, Handler] = {}
        self.public_keys = {header.fingerprint: Ed25519PublicKey.from_public_bytes(header.public_key)}
        self.authorities: dict[str, Authority] = {}
        self.problems: dict[str, list[Breach]] = {}
        self.changed: dict[str, list[AuthorityChange]] = {}
        self.heads: dict[str, Event] = {}
        self.last: Event | None = None
        self.known: dict[str, dict[str, str]] = {}
        self.event_ids: set[str] = set()
        self.events = 0

    def registered(self, fingerprint: str) -> Handler | None:
        return self.handlers.get(fingerprint)

    def authority(self, authority_id: str) -> Authority | None:
        return self.authorities.get(authority_id)

    def authority_problems(self, authority: Authority) -> list[Breach]:
        return self.problems.get(authority.id, [breach("authority.unsigned")])

    def changes(self, authority_id: str) -> list[AuthorityChange]:
        return self.changed.get(authority_id, [])

    def head(self, artefact: str) -> Event | None:
        return self.heads.get(artefact)

    def last_event(self) -> Event | None:
        return self.last

    def digests(self, artefact: str, algorithms: Collection[str]) -> Mapping[str, str]:
        return self.known.get(artefact, {})


class _Verifier:
    """One pass over the rows: leaf checks, replay, and each stored checkpoint checked when its size is reached."""

    def __init__(self, store: LedgerStore, trusted: TrustedKey | None, *, deferred: bool) -> None:
        self.store = store
        self.trusted = trusted
        self.trusted_vkey: str | None = None  # the trusted key under the header's key name, once it is read
        self.findings: list[Breach] = []
        self.hashes: list[bytes] = []
        self.frontier = Frontier()
        self.notes: dict[int, str] = dict(store.checkpoints())
        self.replay: _Replay | None = None
        self.signer: CheckpointKey | None = None
        self.queue: list[tuple[Ed25519PublicKey, bytes, bytes]] | None = [] if deferred else None

    def find(self, text: str | Breach) -> None:
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(breach("ledger.text", text=text) if isinstance(text, str) else text)

    def check(self, public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
        """Whether ``signature`` verifies; in the deferred pass, queue it and answer yes.

        Verifying signatures back to back, rather than each between the parsing of two leaves, keeps the Ed25519
        code and tables in the processor caches (a tenth of the verification time was lost otherwise). The deferred
        pass is optimistic: when every queued signature then verifies, each answer it acted on was right, so its
        findings are exactly those of the strict pass; when one does not, ``flush`` raises ``_Redo`` and
        ``verify_ledger`` discards the pass and runs the strict one, which checks each signature where it is met.
        """
        queue = self.queue
        if queue is None:
            try:
                public.verify(signature, message)
            except InvalidSignature:
                return False
            return True
        queue.append((public, signature, message))
        if len(queue) >= BATCH:
            self.flush()
        return True

    def flush(self) -> None:
        """Verify every queued signature (deferred pass); raise ``_Redo`` if one does not verify."""
        queue = self.queue
        if queue:
            try:
                for public, signature, message in queue:
                    public.verify(signature, message)
            except InvalidSignature as exc:
                raise _Redo from exc
            queue.clear()

    def signatures(self, entry: SignedEntry, payload: bytes, replay: _Replay) -> list[str]:
        signatures = entry.signatures
        expected = entry.expected_signers()
        got = tuple([s.key for s in signatures])
        if got != expected and (expected is not None or len(got) != 1):
            return [f"signed by {list(got)}, expected {list(expected or ['one registered key'])}"]
        found = []
        public_keys = replay.public_keys
        for signature in signatures:
            public = public_keys.get(signature.key)
            if public is None and isinstance(entry.body, KeyEntry):
                public = Ed25519PublicKey.from_public_bytes(entry.body.public_key)
            if public is None:
                found.append(f"signed by unregistered key {signature.key}")
            elif not self.check(public, signature.sig, payload):
                found.append(f"signature by {signature.key} does not verify")
        return found

    def apply(self, entry: SignedEntry, replay: _Replay, signed: bool) -> list[str | Breach]:
        """Add a verified entry to the replayed state; an unsigned key is not registered and an unsigned
        authority covers nothing (the events relying on it are reported), nor does an unsigned change apply."""
        body = entry.body
        if type(body) is Event:
            return self.apply_event(body, replay)
        if isinstance(body, LedgerHeader):
            return ["a second ledger header"]
        if isinstance(body, KeyEntry):
            fp = body.handler.key_fingerprint
            if fp in replay.handlers:
                return [f"key {fp} registered twice"]
            if not signed:
                return []
            replay.handlers[fp] = body.handler
            replay.public_keys[fp] = Ed25519PublicKey.from_public_bytes(body.public_key)
            return []
        if isinstance(body, Authority):
            if body.id in replay.authorities:
                return [f"authority {body.id} recorded twice"]
            problems = check_authority(body, replay.authorities)
            replay.authorities[body.id] = body
            replay.problems[body.id] = problems if signed else [*problems, breach("authority.unsigned")]
            if not problems:
                return []
            return [breach("authority.record", *problems, reference=body.reference, instrument=body.instrument)]
        if isinstance(body, AuthorityChange):
            return self.apply_change(body, replay, signed)
        return self.apply_event(body, replay)

    def apply_change(self, change: AuthorityChange, replay: _Replay, signed: bool) -> list[str | Breach]:
        earlier = replay.changed.get(change.authority, [])
        problems = check_change(change, replay.authorities.get(change.authority), earlier)
        if signed and not problems:
            replay.changed.setdefault(change.authority, []).append(change)
        if not problems:
            return []
        return [breach("authority.change", *problems, id=change.id, change=change.change, authority=change.authority)]

    def apply_event(self, event: Event, replay: _Replay) -> list[str | Breach]:
        found: list[str | Breach] = list(event_findings(event, replay))
        if event.id in replay.event_ids:
            found.append(f"event {event.id} recorded twice")
        replay.event_ids.add(event.id)
        for artefact in event.artefacts:
            replay.heads[artefact.key] = event
            replay.known.setdefault(artefact.key, {}).update(artefact.digests)
        replay.last = event
        replay.events += 1
        return found

    def row(self, seq: int, kind: str, entry_id: str, leaf: bytes, stored_hash: bytes) -> None:
        digest = _sha256(b"\x00" + leaf).digest()
        self.hashes.append(digest)
        frontier = self.frontier
        frontier.append(digest)
        try:
            self.entry(seq, kind, entry_id, leaf)
        finally:
            note = self.notes.get(frontier.size)
            if note is not None and self.signer is not None:
                self.checkpoint(note, frontier.size, frontier.root())
        if digest != stored_hash:
            self.find(f"entry {seq}: stored leaf hash does not match the leaf (changed row)")

    def checkpoint(self, note: str, size: int, root: bytes) -> None:
        signer = self.signer
        assert signer is not None  # noqa: S101 - set with the header, before any checkpoint
        if not (fastpath.ENABLED and signer.fast_check(note, size, root, self.check)):
            problem = signer.slow_check(note, size, root)
            if problem:
                self.find(f"checkpoint {size}: {problem}")

    def entry(self, seq: int, kind: str, entry_id: str, leaf: bytes) -> None:
        try:
            entry, payload = parse_leaf(leaf)
        except EvidenceError as exc:
            self.find(f"entry {seq}: unreadable leaf: {exc}")
            return
        if entry.kind != kind or entry.entry_id != entry_id:
            self.find(
                f"entry {seq}: stored kind/id {kind}/{entry_id} differ from the leaf's {entry.kind}/{entry.entry_id}"
            )
        if self.replay is None:
            if not isinstance(entry.body, LedgerHeader):
                raise LedgerTamperedError(f"{self.store.path}: entry 0 is not the ledger header")
            self.replay = _Replay(entry.body)
            if self.trusted is not None:
                self.trusted_vkey = self.trusted.vkey(entry.body.key_name)
            vkey = self.trusted_vkey or entry.body.vkey
            self.signer = CheckpointKey(entry.body.origin, vkey)
        problems: list[str | Breach] = list(self.signatures(entry, payload, self.replay))
        try:
            if seq or entry.kind != "ledger":
                problems += self.apply(entry, self.replay, signed=not problems)
        except EvidenceError as exc:
            problems.append(str(exc))
        for problem in problems:
            part = breach("ledger.text", text=problem) if isinstance(problem, str) else problem
            self.find(breach("ledger.entry", part, seq=seq, kind=entry.kind, id=entry.entry_id))

    def run_rows(self) -> int:
        expected = 0
        for seq, kind, entry_id, leaf, stored_hash in self.store.entries(raw=True):
            if not isinstance(seq, int):
                raise LedgerTamperedError(f"{self.store.path}: entry position {seq!r} is not an integer")
            if seq != expected:
                gap = f"entries {expected}..{seq - 1} are missing" if seq > expected else f"entry {seq} is out of order"
                self.find(f"{gap} (deleted or moved rows)")
            expected = seq + 1
            if not isinstance(leaf, bytes) or not isinstance(stored_hash, bytes):
                self.find(f"entry {seq}: leaf or leaf hash is not stored as a BLOB (rewritten row)")
                leaf = leaf if isinstance(leaf, bytes) else str(leaf).encode("utf-8", "surrogateescape")
                stored_hash = stored_hash if isinstance(stored_hash, bytes) else b""
            self.row(seq, str(kind), str(entry_id), leaf, stored_hash)
        self.flush()
        return expected


def _check_coverage(v: _Verifier) -> int:
    """Checkpoints beyond the entries (truncation) and entries beyond the last checkpoint (insertion)."""
    size = v.frontier.size
    for beyond in sorted(s for s in v.notes if s > size or s < 1):
        v.find(f"checkpoint of size {beyond} but the ledger has {size} entries (the tree was truncated)")
    latest = max(v.notes, default=0)
    if not v.notes:
        v.find("no checkpoint stored")
    elif latest < size:
        v.find(f"entries {latest}..{size - 1} are not covered by any signed checkpoint (inserted rows?)")
    return len(v.notes)


def _check_stored_state(v: _Verifier, replay: _Replay) -> None:
    count = v.frontier.size
    try:
        size, stored = v.store.tree_state()
        if size != count:
            v.find(f"stored tree size {size} differs from the {count} entries")
        frontier = Frontier.from_bytes(size, stored)
        if size == count and frontier.root() != v.frontier.root():
            v.find("stored tree frontier does not match the entries")
    except CustodyError as exc:
        v.find(f"stored tree state unreadable: {exc}")
    if v.store.heads() != {artefact: event.id for artefact, event in replay.heads.items()}:
        v.find("stored artefact heads differ from the events")


def verify_ledger(
    path: str | os.PathLike[str],
    *,
    trust: Trust | None = None,
    unsafe_trust_embedded_key: bool = False,
    since: str | Sequence[str] | None = None,
    witness: Iterable[str | WitnessKey] = (),
    witness_quorum: int | None = None,
    tsa: TsaTrust | None = None,
    lang: str = "en",
) -> LedgerReport:
    """Verify the ledger file at ``path`` against the trusted ledger key; return the report when it holds.

    ``trust`` is the ledger's public key as ``verify_bundle`` takes it (verifier key string, raw bytes,
    ``PublicKeyInfo``, or ``read_trust``'s ``TrustedKey``); ``unsafe_trust_embedded_key=True`` instead checks the
    ledger against the key it names itself. With neither, ``TrustRequiredError`` (exit 2); with both, ``UsageError``.
    Any finding raises ``VerificationError`` (exit 3) carrying the report with every finding. ``since`` is a
    checkpoint note (or several) seen earlier; ``witness`` the trusted witnesses' keys (cosignature/v1 verifier
    keys) and ``witness_quorum`` how many must have cosigned the latest checkpoint (default: all of them). ``tsa``
    (``read_tsa_certs``) checks the RFC 3161 time-stamps the ledger keeps (``custody.ledger.timestamps``); without
    it they are counted, not checked.
    """
    outside = Outside(since, witness, witness_quorum, lang)
    if trust is None and not unsafe_trust_embedded_key:
        raise TrustRequiredError(str(path))
    if trust is not None and unsafe_trust_embedded_key:
        raise UsageError(i18n.message("trust.both"))
    trusted = None if trust is None else trusted_key(trust)
    store = open_store(os.fspath(path), readonly=True)
    try:
        with store.snapshot():
            try:
                report = _verify(store, str(path), trusted, outside, deferred=fastpath.ENABLED)
            except (_Redo, EvidenceError):
                # A queued signature failed (or the pass stopped): the strict pass gives the findings, or the error.
                report = _verify(store, str(path), trusted, outside, deferred=False)
            report = with_timestamps(report, store, tsa)
    finally:
        store.close()
    report.raise_for_failure()
    return report


def _verify(
    store: LedgerStore, path: str, trusted: TrustedKey | None, outside: Outside | None = None, *, deferred: bool
) -> LedgerReport:
    v = _Verifier(store, trusted, deferred=deferred)
    count = v.run_rows()
    if v.replay is None:
        raise LedgerTamperedError(f"{path}: the ledger has no entries")
    trusted_vkey = v.trusted_vkey
    header, replay = v.replay.header, v.replay
    if count != v.frontier.size:
        v.find(f"the last stored position is {count - 1} but there are {v.frontier.size} entries")
    if trusted_vkey is not None and trusted_vkey != header.vkey:
        v.find(f"the ledger header names key {header.vkey}, not the trusted key {trusted_vkey}")
    checkpoints = _check_coverage(v)
    _check_stored_state(v, replay)
    more, witnessed = (outside or Outside()).findings(trusted_vkey or header.vkey, header.origin, v.hashes, v.notes)
    for finding in more:
        v.find(finding)
    return LedgerReport(
        path=path,
        origin=header.origin,
        case=header.case,
        vkey=header.vkey,
        key_trusted=trusted_vkey is not None,
        entries=v.frontier.size,
        events=replay.events,
        checkpoints=checkpoints,
        findings=tuple(str(f) for f in v.findings),
        breaches=tuple(v.findings),
        witnessed=witnessed,
    )
