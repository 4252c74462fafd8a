"""The report of a ledger verification (``custody.ledger.verify``), in the shape of ``evidence.common.report``."""

from __future__ import annotations

from dataclasses import dataclass, field

from custody.i18n.messages import message
from custody.ledger.rfc3161 import TimestampCheck
from custody.rules.breach import Breach
from evidence.common.report import Report


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerReport(Report):
    """The outcome: what was checked and every finding (its ``results``: empty when the ledger holds)."""

    path: str
    origin: str
    case: str
    vkey: str
    key_trusted: bool
    entries: int
    events: int
    checkpoints: int
    findings: tuple[str, ...] = field(default=())
    timestamps: tuple[TimestampCheck, ...] = field(default=())
    """The RFC 3161 time-stamps kept in the ledger, as checked (``custody.ledger.timestamps``)."""
    breaches: tuple[Breach, ...] = field(default=())
    """The findings as message codes with parameters: ``findings`` are their English sentences."""
    witnessed: int | None = None
    """The largest checkpoint size cosigned by the witness quorum (None when no witness key was given)."""

    @property
    def subject(self) -> str:
        """The ledger file."""
        return self.path

    @property
    def results(self) -> tuple[str, ...]:
        """The findings: a ledger that holds has none (what was checked is counted in the other fields)."""
        return self.findings

    @property
    def ok(self) -> bool:
        """True when there is no finding."""
        return not self.findings

    def texts(self, lang: str = "en", zone: str | None = None) -> tuple[str, ...]:
        """The findings as sentences in ``lang``, their times in ``zone`` when given (else as stored, in UTC)."""
        known = len(self.breaches)  # the rules' findings come first; later ones (time-stamps) are plain text
        if known > len(self.findings):
            return self.findings
        return tuple(b.text(lang, zone) for b in self.breaches) + self.findings[known:]

    def failure_message(self, lang: str = "en", zone: str | None = None) -> str:
        """``LEDGER: FIRST FINDING (and N more)`` in ``lang``, its times in ``zone`` when given."""
        texts = self.texts(lang, zone)
        first = texts[0] if texts else message("ledger.no_finding", lang)
        more = len(texts) - 1
        code = "ledger.failed" if more < 1 else "ledger.failed.one_more" if more == 1 else "ledger.failed.more"
        return message(code, lang, subject=self.path, finding=first, count=more)
