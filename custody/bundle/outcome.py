"""What bundle verification found: one finding per check, what the bundle holds, and the report of one verify call.

``BundleReport`` follows the contract of ``evidence.common.report``: ``ok`` only when there are findings and none
failed. ``describe`` gives the JSON form that ``custody verify --json`` prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from custody.ledger.rfc3161 import TimestampCheck
from custody.model.changes import AuthorityChange
from custody.model.entries import KeyEntry, LedgerHeader
from custody.model.records import Authority, Event
from custody.model.trust import TrustedKey
from custody.rules.breach import Breach
from custody.tlog.notes import Checkpoint
from evidence.common.report import Report

REASONS_SHOWN = 3
"""Failed findings an error message states in full (the report and summary state them all)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of verification: a message code (``custody.i18n.FINDINGS``), pass or fail, its parameters, and
    the findings it rests on (why each authority an event cites fails to cover it)."""

    code: str
    ok: bool
    params: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    parts: tuple[Breach, ...] = ()

    def text(self, lang: str = "en", zone: str | None = None) -> str:
        """The finding as a sentence in ``lang``, its times in ``zone`` when given (else as stored, in UTC)."""
        return Breach(self.code, self.params, self.parts).text(lang, zone)


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
    changes: dict[str, list[AuthorityChange]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    files: list[FileCheck] = field(default_factory=list)
    trusted: TrustedKey | None = None
    timestamps: list[TimestampCheck] = field(default_factory=list)
    witnesses: tuple[str, ...] = ()
    """The witness verifier keys the checkpoint was checked with (``verify --witness``), for the page to check too."""
    quorum: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class BundleReport(Report):
    """The verdict on a bundle, every finding (its ``results``), and what it contains."""

    findings: tuple[Finding, ...]
    contents: Contents
    name: str = "bundle"
    linked: tuple[BundleReport, ...] = ()
    """The reports on the linked bundles (``custody.bundle.linked``): the ledgers the artefacts came from."""

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

    def failure_message(self, lang: str = "en", zone: str | None = None) -> str:
        """``NAME: bundle NOT VERIFIED: N check(s) failed (codes); reason; ...`` (the first reasons in full), in
        ``lang``, times in ``zone`` when given."""
        from custody.i18n import message, pick
        from custody.i18n.words import SEMICOLON

        failed = self.failures()
        codes = ", ".join(sorted({f.code for f in failed})) or message("bundle.nothing_verified", lang)
        sep = pick(SEMICOLON, lang)
        reasons = "".join(f"{sep}{f.text(lang, zone)}" for f in failed[:REASONS_SHOWN])
        reasons += f"{sep}..." if len(failed) > REASONS_SHOWN else ""
        code = "bundle.failed.one" if len(failed) == 1 else "bundle.failed"
        return message(code, lang, subject=self.name, count=len(failed), codes=codes, reasons=reasons)


def describe(report: BundleReport) -> dict[str, Any]:
    """A JSON summary of the verdict and findings (for ``--json`` output)."""
    return {
        "ok": report.ok,
        "verified": report.ok,
        "findings": [
            {"code": f.code, "ok": f.ok, "params": dict(f.params), "parts": [p.to_json() for p in f.parts]}
            for f in report.findings
        ],
    }
