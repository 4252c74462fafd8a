"""Legal-authority records: the order or request that permits custody actions, with its scope and conditions.

Fields follow DESIGN.md ("Legal authority") and legal-authority.md: the T-CY(2018)10 (MLA, Art. 31) and
T-CY(2018)11 (preservation, Art. 29/30) request templates and the EPOC / EPOC-PR certificate sections of Regulation
(EU) 2023/1543. Which fields an instrument requires, and its deadlines, are checked in
``custody.rules.instruments``; this module checks only what holds for every instrument (known vocabularies, ISO 3166
codes, ordered windows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from custody.errors import RecordError
from custody.model.fields import Fields, Record, check_ident, optional
from custody.model.identity import check_country
from custody.model.times import check_zone, format_utc
from custody.model.vocabulary import AUTHORITY_TYPES, CHANNELS, INSTRUMENT_NAMES, normalise_categories, parse_digest_ref


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope(Record):
    """What an authority covers: data categories, identifiers (accounts, devices, IP addresses), the period of the
    data, and the custodian or location of the data."""

    categories: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    time_from: datetime | None = None
    time_until: datetime | None = None
    custodian: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "categories", normalise_categories(self.categories, "scope.categories"))
        if self.time_from and self.time_until and self.time_from > self.time_until:
            raise RecordError("scope: time_from is after time_until")

    def to_json(self) -> dict[str, Any]:
        return {
            "categories": list(self.categories),
            "identifiers": list(self.identifiers),
            "time_from": optional(self.time_from, format_utc),
            "time_until": optional(self.time_until, format_utc),
            "custodian": self.custodian,
        }

    @classmethod
    def from_json(cls, obj: object) -> Scope:
        f = Fields(obj, "scope")
        result = cls(
            categories=f.texts("categories"),
            identifiers=f.texts("identifiers"),
            time_from=f.opt_time("time_from"),
            time_until=f.opt_time("time_until"),
            custodian=f.opt_text("custodian"),
        )
        f.finish()
        return result


@dataclass(frozen=True, slots=True, kw_only=True)
class Offence(Record):
    """The offence: description, legal provisions, maximum penalty in months (EPOC traffic/content data need at
    least 36, Regulation 2023/1543 Art. 5(4)(c)), and whether it is one of the offences that Art. 5(4)(d) lists
    (fraud with non-cash payment means, child sexual abuse, attacks on information systems, terrorism)."""

    description: str
    provisions: tuple[str, ...] = ()
    max_penalty_months: int | None = None
    eu_listed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "provisions": list(self.provisions),
            "max_penalty_months": self.max_penalty_months,
            "eu_listed": self.eu_listed,
        }

    @classmethod
    def from_json(cls, obj: object) -> Offence:
        f = Fields(obj, "offence")
        result = cls(
            description=f.text("description"),
            provisions=f.texts("provisions"),
            max_penalty_months=f.opt_int("max_penalty_months"),
            eu_listed=f.flag("eu_listed"),
        )
        f.finish()
        return result


@dataclass(frozen=True, slots=True, kw_only=True)
class Validation(Record):
    """Validation of an order by a judge, court or prosecutor (EPOC/EPOC-PR section on the validating authority)."""

    authority: str
    date: datetime
    reference: str | None = None
    authority_type: str | None = None

    def __post_init__(self) -> None:
        if self.authority_type is not None and self.authority_type not in AUTHORITY_TYPES:
            raise RecordError(f"validation.authority_type: unknown {self.authority_type!r}")

    def to_json(self) -> dict[str, Any]:
        return {
            "authority": self.authority,
            "date": format_utc(self.date),
            "reference": self.reference,
            "authority_type": self.authority_type,
        }

    @classmethod
    def from_json(cls, obj: object) -> Validation:
        f = Fields(obj, "validation")
        result = cls(
            authority=f.text("authority"),
            date=f.time("date"),
            reference=f.opt_text("reference"),
            authority_type=f.opt_text("authority_type"),
        )
        f.finish()
        return result


@dataclass(frozen=True, slots=True, kw_only=True)
class Conditions(Record):
    """Conditions on use: confidentiality, use limitation (speciality), dual criminality, others as text."""

    confidential: bool = False
    use_limitation: str | None = None
    dual_criminality: bool | None = None
    other: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "confidential": self.confidential,
            "use_limitation": self.use_limitation,
            "dual_criminality": self.dual_criminality,
            "other": list(self.other),
        }

    @classmethod
    def from_json(cls, obj: object) -> Conditions:
        f = Fields(obj, "conditions")
        result = cls(
            confidential=f.flag("confidential"),
            use_limitation=f.opt_text("use_limitation"),
            dual_criminality=f.opt_flag("dual_criminality"),
            other=f.texts("other"),
        )
        f.finish()
        return result


def _country(value: str | None, where: str) -> None:
    if value is not None:
        try:
            check_country(value)
        except RecordError as exc:
            raise RecordError(f"{where}: {exc}") from exc


@dataclass(frozen=True, slots=True, kw_only=True)
class Authority(Record):
    """A legal authority permitting custody actions: a domestic order, a Budapest Convention or Second Protocol
    request, an EU production or preservation order, an EIO, a JIT agreement or consent.

    ``issued`` is the issue date; ``valid_from``/``valid_until`` the window in which actions may rely on it (for
    preservation instruments, the preservation period). ``extends`` names the authority this one extends or renews
    (EPOC-PR +30 days, Art. 16 renewal). ``related`` lists references of earlier requests (an Art. 29 preservation
    followed by an Art. 31 MLA request). ``document_digest`` (``sha256:…``) binds the scanned or signed order.
    The dates are UTC instants; ``tz`` keeps the zone they were given in (a date without offset is read in the
    user's zone), so a report can show them as the issuing authority wrote them.
    """

    id: str
    instrument: str
    issuing_state: str
    issuing_authority: str
    reference: str
    issued: datetime
    valid_from: datetime
    valid_until: datetime
    scope: Scope = field(default_factory=Scope)
    legal_basis: str | None = None
    issuing_authority_type: str | None = None
    signatory: str | None = None
    contact: str | None = None
    requesting_state: str | None = None
    requested_state: str | None = None
    executing_authority: str | None = None
    channel: str | None = None
    addressee: str | None = None
    validation: Validation | None = None
    offence: Offence | None = None
    facts: str | None = None
    necessity: str | None = None
    emergency: bool = False
    mla_to_follow: bool = False
    consent_by: str | None = None
    extends: str | None = None
    related: tuple[str, ...] = ()
    conditions: Conditions = field(default_factory=Conditions)
    document_digest: str | None = None
    #: the zone its dates were given in (IANA name or offset; None in records written before it was kept)
    tz: str | None = None

    def __post_init__(self) -> None:
        check_ident(self.id, "authority.id")
        if self.tz is not None:
            check_zone(self.tz, field="authority.tz")
        check_ident(self.reference, "authority.reference")
        if self.instrument not in INSTRUMENT_NAMES:
            known = ", ".join(INSTRUMENT_NAMES)
            raise RecordError(f"authority: unknown instrument {self.instrument!r} (known: {known})")
        for name in ("issuing_state", "requesting_state", "requested_state"):
            _country(getattr(self, name), f"authority.{name}")
        if self.issuing_authority_type is not None and self.issuing_authority_type not in AUTHORITY_TYPES:
            raise RecordError(f"authority.issuing_authority_type: unknown {self.issuing_authority_type!r}")
        if self.channel is not None and self.channel not in CHANNELS:
            raise RecordError(f"authority.channel: unknown {self.channel!r} (known: {', '.join(CHANNELS)})")
        if self.valid_from > self.valid_until:
            raise RecordError("authority: valid_from is after valid_until")
        if self.document_digest is not None:
            parse_digest_ref(self.document_digest, "authority.document_digest")
        if self.extends is not None:
            check_ident(self.extends, "authority.extends")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "instrument": self.instrument,
            "legal_basis": self.legal_basis,
            "issuing_state": self.issuing_state,
            "issuing_authority": self.issuing_authority,
            "issuing_authority_type": self.issuing_authority_type,
            "reference": self.reference,
            "issued": format_utc(self.issued),
            "signatory": self.signatory,
            "contact": self.contact,
            "requesting_state": self.requesting_state,
            "requested_state": self.requested_state,
            "executing_authority": self.executing_authority,
            "channel": self.channel,
            "addressee": self.addressee,
            "validation": optional(self.validation, Validation.to_json),
            "offence": optional(self.offence, Offence.to_json),
            "facts": self.facts,
            "necessity": self.necessity,
            "scope": self.scope.to_json(),
            "valid_from": format_utc(self.valid_from),
            "valid_until": format_utc(self.valid_until),
            "emergency": self.emergency,
            "mla_to_follow": self.mla_to_follow,
            "consent_by": self.consent_by,
            "extends": self.extends,
            "related": list(self.related),
            "conditions": self.conditions.to_json(),
            "document_digest": self.document_digest,
        } | ({} if self.tz is None else {"tz": self.tz})

    @classmethod
    def from_json(cls, obj: object) -> Authority:
        f = Fields(obj, "authority")
        scope, conditions = f.raw("scope"), f.raw("conditions")
        result = cls(
            id=f.ident("id"),
            instrument=f.text("instrument"),
            legal_basis=f.opt_text("legal_basis"),
            issuing_state=f.text("issuing_state"),
            issuing_authority=f.text("issuing_authority"),
            issuing_authority_type=f.opt_text("issuing_authority_type"),
            reference=f.ident("reference"),
            issued=f.time("issued"),
            signatory=f.opt_text("signatory"),
            contact=f.opt_text("contact"),
            requesting_state=f.opt_text("requesting_state"),
            requested_state=f.opt_text("requested_state"),
            executing_authority=f.opt_text("executing_authority"),
            channel=f.opt_text("channel"),
            addressee=f.opt_text("addressee"),
            validation=optional(f.raw("validation"), Validation.from_json),
            offence=optional(f.raw("offence"), Offence.from_json),
            facts=f.opt_text("facts"),
            necessity=f.opt_text("necessity"),
            scope=Scope() if scope is None else Scope.from_json(scope),
            valid_from=f.time("valid_from"),
            valid_until=f.time("valid_until"),
            emergency=f.flag("emergency"),
            mla_to_follow=f.flag("mla_to_follow"),
            consent_by=f.opt_text("consent_by"),
            extends=f.opt_ident("extends"),
            related=f.texts("related"),
            conditions=Conditions() if conditions is None else Conditions.from_json(conditions),
            document_digest=f.opt_text("document_digest"),
            tz=f.opt_text("tz"),
        )
        f.finish()
        return result

    def covers(self, moment: datetime) -> bool:
        """True when ``moment`` lies in the validity window (both ends included)."""
        return self.valid_from <= moment <= self.valid_until
