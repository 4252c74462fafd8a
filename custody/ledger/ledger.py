"""The custody ledger: an append-only, signed log of keys, authorities and custody events in one SQLite file.

Every append runs in one ``BEGIN IMMEDIATE`` transaction: it reads the current tree state, checks the new entry
against the rules of ``custody.rules.events`` (refusing it with the findings), stores the leaf, and stores a checkpoint
signed by the ledger key for the new tree size. A handler's key is registered (a self-signed ``key`` entry) the
first time it signs. Nothing is acknowledged before the commit, so an interrupted append leaves the ledger as it was.

The clock is read only when the caller gives no ``now``, and only once the append lock is held (so record times
never go backwards along the ledger when writers wait for each other); ids are random (``ev-``/``au-`` + 16 hex digits).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import TracebackType

from custody.errors import CustodyError, LedgerTamperedError, RecordError, SignatureError
from custody.i18n.said import SaidAuthorityError, SaidError
from custody.ledger.backend import LedgerStore
from custody.ledger.drafts import Appended, EventDraft, InclusionProof, new_id, now_or_clock
from custody.ledger.state import LedgerState
from custody.ledger.stores import create_store, open_store
from custody.model.changes import AuthorityChange
from custody.model.entries import KeyEntry, LedgerHeader, SignedEntry, parse_leaf, retimed, sign_entry
from custody.model.identity import Handler
from custody.model.keys import KeyPair, verify_signature
from custody.model.legal import Authority
from custody.model.records import Event
from custody.rules.authority import require_valid
from custody.rules.changes import check_change, refuse_change
from custody.rules.events import event_findings, expected_prev, refusal
from custody.tlog.frontier import Frontier
from custody.tlog.merkle import MerkleTree, leaf_hash
from custody.tlog.notes import Checkpoint, parse_verifier_key, sign_checkpoint


class Ledger:
    """An open ledger file. Appending needs the ledger key (``ledger_key``); reading and proving do not."""

    def __init__(self, store: LedgerStore, header: LedgerHeader, ledger_key: KeyPair | None) -> None:
        self.store = store
        self.header = header
        self._key = ledger_key
        if ledger_key is not None and ledger_key.info.public_key != header.public_key:
            store.close()
            raise SaidError("ledger.wrong_key", path=store.path, fingerprint=header.fingerprint)

    @classmethod
    def create(
        cls,
        path: str | Path,
        *,
        case: str,
        origin: str,
        ledger_key: KeyPair,
        now: datetime | None = None,
        key_file: str | None = None,
    ) -> Ledger:
        """Create a ledger file for ``case``, whose checkpoints name ``origin`` and are signed by ``ledger_key``.

        ``key_file`` (where the encrypted ledger key lives) is kept as an unsigned hint, so that later appends can
        find the key without the examiner naming it each time; verification never uses it."""
        header = LedgerHeader(
            origin=origin,
            case=case,
            key_name=parse_verifier_key(ledger_key.info.vkey)[0],
            public_key=ledger_key.info.public_key,
            created_at=now_or_clock(now),
        )
        entry = sign_entry("ledger", header, [ledger_key])
        store = create_store(path)
        ledger = cls(store, header, ledger_key)
        with store.transaction():
            ledger._write([entry])
            if key_file is not None:
                store.set_meta("ledger_key_file", key_file)
        return ledger

    @classmethod
    def open(cls, path: str | Path, *, ledger_key: KeyPair | None = None, readonly: bool = False) -> Ledger:
        """Open a ledger file; its header (entry 0) says its case, origin and key."""
        store = open_store(path, readonly=readonly or ledger_key is None)
        leaf = store.leaf_at(0)
        try:
            if leaf is None:
                raise LedgerTamperedError(f"{path}: the ledger has no header entry")
            entry, _ = parse_leaf(leaf)
        except (RecordError, LedgerTamperedError) as exc:
            store.close()
            raise LedgerTamperedError(f"{path}: header entry unreadable: {exc}") from exc
        if not isinstance(entry.body, LedgerHeader):
            store.close()
            raise LedgerTamperedError(f"{path}: entry 0 is not the ledger header")
        return cls(store, entry.body, ledger_key)

    def close(self) -> None:
        """Close the file."""
        self.store.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    @property
    def key_file(self) -> str | None:
        """Where the ledger key was when the ledger was created (a hint, see ``create``)."""
        value = self.store.get_meta("ledger_key_file")
        return value if isinstance(value, str) else None

    @property
    def vkey(self) -> str:
        """The verifier key of the ledger key (trust root for checkpoints)."""
        return self.header.vkey

    # Reading

    def _entry(self, entry_id: str, kind: str) -> SignedEntry | None:
        found = self.store.find(entry_id)
        if found is None or found[1] != kind:
            return None
        return parse_leaf(found[2])[0]

    def registered_key(self, fingerprint: str) -> KeyEntry | None:
        """The key entry registered for a fingerprint, or None."""
        entry = self._entry(fingerprint, "key")
        return None if entry is None else entry.body  # type: ignore[return-value]

    def find_authority(self, authority_id: str) -> Authority | None:
        """An authority entry by id, or None."""
        entry = self._entry(authority_id, "authority")
        return None if entry is None else entry.body  # type: ignore[return-value]

    def authorities_by_id(self) -> dict[str, Authority]:
        """Every authority entry, by id."""
        found = {}
        for _seq, _kind, _id, leaf, _hash in self.store.entries("authority"):
            body = parse_leaf(leaf)[0].body
            if isinstance(body, Authority):
                found[body.id] = body
        return found

    def authority_changes(self, authority_id: str) -> list[AuthorityChange]:
        """The changes recorded to an authority, in ledger order."""
        bodies = (parse_leaf(row[3])[0].body for row in self.store.entries("authority-change"))
        return [b for b in bodies if isinstance(b, AuthorityChange) and b.authority == authority_id]

    def resolve_authority(self, ref: str) -> Authority:
        """An authority by id, or by its reference when exactly one authority has it."""
        direct = self.find_authority(ref)
        if direct is not None:
            return direct
        matches = [a for a in self.authorities_by_id().values() if a.reference == ref]
        if len(matches) != 1:
            code = "authority.none" if not matches else "authority.several"
            raise SaidAuthorityError(code, path=self.store.path, count=len(matches), ref=repr(ref))
        return matches[0]

    def event(self, event_id: str) -> Event:
        """An event by id."""
        found = self.find_event(event_id)
        if found is None:
            raise SaidError("ledger.no_event", path=self.store.path, id=repr(event_id))
        return found

    def find_event(self, event_id: str) -> Event | None:
        """An event by id, or None."""
        entry = self._entry(event_id, "event")
        return None if entry is None else entry.body  # type: ignore[return-value]

    def entries(self) -> list[SignedEntry]:
        """Every entry in ledger order (parsed; use ``custody.ledger.verify`` to check them)."""
        return [parse_leaf(leaf)[0] for _s, _k, _i, leaf, _h in self.store.entries()]

    def latest_checkpoint(self) -> str:
        """The signed checkpoint of the whole ledger."""
        latest = self.store.latest_checkpoint()
        if latest is None:
            raise LedgerTamperedError(f"{self.store.path}: no checkpoint stored")
        return latest[1]

    def prove(self, entry_id: str) -> InclusionProof:
        """An inclusion proof of one entry against the latest checkpoint."""
        with self.store.snapshot():
            found = self.store.find(entry_id)
            if found is None:
                raise SaidError("ledger.no_entry", path=self.store.path, id=repr(entry_id))
            latest = self.store.latest_checkpoint()
            hashes = self.store.leaf_hashes()
        if latest is None:
            raise LedgerTamperedError(f"{self.store.path}: no checkpoint stored")
        size, note = latest
        tree = MerkleTree(hashes[:size])
        index = found[0]
        return InclusionProof(
            entry_id=entry_id,
            index=index,
            size=size,
            leaf=found[2],
            proof=tuple(tree.inclusion_proof(index, size)),
            checkpoint=note,
        )

    # Appending

    def writable(self) -> None:
        """Raise unless this ledger was opened with its key (appending needs it to sign checkpoints)."""
        self._require_key()

    def _require_key(self) -> KeyPair:
        if self._key is None:
            raise CustodyError(f"{self.store.path}: appending needs the ledger key")
        return self._key

    def _write(self, entries: Sequence[SignedEntry]) -> Appended:
        """Append ``entries`` and a checkpoint, inside the caller's transaction."""
        key = self._require_key()
        size, stored = self.store.tree_state()
        rows = self.store.next_position()
        if size != rows:
            raise LedgerTamperedError(
                f"{self.store.path}: stored tree size {size} differs from the {rows} stored entries (tampered ledger?)"
            )
        frontier = Frontier.from_bytes(size, stored)
        for entry in entries:
            leaf = entry.leaf()
            digest = leaf_hash(leaf)
            self.store.insert_entry(frontier.size, entry.kind, entry.entry_id, leaf, digest)
            frontier.append(digest)
            if isinstance(entry.body, Event):
                for artefact in entry.body.artefacts:
                    self.store.set_head(artefact.key, entry.body.id)
        name = parse_verifier_key(self.header.vkey)[0]
        note = sign_checkpoint(
            Checkpoint(origin=self.header.origin, size=frontier.size, root=frontier.root()), name, key.private_key
        )
        self.store.insert_checkpoint(frontier.size, note)
        self.store.set_meta("size", frontier.size)
        self.store.set_meta("frontier", frontier.to_bytes())
        return Appended(entry=entries[-1], index=frontier.size - 1, size=frontier.size, checkpoint=note)

    def _key_entries(
        self, handlers: Sequence[Handler], keys: Sequence[KeyPair], now: datetime, presigned: Sequence[SignedEntry] = ()
    ) -> list[SignedEntry]:
        """Key entries for the signers not yet registered: from ``presigned`` (self-signed elsewhere) or signed now
        with ``keys``. Refuses a key that is registered under another identity."""
        new: list[SignedEntry] = []
        by_fp = {k.info.fingerprint: k for k in keys}
        signed = {e.entry_id: e for e in presigned if isinstance(e.body, KeyEntry)}
        for handler in handlers:
            fp = handler.key_fingerprint
            known = self.registered_key(fp)
            if known is not None:
                if known.handler != handler:
                    raise CustodyError(
                        f"key {fp} is registered as {known.handler.name!r} ({known.handler.role}, "
                        f"{known.handler.organisation}), not as {handler.name!r}"
                    )
            elif fp in signed and signed[fp].body.handler == handler:  # type: ignore[union-attr]
                new.append(signed[fp])
            elif fp in by_fp and by_fp[fp].info.handler == handler:
                body = KeyEntry(handler=handler, public_key=by_fp[fp].info.public_key, registered_at=now)
                new.append(sign_entry("key", body, [by_fp[fp]]))
            else:
                raise CustodyError(f"key {fp} of {handler.name} is not registered in the ledger")
        return new

    def add_authority(self, authority: Authority, key: KeyPair, *, now: datetime | None = None) -> Appended:
        """Record a legal authority, signed by the handler ``key``; refused when its instrument's rules fail."""
        with self.store.transaction():
            moment = now_or_clock(now)  # after the lock: record times follow the ledger's order
            require_valid(authority, self.authorities_by_id())
            keys = self._key_entries([key.info.handler], [key], moment)
            return self._write([*keys, sign_entry("authority", authority, [key])])

    def change_authority(self, change: AuthorityChange, key: KeyPair) -> Appended:
        """Record a change to an authority (extension, validation, revocation; ``custody.model.changes``), signed by
        the handler ``key``; refused (``RecordRefusedError``) when ``custody.rules.changes`` finds it wrong."""
        with self.store.transaction():
            authority = self.find_authority(change.authority)
            refuse_change(change, authority, check_change(change, authority, self.authority_changes(change.authority)))
            keys = self._key_entries([key.info.handler], [key], change.recorded_at)
            return self._write([*keys, sign_entry("authority-change", change, [key])])

    def build_event(
        self, draft: EventDraft, handler: Handler, *, counter_party: Handler | None = None, now: datetime | None = None
    ) -> Event:
        """The event a draft becomes now: id, case, previous-event links from the current heads, record time."""
        moment = now_or_clock(now)
        event = Event(
            id=new_id("ev"),
            case=self.header.case,
            action=draft.action,
            artefacts=draft.artefacts,
            handler=handler,
            counter_party=counter_party,
            occurred_at=moment if draft.occurred_at is None else draft.occurred_at,
            occurred_tz=draft.occurred_tz,
            recorded_at=moment,
            location=draft.location,
            purpose=draft.purpose,
            seal=draft.seal,
            tool=draft.tool,
            categories=draft.categories,
            authorities=draft.authorities,
            prev=(),
            notes=draft.notes,
            late_reason=draft.late_reason,
            recipient=draft.recipient,
            handover=draft.handover,
            derived_from=draft.derived_from,
        )
        return replace(event, prev=expected_prev(event, LedgerState(self)))

    def check_event(self, event: Event, pending: Sequence[Handler] = ()) -> None:
        """Raise ``EventRefusedError`` (``AuthorityRefusedError`` for authority problems only) stating every rule of
        ``custody.rules.events`` that ``event`` breaks: those that ledger and bundle verification apply."""
        found = event_findings(event, LedgerState(self, pending))
        if found:
            raise refusal(event, found)

    def append_signed(
        self,
        entry: SignedEntry,
        keys: Sequence[KeyPair] = (),
        presigned_keys: Sequence[SignedEntry] = (),
        *,
        now: datetime | None = None,
    ) -> Appended:
        """Append an event entry signed elsewhere (a transfer accepted from an offer), after every check; recorded at
        ``now`` or, without it, at the time the append lock is taken (``retimed``: the signatures stay as signed)."""
        event = entry.body
        if not isinstance(event, Event):
            raise CustodyError("only event entries can be appended this way")
        signers = [event.handler] + ([event.counter_party] if event.counter_party else [])
        with self.store.transaction():
            moment = now_or_clock(now)  # after the lock, as in record
            entry = retimed(entry, moment)
            if not isinstance(entry.body, Event):
                raise CustodyError("only event entries can be appended this way")
            event = entry.body
            new_keys = self._key_entries(signers, keys, moment, presigned_keys)
            self._check_signatures([*new_keys, entry])
            self.check_event(event, signers)
            return self._write([*new_keys, entry])

    def _check_signatures(self, entries: Sequence[SignedEntry]) -> None:
        """Verify entries signed elsewhere against registered keys and the key entries that come with them."""
        public = {e.entry_id: e.body.public_key for e in entries if isinstance(e.body, KeyEntry)}
        for entry in entries:
            expected = entry.expected_signers() or ()
            if tuple(s.key for s in entry.signatures) != expected:
                raise SignatureError(f"entry {entry.entry_id} must be signed by {list(expected)}")
            payload = entry.payload()
            for signature in entry.signatures:
                known = self.registered_key(signature.key)
                key = known.public_key if known is not None else public.get(signature.key)
                if key is None:
                    raise SignatureError(f"entry {entry.entry_id}: key {signature.key} is unknown")
                verify_signature(key, signature.sig, payload)

    def record(
        self, key: KeyPair, draft: EventDraft, *, now: datetime | None = None, counter_key: KeyPair | None = None
    ) -> Appended:
        """Record an event signed by ``key``; with ``counter_key`` a transfer to that handler, signed by both."""
        self._require_key()  # before the rules: without the key, nothing can be recorded at all
        keys = [key] if counter_key is None else [key, counter_key]
        with self.store.transaction():
            moment = now_or_clock(now)  # after the lock: a writer kept waiting must not record an earlier time
            counter = None if counter_key is None else counter_key.info.handler
            event = self.build_event(draft, key.info.handler, counter_party=counter, now=moment)
            new_keys = self._key_entries([k.info.handler for k in keys], keys, moment)
            self.check_event(event, [k.info.handler for k in keys])
            return self._write([*new_keys, sign_entry("event", event, keys)])
