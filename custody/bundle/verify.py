"""Offline verification of a prosecutor bundle against one trusted ledger key (one per ledger for a linked history).

The verifier needs nothing from the sender but the bundle and, through another channel, the ledger's public key. It
checks, and lists as one finding each: the checkpoint signature (only the trusted key may sign it), every inclusion
proof against the checkpoint root, the ledger header (its key is the trusted key, its origin the checkpoint's), every
signature (both parties of a transfer), that each signer's identity is the one its key entry registered, the case,
the time order and the chain of previous events, that each action is covered by a legal authority in the bundle that
was valid, in scope and in force at that moment, the selection, and (when files are given) their SHA-256 and BLAKE3.

It fails closed (sigstore-python's rule, the contract of ``evidence.common.report``): ``BundleReport.ok`` is true only
when there are findings and none failed, and ``verify_bundle`` returns the report only then; otherwise it raises
``VerificationError`` carrying the report, whose findings still say everything that was checked. A finding is a code
with parameters, so ``custody.i18n`` can state it in French or English.

A bundle exported after a cross-border handover links the bundles of the ledgers its artefacts came from: each is
verified the same way with its own ledger's trusted key, and tied to the received event (``custody.bundle.linked``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from os import PathLike
from pathlib import Path
from types import MappingProxyType

from custody import fastpath
from custody.bundle.artefact_files import hash_file
from custody.bundle.format import Bundle, BundleEntry, BundleSource
from custody.bundle.linked import LinkedView, choose_key, link_findings, trusted_keys
from custody.bundle.outcome import REASONS_SHOWN, BundleReport, Contents, FileCheck, Finding
from custody.bundle.signatures import SignatureChecks
from custody.bundle.stream import read_bundle
from custody.bundle.timestamps import check_bundle_timestamps
from custody.errors import ProofError, RecordError, SignatureError
from custody.ledger.rfc3161 import TsaTrust
from custody.model.changes import AuthorityChange
from custody.model.entries import KeyEntry, LedgerHeader, SignedEntry, parse_leaf
from custody.model.records import Authority, Event
from custody.model.trust import Trust, TrustedKey
from custody.model.witnesses import WitnessPolicy, witness_policy
from custody.rules.breach import breach
from custody.rules.chain import ChainChecker
from custody.tlog.cosignature import WitnessKey, check_cosignatures
from custody.tlog.inclusions import Inclusions
from custody.tlog.merkle import InclusionProofError, leaf_hash, verify_inclusion
from custody.tlog.notes import Checkpoint, NoteError, key_id, open_note, parse_checkpoint, parse_note

_ALGORITHM_NAMES = {"sha256": "SHA-256", "blake3": "BLAKE3"}
ORDER_CODES = frozenset(
    {
        "order.key",
        "order.recorded",
        "order.ledger",
        "order.artefact",
        "chain.prev",
        "chain.missing",
        "chain.source",
        "selection.extra",
        "digests.bad",
    }
)
"""The findings that deny ``order.ok`` (the time order and the chain of previous events)."""


def _finding(code: str, ok: bool, **params: object) -> Finding:
    return Finding(code, ok, MappingProxyType({k: str(v) for k, v in params.items()}))


class _Verifier:
    """One verification run: each step adds findings; no step is skipped because an earlier one failed.

    The entries are walked twice (``BundleSource``: a file is read again, never held whole): the first walk checks
    the proofs and gathers the header, the keys, the authorities and the events; the second checks the signatures
    (a key entry may come after a signature by that key) and the chain. The findings come in the order of the
    steps, as if each step walked the entries on its own.

    A bundle held in memory (``Bundle``: immutable, its leaves already read) is parsed once: the first walk keeps each
    leaf's parsed entry and signed payload for the second (a fast path, ``custody.fastpath``: ``parse_leaf`` is a
    pure function of the leaf bytes, so the second walk gets what parsing them again would give). A file is read
    again instead, so that memory does not grow with it."""

    def __init__(
        self, bundle: BundleSource, trusted: TrustedKey, witnesses: Sequence[WitnessKey] = (), quorum: int = 0
    ) -> None:
        self.witnesses, self.quorum = witnesses, quorum
        self.bundle = bundle
        self.trusted = trusted
        self.findings: list[Finding] = []
        self.contents = Contents(
            selection=bundle.selection, trusted=trusted, witnesses=tuple(w.vkey for w in witnesses), quorum=quorum
        )
        self.headers: list[tuple[int, LedgerHeader]] = []
        self.parsed: list[tuple[BundleEntry, SignedEntry, bytes]] | None = (
            [] if fastpath.ENABLED and isinstance(bundle, Bundle) else None
        )
        """The first walk's reading of each leaf that could be read, when the bundle is kept in memory."""

    def add(self, code: str, ok: bool, **params: object) -> None:
        self.findings.append(_finding(code, ok, **params))

    def checkpoint(self) -> Checkpoint | None:
        note = self.bundle.checkpoint
        try:
            point = parse_checkpoint(parse_note(note)[0])
        except NoteError as exc:
            self.add("checkpoint.bad", False, detail=exc)
            return None
        self.contents.checkpoint = point
        name = self.trusted.name or (self._header_name() or "")
        try:
            open_note(note, {name: self.trusted.public_key})
        except SignatureError as exc:  # stated as the page states it: no signature by that key, or a bad one
            ours = key_id(name, self.trusted.public_key) in {s.key_id for s in parse_note(note)[1] if s.name == name}
            why = breach("detail.checkpoint_signature" if ours else "detail.checkpoint_unsigned", name=name)
            self.findings.append(Finding("checkpoint.bad", False, MappingProxyType({"detail": str(exc)}), (why,)))
            return None  # an untrusted root proves nothing: no proof is reported as passing against it
        except NoteError as exc:
            self.add("checkpoint.bad", False, detail=exc)
            return None
        # Other signature lines (witnesses' cosignatures, a rotated key) are ignored unless they are trusted witnesses.
        self.add("checkpoint.ok", True, key=self.trusted.fingerprint, origin=point.origin, size=point.size)
        if self.witnesses:
            self.add_cosignatures(note)
        return point

    def timestamps(self, point: Checkpoint | None, tsa: TsaTrust | None) -> None:
        """The RFC 3161 time-stamps of the checkpoint (``custody.bundle.timestamps``)."""
        name = self.trusted.name or (self._header_name() or "")
        size = 0 if point is None else point.size
        found, checks = check_bundle_timestamps(self.bundle.timestamps, self.bundle.checkpoint, name, size, tsa)
        for code, ok, params in found:
            self.add(code, ok, **params)
        self.contents.timestamps = checks

    def add_cosignatures(self, note: str) -> None:
        result = check_cosignatures(note, self.witnesses)
        for vkey in result.invalid:
            self.add("checkpoint.cosignature_bad", False, witness=vkey)
        names = ", ".join(vkey.split("+", 1)[0] for vkey, _ in result.valid) or "-"
        code = "checkpoint.witnessed" if len(result.valid) >= self.quorum else "checkpoint.quorum"
        self.add(code, code == "checkpoint.witnessed", count=len(result.valid), witnesses=names, quorum=self.quorum)

    def _header_name(self) -> str | None:
        first = self.bundle.first
        try:
            entry, _ = parse_leaf(first.leaf)
        except RecordError:
            return None
        return entry.body.key_name if isinstance(entry.body, LedgerHeader) else None

    def leaves(self, point: Checkpoint | None) -> None:
        """The first walk: each leaf read and proved, and what the bundle holds gathered (``collect``)."""
        proved = 0
        batch = Inclusions(point.size, point.root) if point is not None and fastpath.ENABLED else None
        kept = self.parsed
        for item in self.bundle.iter_entries():
            try:
                entry, payload = parse_leaf(item.leaf, item.form)
            except RecordError as exc:
                self.add("leaf.bad", False, index=item.index, detail=exc)
                continue
            if kept is not None:
                kept.append((item, entry, payload))
            self.gather(item, entry)
            if point is None:
                continue
            try:
                if batch is None:
                    verify_inclusion(leaf_hash(item.leaf), item.index, point.size, list(item.proof), point.root)
                else:  # the same verdicts, the shared upper levels of the paths hashed once
                    batch.verify(leaf_hash(item.leaf), item.index, item.proof)
                proved += 1
            except InclusionProofError:  # the sentence the report page states too
                params = MappingProxyType({"index": str(item.index)})
                self.findings.append(Finding("proof.bad", False, params, (breach("detail.proof_root"),)))
            except ProofError as exc:  # a malformed proof: the reason as the Merkle code states it
                self.add("proof.bad", False, index=item.index, detail=exc)
        if point is not None and proved == self.bundle.count:
            self.add("proofs.ok", True, count=proved, size=point.size)

    def gather(self, item: BundleEntry, entry: SignedEntry) -> None:
        """What the report and the later steps need of one entry; nothing else of it is kept."""
        body = entry.body
        if type(body) is Event:  # most entries (the kinds are distinct classes: the order of the tests is free)
            self.contents.events.append(body)
        elif isinstance(body, LedgerHeader):
            self.headers.append((item.index, body))
        elif isinstance(body, KeyEntry):
            self.contents.keys[body.handler.key_fingerprint] = body
        elif isinstance(body, Authority):
            self.contents.authorities[body.id] = body
        elif isinstance(body, AuthorityChange):
            self.contents.changes.setdefault(body.authority, []).append(body)
        elif isinstance(body, Event):
            self.contents.events.append(body)

    def header(self, point: Checkpoint | None) -> None:
        if len(self.headers) != 1 or self.headers[0][0] != 0:
            self.add("header.missing", False)
            return
        body = self.headers[0][1]
        self.contents.header = body
        ok = True
        if body.public_key != self.trusted.public_key:
            ok = False
            self.add("header.key", False, expected=self.trusted.fingerprint, got=body.fingerprint)
        if point is not None and point.origin != body.origin:
            ok = False
            self.add("header.origin", False, expected=body.origin, got=point.origin)
        if ok:
            self.add("header.ok", True, case=body.case, origin=body.origin, fingerprint=body.fingerprint)

    def collect(self) -> None:
        if not self.contents.events:
            self.add("events.none", False)

    def second_walk(self) -> None:
        """The signatures, then the time order and the chain (``order``), of the leaves that could be read."""
        header = self.contents.header
        checker = ChainChecker(self.bundle.selection, self.contents.keys, None if header is None else header.case)
        counts = {"event": 0, "authority": 0, "key": 0, "ledger": 0, "authority-change": 0}
        failed: list[Finding] = []
        signatures = SignatureChecks(self.contents.keys)

        def signed(item: BundleEntry, entry: SignedEntry, payload: bytes) -> None:
            problem = signatures.problem(entry, payload)
            if problem:
                params = MappingProxyType({"index": str(item.index), "id": entry.entry_id})
                failed.append(Finding("signature.bad", False, params, (problem,)))
            else:
                counts[entry.kind] += 1

        if self.parsed is not None:  # the signatures in one run, then the chain (each keeps its work in the caches)
            for item, entry, payload in self.parsed:
                signed(item, entry, payload)
            for item, entry, _ in self.parsed:
                checker.visit(item.index, entry)
        else:
            for item, entry, payload in self._read_again():
                signed(item, entry, payload)
                checker.visit(item.index, entry)
        self.findings.extend(failed)
        self.signatures(counts, bool(failed))
        self.order(checker)

    def _read_again(self) -> Iterator[tuple[BundleEntry, SignedEntry, bytes]]:
        """The leaves that could be read, read again, with their entries and payloads (an unreadable leaf was
        reported by the first walk: ``leaf.bad``)."""
        for item in self.bundle.iter_entries():
            try:
                entry, payload = parse_leaf(item.leaf, item.form)
            except RecordError:
                continue
            yield item, entry, payload

    def signatures(self, counts: Mapping[str, int], failed: bool) -> None:
        transfers = sum(1 for e in self.contents.events if e.counter_party is not None)
        if not failed:
            self.add(
                "signatures.ok",
                True,
                events=counts["event"],
                authorities=counts["authority"] + counts["authority-change"],
                keys=counts["key"],
                transfers=transfers,
            )

    def order(self, checker: ChainChecker) -> None:
        """The event rules (``custody.rules.events``, as when recording) and the bundle's chain, in ledger order."""
        for problem in checker.problems + checker.selection_problems():
            self.findings.append(Finding(problem.code, False, problem.params, problem.parts))
        events = self.contents.events
        codes = {problem.code for problem in checker.problems}
        if events and not any(code.startswith("authority.") for code in codes):
            self.add("authority.ok", True, count=sum(event.needs_authority for event in events))
        if events and not codes & ORDER_CODES:
            self.add("order.ok", True, count=len(events))

    def files(self, paths: Sequence[str | Path]) -> None:
        for path in paths:
            digests = hash_file(path)
            match = self._artefact_for(digests)
            self.contents.files.append(FileCheck(path=str(path), digests=digests, artefact=match))
            if match is None:
                self.add("file.bad", False, path=path, sha256=digests["sha256"], blake3=digests["blake3"])
            else:
                recorded = self._recorded(match)
                self.add(
                    "file.ok",
                    True,
                    path=path,
                    artefact=match,
                    algorithms=", ".join(_ALGORITHM_NAMES.get(a, a) for a in ("sha256", "blake3") if a in recorded),
                )

    def _recorded(self, key: str) -> dict[str, str]:
        return {
            alg: v for e in self.contents.events for a in e.artefacts if a.key == key for alg, v in a.digests.items()
        }

    def _artefact_for(self, digests: Mapping[str, str]) -> str | None:
        for key in self.bundle.selection:
            recorded = self._recorded(key)
            shared = [alg for alg in recorded if alg in digests]
            if recorded and all(recorded[alg] == digests[alg] for alg in shared) and "sha256" in shared:
                return key
        return None


def verify_bundle(
    bundle: bytes | str | PathLike[str],
    trusted: Trust | Sequence[Trust],
    artefact_files: Iterable[str | Path] = (),
    *,
    name: str = "bundle",
    tsa: TsaTrust | None = None,
    witnesses: Iterable[str | WitnessKey] = (),
    quorum: int | None = None,
    lang: str = "en",
) -> BundleReport:
    """Verify a bundle offline against the trusted ledger key; return the report when it verifies.

    ``bundle`` is the bundle's bytes or the path of its file. Either is read entry by entry
    (``custody.bundle.stream``): a file is never held whole, and memory grows with what the report lists (the
    events, keys and authorities), not with the file.

    ``trusted`` is the ledger's public key: a note verifier key string (``name+hex+base64``), the 32 raw bytes, a
    ``PublicKeyInfo`` or a ``TrustedKey`` (``read_trust``); or a list of them, one per ledger, for a bundle that
    links the history of other ledgers (``custody.bundle.linked``). ``artefact_files`` are re-hashed (SHA-256 and
    BLAKE3) and matched against the selected artefacts. Any failed check raises ``VerificationError`` (exit 3)
    carrying the report with every finding; a file that is not a readable bundle raises ``BundleFormatError``.
    ``tsa`` (``custody.ledger.timestamps.read_tsa_certs``) checks the RFC 3161 time-stamps the bundle carries;
    without it they are listed in ``contents.timestamps`` as not checked. With ``witnesses`` (cosignature/v1
    verifier keys), the checkpoint counts only with ``quorum`` (default: all) of their valid cosignatures.
    ``lang`` is the language of the error raised when a file changes while it is being verified.
    """
    policy = witness_policy(witnesses, quorum)
    source = read_bundle(bundle, name, lang)
    return verify_parsed(source, trusted, artefact_files, name=name, tsa=tsa, witnesses=policy)


def verify_parsed(
    bundle: BundleSource,
    trusted: Trust | Sequence[Trust],
    artefact_files: Iterable[str | Path] = (),
    *,
    name: str = "bundle",
    tsa: TsaTrust | None = None,
    witnesses: WitnessPolicy | None = None,
) -> BundleReport:
    """``verify_bundle`` of a bundle already read (``Bundle.from_bytes``, or the bundle an offer file carries)."""
    report = _verify(bundle, trusted_keys(trusted), list(artefact_files), name, top=True, tsa=tsa, policy=witnesses)
    report.raise_for_failure()
    return report


def _verify(
    bundle: BundleSource,
    keys: list[TrustedKey],
    files: list[str | Path],
    name: str,
    *,
    top: bool,
    tsa: TsaTrust | None,
    policy: WitnessPolicy | None = None,
) -> BundleReport:
    """One bundle's checks. A linked bundle's time-stamps are listed, not checked, and its checkpoint needs no
    witness: the TSA roots and the witnesses given are for the top bundle."""
    key, untrusted = choose_key(bundle, keys, top=top)
    verifier = _Verifier(bundle, key) if policy is None else _Verifier(bundle, key, policy.keys, policy.quorum)
    if untrusted is not None:
        verifier.add("trust.missing", False, origin=untrusted)
    point = verifier.checkpoint()
    verifier.timestamps(point, tsa)
    verifier.leaves(point)
    verifier.header(point)
    verifier.collect()
    verifier.second_walk()
    verifier.files(files)
    linked = tuple(_verify(b, keys, [], f"{name} > {_origin(b)}", top=False, tsa=None) for b in bundle.linked)
    views = [
        LinkedView(
            origin=_origin(b),
            checkpoint=r.contents.checkpoint,
            events=r.contents.events,
            ok=r.ok,
            reasons="; ".join(f.text("en") for f in r.failures()[:REASONS_SHOWN]),
        )
        for b, r in zip(bundle.linked, linked, strict=True)
    ]
    for code, ok, params in link_findings(verifier.contents.events, views):
        verifier.add(code, ok, **params)
    return BundleReport(findings=tuple(verifier.findings), contents=verifier.contents, name=name, linked=linked)


def _origin(bundle: BundleSource) -> str:
    try:
        return parse_checkpoint(parse_note(bundle.checkpoint)[0]).origin
    except NoteError:
        return "(a ledger whose checkpoint is unreadable)"
