"""Offline verification of a prosecutor bundle against one trusted ledger key.

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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from custody.bundle.artefact_files import hash_file
from custody.bundle.format import Bundle, BundleEntry
from custody.errors import ProofError, RecordError, SignatureError
from custody.i18n import finding
from custody.model.entries import KeyEntry, LedgerHeader, SignedEntry, parse_leaf
from custody.model.keys import verify_signature
from custody.model.records import Authority, Event
from custody.model.trust import Trust, TrustedKey, trusted_key
from custody.model.witnesses import witness_policy
from custody.rules.chain import ChainChecker
from custody.tlog.cosignature import WitnessKey, check_cosignatures
from custody.tlog.merkle import leaf_hash, verify_inclusion
from custody.tlog.notes import Checkpoint, NoteError, open_note, parse_checkpoint, parse_note
from evidence.common.report import Report

_ALGORITHM_NAMES = {"sha256": "SHA-256", "blake3": "BLAKE3"}
_ORDER_CODES = frozenset(
    {
        "order.key",
        "order.recorded",
        "order.ledger",
        "order.artefact",
        "chain.prev",
        "chain.missing",
        "selection.extra",
        "digests.bad",
    }
)
"""The findings that deny ``order.ok`` (the time order and the chain of previous events)."""
_REASONS_SHOWN = 3
"""Failed findings an error message states in full (the report and summary state them all)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of verification: a message code (``custody.i18n.FINDINGS``), pass or fail, and its parameters."""

    code: str
    ok: bool
    params: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True, kw_only=True)
class FileCheck:
    """An artefact file the verifier was given: its digests and the selected artefact it matched (or None)."""

    path: str
    digests: Mapping[str, str]
    artefact: str | None


@dataclass(slots=True, kw_only=True)
class Contents:
    """What the bundle says, for the report: trust it only as far as ``BundleReport.ok`` says."""

    selection: tuple[str, ...] = ()
    checkpoint: Checkpoint | None = None
    header: LedgerHeader | None = None
    keys: dict[str, KeyEntry] = field(default_factory=dict)
    authorities: dict[str, Authority] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    files: list[FileCheck] = field(default_factory=list)
    trusted: TrustedKey | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BundleReport(Report):
    """The verdict on a bundle, every finding (its ``results``), and what it contains."""

    findings: tuple[Finding, ...]
    contents: Contents
    name: str = "bundle"

    @property
    def subject(self) -> str:
        """The bundle, as the caller named it."""
        return self.name

    @property
    def results(self) -> tuple[Finding, ...]:
        """Every finding, passed or failed."""
        return self.findings

    @property
    def ok(self) -> bool:
        """True only when something was checked, nothing failed, and the bundle holds at least one event."""
        return bool(self.findings) and bool(self.contents.events) and all(f.ok for f in self.findings)

    def failures(self) -> tuple[Finding, ...]:
        """The findings that failed."""
        return tuple(f for f in self.findings if not f.ok)

    def failure_message(self) -> str:
        """``NAME: bundle NOT VERIFIED: N check(s) failed (codes); reason; ...`` (the first reasons in full)."""
        failed = self.failures()
        codes = ", ".join(sorted({f.code for f in failed})) or "nothing was verified"
        reasons = "".join(f"; {finding(f.code, f.params, 'en')}" for f in failed[:_REASONS_SHOWN])
        reasons += "; ..." if len(failed) > _REASONS_SHOWN else ""
        return f"{self.name}: bundle NOT VERIFIED: {len(failed)} check(s) failed ({codes}){reasons}"


class _Verifier:
    """One verification run: each step adds findings; no step is skipped because an earlier one failed."""

    def __init__(
        self, bundle: Bundle, trusted: TrustedKey, witnesses: Sequence[WitnessKey] = (), quorum: int = 0
    ) -> None:
        self.witnesses, self.quorum = witnesses, quorum
        self.bundle = bundle
        self.trusted = trusted
        self.findings: list[Finding] = []
        self.contents = Contents(selection=bundle.selection, trusted=trusted)
        self.parsed: list[tuple[BundleEntry, SignedEntry, bytes]] = []

    def add(self, code: str, ok: bool, **params: object) -> None:
        self.findings.append(Finding(code, ok, MappingProxyType({k: str(v) for k, v in params.items()})))

    def checkpoint(self) -> Checkpoint | None:
        note = self.bundle.checkpoint
        try:
            text, _ = parse_note(note)
            point = parse_checkpoint(text)
        except NoteError as exc:
            self.add("checkpoint.bad", False, detail=exc)
            return None
        self.contents.checkpoint = point
        name = self.trusted.name or (self._header_name() or "")
        try:
            open_note(note, {name: self.trusted.public_key})
        except (SignatureError, NoteError) as exc:
            self.add("checkpoint.bad", False, detail=exc)
            return None  # an untrusted root proves nothing: no proof is reported as passing against it
        # Other signature lines (witnesses' cosignatures, a rotated key) are ignored unless they are trusted witnesses.
        self.add("checkpoint.ok", True, key=self.trusted.fingerprint, origin=point.origin, size=point.size)
        if self.witnesses:
            self.add_cosignatures(note)
        return point

    def add_cosignatures(self, note: str) -> None:
        result = check_cosignatures(note, self.witnesses)
        for vkey in result.invalid:
            self.add("checkpoint.cosignature_bad", False, witness=vkey)
        names = ", ".join(vkey.split("+", 1)[0] for vkey, _ in result.valid) or "-"
        code = "checkpoint.witnessed" if len(result.valid) >= self.quorum else "checkpoint.quorum"
        self.add(code, code == "checkpoint.witnessed", count=len(result.valid), witnesses=names, quorum=self.quorum)

    def _header_name(self) -> str | None:
        first = self.bundle.entries[0]
        try:
            entry, _ = parse_leaf(first.leaf)
        except RecordError:
            return None
        return entry.body.key_name if isinstance(entry.body, LedgerHeader) else None

    def leaves(self, point: Checkpoint | None) -> None:
        proved = 0
        for item in self.bundle.entries:
            try:
                entry, payload = parse_leaf(item.leaf)
            except RecordError as exc:
                self.add("leaf.bad", False, index=item.index, detail=exc)
                continue
            self.parsed.append((item, entry, payload))
            if point is None:
                continue
            try:
                verify_inclusion(leaf_hash(item.leaf), item.index, point.size, list(item.proof), point.root)
                proved += 1
            except ProofError as exc:
                self.add("proof.bad", False, index=item.index, detail=exc)
        if point is not None and proved == len(self.bundle.entries):
            self.add("proofs.ok", True, count=proved, size=point.size)

    def header(self, point: Checkpoint | None) -> None:
        headers = [(item, entry) for item, entry, _ in self.parsed if isinstance(entry.body, LedgerHeader)]
        if len(headers) != 1 or headers[0][0].index != 0:
            self.add("header.missing", False)
            return
        body = headers[0][1].body
        if not isinstance(body, LedgerHeader):  # pragma: no cover - selected by type above
            return
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
        for _, entry, _ in self.parsed:
            body = entry.body
            if isinstance(body, KeyEntry):
                self.contents.keys[body.handler.key_fingerprint] = body
            elif isinstance(body, Authority):
                self.contents.authorities[body.id] = body
            elif isinstance(body, Event):
                self.contents.events.append(body)
        if not self.contents.events:
            self.add("events.none", False)

    def signatures(self) -> None:
        counts = {"event": 0, "authority": 0, "key": 0, "ledger": 0}
        failed = False
        for item, entry, payload in self.parsed:
            problem = self._signature_problem(entry, payload)
            if problem:
                failed = True
                self.add("signature.bad", False, index=item.index, id=entry.entry_id, detail=problem)
            else:
                counts[entry.kind] += 1
        transfers = sum(1 for e in self.contents.events if e.counter_party is not None)
        if not failed:
            self.add(
                "signatures.ok",
                True,
                events=counts["event"],
                authorities=counts["authority"],
                keys=counts["key"],
                transfers=transfers,
            )

    def _signature_problem(self, entry: SignedEntry, payload: bytes) -> str | None:
        body = entry.body
        signers = tuple(s.key for s in entry.signatures)
        expected = entry.expected_signers()
        if expected is not None and signers != expected:
            return f"signed by {', '.join(signers) or 'nobody'}; expected {', '.join(expected)}"
        if not signers:
            return "not signed"
        for signature in entry.signatures:
            if isinstance(body, LedgerHeader | KeyEntry):
                public = body.public_key
            elif signature.key in self.contents.keys:
                public = self.contents.keys[signature.key].public_key
            else:
                return f"signed by {signature.key}, whose key entry is not in the bundle"
            try:
                verify_signature(public, signature.sig, payload)
            except SignatureError:
                return f"the signature by {signature.key} does not verify"
        return None

    def order(self) -> None:
        """The event rules (``custody.rules.events``, as when recording) and the bundle's chain, in ledger order."""
        header = self.contents.header
        checker = ChainChecker(self.bundle.selection, self.contents.keys, None if header is None else header.case)
        for item, entry, _ in self.parsed:
            checker.visit(item.index, entry)
        for code, params in checker.problems + checker.selection_problems():
            self.add(code, False, **params)
        events = self.contents.events
        codes = {code for code, _ in checker.problems}
        if events and not any(code.startswith("authority.") for code in codes):
            self.add("authority.ok", True, count=sum(event.needs_authority for event in events))
        if events and not codes & _ORDER_CODES:
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
    bundle_bytes: bytes,
    trusted: Trust,
    artefact_files: Iterable[str | Path] = (),
    *,
    name: str = "bundle",
    witnesses: Iterable[str | WitnessKey] = (),
    quorum: int | None = None,
) -> BundleReport:
    """Verify a bundle offline against the trusted ledger key; return the report when it verifies.

    ``trusted`` is the ledger's public key: a note verifier key string (``name+hex+base64``), the 32 raw bytes, a
    ``PublicKeyInfo`` or a ``TrustedKey`` (``read_trust``). ``artefact_files`` are re-hashed (SHA-256 and BLAKE3) and
    matched against the selected artefacts. Any failed check raises ``VerificationError`` (exit 3) carrying the
    report with every finding; a file that is not a readable bundle raises ``BundleFormatError``. With
    ``witnesses`` (cosignature/v1 verifier keys), the checkpoint counts only with ``quorum`` (default: all) of their
    valid cosignatures.
    """
    policy = witness_policy(witnesses, quorum)
    bundle = Bundle.from_bytes(bundle_bytes, name)
    verifier = _Verifier(bundle, trusted_key(trusted), policy.keys, policy.quorum)
    point = verifier.checkpoint()
    verifier.leaves(point)
    verifier.header(point)
    verifier.collect()
    verifier.signatures()
    verifier.order()
    verifier.files(list(artefact_files))
    report = BundleReport(findings=tuple(verifier.findings), contents=verifier.contents, name=name)
    report.raise_for_failure()
    return report


def describe(report: BundleReport) -> dict[str, Any]:
    """A JSON summary of the verdict and findings (for ``--json`` output)."""
    return {
        "ok": report.ok,
        "verified": report.ok,
        "findings": [{"code": f.code, "ok": f.ok, "params": dict(f.params)} for f in report.findings],
    }
