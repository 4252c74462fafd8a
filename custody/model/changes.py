"""Changes to a legal authority after it was recorded: an extension, a validation, a revocation.

An authority is not fixed once issued: a preservation is extended (Budapest Art. 29 beyond its 60 days, an EPOC-PR by
30 days, Regulation (EU) 2023/1543 Art. 11(1)), an order issued by a prosecutor or, in an emergency, by another
authority is validated by a judge (Art. 4(5)), and an order can be revoked. Each change is its own signed ledger entry
(kind ``authority-change``) naming the authority it changes, so the authority's own entry, and every leaf written
before changes existed, stay byte for byte as they were. ``at`` is when the change takes effect: the rules
(``custody.rules.changes``) apply to each event only the changes in effect at the event's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from custody.errors import RecordError
from custody.model.fields import Fields, Record, check_ident, check_text, optional
from custody.model.legal import Validation
from custody.model.times import format_utc
from custody.model.vocabulary import AUTHORITY_TYPES, parse_digest_ref

CHANGE_KINDS: tuple[str, ...] = ("extend", "validate", "revoke")
"""What a change does: move the end of validity later, record the validation by a judicial authority, end it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorityChange(Record):
    """One change to the authority ``authority`` (its id), decided by ``decided_by`` (of ``decided_by_type``) under
    file number ``reference``, in effect from ``at``; ``valid_until`` is the new end of an extension (and only of
    it). ``document_digest`` (``sha256:…``) binds the decision itself."""

    id: str
    authority: str
    change: str
    at: datetime
    decided_by: str
    recorded_at: datetime
    decided_by_type: str | None = None
    reference: str | None = None
    valid_until: datetime | None = None
    reason: str | None = None
    document_digest: str | None = None

    def __post_init__(self) -> None:
        check_ident(self.id, "change.id")
        check_ident(self.authority, "change.authority")
        if self.change not in CHANGE_KINDS:
            raise RecordError(f"change: unknown change {self.change!r} (known: {', '.join(CHANGE_KINDS)})")
        check_text(self.decided_by, "change.decided_by")
        if self.decided_by_type is not None and self.decided_by_type not in AUTHORITY_TYPES:
            raise RecordError(f"change.decided_by_type: unknown {self.decided_by_type!r}")
        if self.reference is not None:
            check_ident(self.reference, "change.reference")
        if (self.change == "extend") != (self.valid_until is not None):
            raise RecordError("change: a new valid_until is required for, and only for, an extension")
        if self.reason is not None:
            check_text(self.reason, "change.reason")
        if self.document_digest is not None:
            parse_digest_ref(self.document_digest, "change.document_digest")

    @property
    def validation(self) -> Validation:
        """The validation a ``validate`` change records, in the form an authority carries it."""
        return Validation(
            authority=self.decided_by, date=self.at, reference=self.reference, authority_type=self.decided_by_type
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "authority": self.authority,
            "change": self.change,
            "at": format_utc(self.at),
            "decided_by": self.decided_by,
            "decided_by_type": self.decided_by_type,
            "reference": self.reference,
            "valid_until": optional(self.valid_until, format_utc),
            "reason": self.reason,
            "document_digest": self.document_digest,
            "recorded_at": format_utc(self.recorded_at),
        }

    @classmethod
    def from_json(cls, obj: object) -> AuthorityChange:
        f = Fields(obj, "change")
        result = cls(
            id=f.ident("id"),
            authority=f.ident("authority"),
            change=f.text("change"),
            at=f.time("at"),
            decided_by=f.text("decided_by"),
            decided_by_type=f.opt_text("decided_by_type"),
            reference=f.opt_ident("reference"),
            valid_until=f.opt_time("valid_until"),
            reason=f.opt_text("reason"),
            document_digest=f.opt_text("document_digest"),
            recorded_at=f.time("recorded_at"),
        )
        f.finish()
        return result
