"""Legal instruments and their rules: which fields a request needs, which data, how long, and which actions.

Facts from legal-authority.md: the Budapest Convention (ETS 185) Art. 16-19, 29-32, 35; its Second Additional
Protocol (CETS 224) Art. 6-10 and 12; Regulation (EU) 2023/1543 Art. 4, 5, 6, 10, 11 (applies from 18 August 2026);
the EIO Directive 2014/41/EU; the T-CY(2018)10/11 request templates. A court abroad will ask whether the authority
existed, was complete for its kind, was in force at the time of each action, and covered that action and that
data: ``custody.rules.authority`` applies these rules (``check_authority`` to the record itself, ``check_cover`` to
one event).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from custody.model.vocabulary import ACTIONS_NEEDING_AUTHORITY, DATA_CATEGORIES, INSTRUMENT_NAMES

ALL_ACTIONS = ACTIONS_NEEDING_AUTHORITY
PRESERVATION_ACTIONS: frozenset[str] = frozenset({"seized", "acquired", "transferred", "offered"})
"""What a preservation instrument permits: securing and copying the data, and handing it on inside the preserving
State, but not looking at it or disclosing it (Budapest Art. 29(3)-(7): disclosure needs an Art. 31 request)."""
REMOTE_ACCESS_ACTIONS: frozenset[str] = frozenset({"acquired", "accessed", "analysed", "derived", "exported"})
JUDICIAL = frozenset({"court", "judge", "investigating-judge"})
JUDICIAL_OR_PROSECUTOR = JUDICIAL | {"prosecutor"}
EU_REGULATION_APPLIES = datetime(2026, 8, 18, tzinfo=UTC)
EMERGENCY = timedelta(hours=48)
MIN_PENALTY_MONTHS_EPOC = 36


@dataclass(frozen=True, slots=True, kw_only=True)
class Instrument:
    """One instrument: its title and legal basis, the record fields it requires (attribute paths of ``Authority``,
    e.g. ``offence`` or ``scope.identifiers``), the data categories it may reach (None: any), whether it is a request
    to another State, its validity limits in days, whether it may be extended (and by how many days at most each
    time, how many times: None for no limit), which authority-needing actions it permits, and whether data may be
    handed to a handler in another State under it."""

    name: str
    title: str
    legal_basis: str
    required: tuple[str, ...] = ()
    categories: frozenset[str] | None = None
    cross_border: bool = False
    min_days: int | None = None
    max_days: int | None = None
    extendable: bool = False
    extension_days: int | None = None
    extensions_allowed: int | None = None
    actions: frozenset[str] = ALL_ACTIONS
    abroad: bool = False
    applies_from: datetime | None = None


def _i(name: str, title: str, basis: str, **rules: object) -> tuple[str, Instrument]:
    return name, Instrument(name=name, title=title, legal_basis=basis, **rules)  # type: ignore[arg-type]


_PRESERVE = {"actions": PRESERVATION_ACTIONS}
_EU = {"applies_from": EU_REGULATION_APPLIES}
_REQUEST = ("requested_state", "offence", "facts")

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    dict(
        [
            _i(
                "domestic-order",
                "Domestic warrant or order (search, seizure, production)",
                "national law",
                required=("offence",),
            ),
            _i(
                "budapest-16",
                "Expedited preservation of stored computer data",
                "ETS 185 Art. 16",
                required=("offence", "scope.identifiers"),
                max_days=90,
                extendable=True,
                extension_days=90,
                **_PRESERVE,
            ),
            _i(
                "budapest-17",
                "Expedited preservation and partial disclosure of traffic data",
                "ETS 185 Art. 17",
                required=("offence", "scope.identifiers"),
                categories=frozenset({"traffic"}),
                max_days=90,
                extendable=True,
                extension_days=90,
                **_PRESERVE,
            ),
            _i("budapest-18", "Production order", "ETS 185 Art. 18", required=("offence", "addressee")),
            _i("budapest-19", "Search and seizure of stored computer data", "ETS 185 Art. 19", required=("offence",)),
            _i(
                "budapest-29",
                "Expedited preservation of stored computer data (request to another Party)",
                "ETS 185 Art. 29",
                required=(*_REQUEST, "scope.identifiers", "scope.custodian", "necessity", "mla_to_follow"),
                cross_border=True,
                min_days=60,
                extendable=True,
                **_PRESERVE,
            ),
            _i(
                "budapest-30",
                "Expedited disclosure of preserved traffic data",
                "ETS 185 Art. 30",
                required=("requested_state", "related"),
                categories=frozenset({"traffic"}),
                cross_border=True,
                abroad=True,
            ),
            _i(
                "budapest-31",
                "Mutual assistance regarding accessing of stored computer data",
                "ETS 185 Art. 31",
                required=(*_REQUEST, "scope.identifiers", "scope.categories"),
                cross_border=True,
                abroad=True,
            ),
            _i(
                "budapest-32a",
                "Trans-border access to publicly available stored computer data",
                "ETS 185 Art. 32(a)",
                actions=REMOTE_ACCESS_ACTIONS,
            ),
            _i(
                "budapest-32b",
                "Trans-border access with lawful and voluntary consent",
                "ETS 185 Art. 32(b)",
                required=("consent_by", "requested_state"),
                actions=REMOTE_ACCESS_ACTIONS,
            ),
            _i(
                "budapest-35",
                "24/7 network point of contact",
                "ETS 185 Art. 35",
                required=("requested_state",),
                cross_border=True,
                **_PRESERVE,
            ),
            _i(
                "sap-6",
                "Request for domain name registration information",
                "CETS 224 Art. 6",
                required=("requested_state", "addressee", "contact", "scope.identifiers"),
                categories=frozenset({"subscriber"}),
                cross_border=True,
                abroad=True,
            ),
            _i(
                "sap-7",
                "Disclosure of subscriber information by a service provider",
                "CETS 224 Art. 7",
                required=("requested_state", "addressee", "offence", "scope.identifiers"),
                categories=frozenset({"subscriber"}),
                cross_border=True,
                abroad=True,
            ),
            _i(
                "sap-8",
                "Giving effect to orders for subscriber information and traffic data",
                "CETS 224 Art. 8",
                required=(*_REQUEST, "addressee", "scope.identifiers"),
                categories=frozenset({"subscriber", "traffic"}),
                cross_border=True,
                abroad=True,
            ),
            _i(
                "sap-9",
                "Expedited disclosure of stored computer data in an emergency",
                "CETS 224 Art. 9",
                required=("requested_state", "addressee", "emergency", "facts"),
                cross_border=True,
                abroad=True,
            ),
            _i(
                "sap-10",
                "Emergency mutual assistance",
                "CETS 224 Art. 10",
                required=(*_REQUEST, "emergency"),
                cross_border=True,
                abroad=True,
            ),
            _i(
                "eu-epoc",
                "European Production Order Certificate",
                "Regulation (EU) 2023/1543 Art. 5 and 9",
                required=("requested_state", "addressee", "offence", "issuing_authority_type", "scope.categories"),
                cross_border=True,
                abroad=True,
                **_EU,
            ),
            _i(
                "eu-epoc-pr",
                "European Preservation Order Certificate",
                "Regulation (EU) 2023/1543 Art. 6, 10 and 11",
                required=("requested_state", "addressee", "offence", "issuing_authority_type"),
                cross_border=True,
                max_days=60,
                extendable=True,
                extension_days=30,
                extensions_allowed=1,
                **_EU,
                **_PRESERVE,
            ),
            _i(
                "eio",
                "European Investigation Order",
                "Directive 2014/41/EU",
                required=(*_REQUEST, "issuing_authority_type"),
                cross_border=True,
                abroad=True,
            ),
            _i(
                "jit",
                "Joint investigation team agreement",
                "CETS 224 Art. 12; Council Framework Decision 2002/465/JHA",
                required=("requested_state",),
                cross_border=True,
                abroad=True,
            ),
            _i("consent", "Voluntary consent of the owner or lawful holder", "national law", required=("consent_by",)),
        ]
    )
)
"""Rules of every instrument, keyed by its name (``custody.model.vocabulary.INSTRUMENT_NAMES``)."""

if tuple(INSTRUMENTS) != INSTRUMENT_NAMES:  # pragma: no cover - guards the two lists against drifting apart
    raise AssertionError("INSTRUMENTS and INSTRUMENT_NAMES differ")


def default_legal_basis(instrument: str) -> str:
    """The legal basis text of an instrument, used when a record does not give its own."""
    return INSTRUMENTS[instrument].legal_basis


__all__ = ["DATA_CATEGORIES", "INSTRUMENTS", "Instrument", "default_legal_basis"]
