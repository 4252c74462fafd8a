"""Legal instruments and their rules: which fields a request needs, which data, how long, and which actions.

Facts from legal-authority.md: the Budapest Convention (ETS 185) Art. 16-19, 29-32, 35; its Second Additional
Protocol (CETS 224) Art. 6-10 and 12; Regulation (EU) 2023/1543 Art. 4, 5, 6, 10, 11 (applies from 18 August 2026);
the EIO Directive 2014/41/EU; the T-CY(2018)10/11 request templates. A court abroad will ask whether the authority
existed, was complete for its kind, was in force at the time of each action, and covered that action and that
data: ``check_authority`` answers the first three for the record itself, ``check_cover`` the rest for one event.
Both return findings (one sentence each) instead of raising, so that verification can list every problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from custody.errors import AuthorityError
from custody.model.legal import Authority
from custody.model.vocabulary import ACTIONS_NEEDING_AUTHORITY, DATA_CATEGORIES, INSTRUMENT_NAMES

ALL_ACTIONS = ACTIONS_NEEDING_AUTHORITY
PRESERVATION_ACTIONS: frozenset[str] = frozenset({"seized", "acquired", "transferred"})
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
    to another State, its validity limits in days, which authority-needing actions it permits, and whether data may
    be handed to a handler in another State under it."""

    name: str
    title: str
    legal_basis: str
    required: tuple[str, ...] = ()
    categories: frozenset[str] | None = None
    cross_border: bool = False
    min_days: int | None = None
    max_days: int | None = None
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

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(dict([
    _i("domestic-order", "Domestic warrant or order (search, seizure, production)", "national law",
       required=("offence",)),
    _i("budapest-16", "Expedited preservation of stored computer data", "ETS 185 Art. 16",
       required=("offence", "scope.identifiers"), max_days=90, extension_days=90, **_PRESERVE),
    _i("budapest-17", "Expedited preservation and partial disclosure of traffic data", "ETS 185 Art. 17",
       required=("offence", "scope.identifiers"), categories=frozenset({"traffic"}), max_days=90, extension_days=90,
       **_PRESERVE),
    _i("budapest-18", "Production order", "ETS 185 Art. 18", required=("offence", "addressee")),
    _i("budapest-19", "Search and seizure of stored computer data", "ETS 185 Art. 19", required=("offence",)),
    _i("budapest-29", "Expedited preservation of stored computer data (request to another Party)", "ETS 185 Art. 29",
       required=(*_REQUEST, "scope.identifiers", "scope.custodian", "necessity", "mla_to_follow"),
       cross_border=True, min_days=60, **_PRESERVE),
    _i("budapest-30", "Expedited disclosure of preserved traffic data", "ETS 185 Art. 30",
       required=("requested_state", "related"), categories=frozenset({"traffic"}), cross_border=True, abroad=True),
    _i("budapest-31", "Mutual assistance regarding accessing of stored computer data", "ETS 185 Art. 31",
       required=(*_REQUEST, "scope.identifiers", "scope.categories"), cross_border=True, abroad=True),
    _i("budapest-32a", "Trans-border access to publicly available stored computer data", "ETS 185 Art. 32(a)",
       actions=REMOTE_ACCESS_ACTIONS),
    _i("budapest-32b", "Trans-border access with lawful and voluntary consent", "ETS 185 Art. 32(b)",
       required=("consent_by", "requested_state"), actions=REMOTE_ACCESS_ACTIONS),
    _i("budapest-35", "24/7 network point of contact", "ETS 185 Art. 35",
       required=("requested_state",), cross_border=True, **_PRESERVE),
    _i("sap-6", "Request for domain name registration information", "CETS 224 Art. 6",
       required=("requested_state", "addressee", "contact", "scope.identifiers"),
       categories=frozenset({"subscriber"}), cross_border=True, abroad=True),
    _i("sap-7", "Disclosure of subscriber information by a service provider", "CETS 224 Art. 7",
       required=("requested_state", "addressee", "offence", "scope.identifiers"),
       categories=frozenset({"subscriber"}), cross_border=True, abroad=True),
    _i("sap-8", "Giving effect to orders for subscriber information and traffic data", "CETS 224 Art. 8",
       required=(*_REQUEST, "addressee", "scope.identifiers"), categories=frozenset({"subscriber", "traffic"}),
       cross_border=True, abroad=True),
    _i("sap-9", "Expedited disclosure of stored computer data in an emergency", "CETS 224 Art. 9",
       required=("requested_state", "addressee", "emergency", "facts"), cross_border=True, abroad=True),
    _i("sap-10", "Emergency mutual assistance", "CETS 224 Art. 10",
       required=(*_REQUEST, "emergency"), cross_border=True, abroad=True),
    _i("eu-epoc", "European Production Order Certificate", "Regulation (EU) 2023/1543 Art. 5 and 9",
       required=("requested_state", "addressee", "offence", "issuing_authority_type", "scope.categories"),
       cross_border=True, abroad=True, **_EU),
    _i("eu-epoc-pr", "European Preservation Order Certificate", "Regulation (EU) 2023/1543 Art. 6, 10 and 11",
       required=("requested_state", "addressee", "offence", "issuing_authority_type"), cross_border=True,
       max_days=60, extension_days=30, extensions_allowed=1, **_EU, **_PRESERVE),
    _i("eio", "European Investigation Order", "Directive 2014/41/EU",
       required=(*_REQUEST, "issuing_authority_type"), cross_border=True, abroad=True),
    _i("jit", "Joint investigation team agreement", "CETS 224 Art. 12; Council Framework Decision 2002/465/JHA",
       required=("requested_state",), cross_border=True, abroad=True),
    _i("consent", "Voluntary consent of the owner or lawful holder", "national law", required=("consent_by",)),
]))
"""Rules of every instrument, keyed by its name (``custody.model.vocabulary.INSTRUMENT_NAMES``)."""

if tuple(INSTRUMENTS) != INSTRUMENT_NAMES:  # pragma: no cover - guards the two lists against drifting apart
    raise AssertionError("INSTRUMENTS and INSTRUMENT_NAMES differ")


def _present(authority: Authority, path: str) -> bool:
    value: object = authority
    for part in path.split("."):
        value = getattr(value, part)
    return value not in (None, False, "", ())


def _days(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 86400:.1f} days"


def _window_findings(authority: Authority, rules: Instrument, base: Authority | None) -> list[str]:
    window = authority.valid_until - authority.valid_from
    if base is not None:
        limit = rules.extension_days
        grown = authority.valid_until - base.valid_until
        if limit is not None and grown > timedelta(days=limit):
            return [f"extends validity by {_days(grown)}, more than the {limit} days {rules.name} allows"]
        return []
    found = []
    if rules.min_days is not None and window < timedelta(days=rules.min_days):
        found.append(f"validity window is {_days(window)}; {rules.name} requires at least {rules.min_days} days")
    if rules.max_days is not None and window > timedelta(days=rules.max_days):
        found.append(f"validity window is {_days(window)}; {rules.name} allows at most {rules.max_days} days")
    return found


def _extension_findings(authority: Authority, rules: Instrument, earlier: Mapping[str, Authority]) -> list[str]:
    base = earlier.get(authority.extends or "")
    if base is None:
        return [f"extends unknown authority {authority.extends}"]
    found = []
    if rules.extension_days is None:
        found.append(f"{rules.name} cannot be extended")
    if base.instrument != authority.instrument:
        found.append(f"extends a {base.instrument}, not a {authority.instrument}")
    if authority.issued > base.valid_until:
        found.append(f"extension issued after {base.id} lapsed")
    depth, cursor = 1, base
    while cursor.extends is not None and cursor.extends in earlier:
        depth, cursor = depth + 1, earlier[cursor.extends]
    if rules.extensions_allowed is not None and depth > rules.extensions_allowed:
        found.append(f"{rules.name} may be extended {rules.extensions_allowed} time(s) only")
    return found + _window_findings(authority, rules, base)


def _validators(authority: Authority) -> frozenset[str]:
    """Who may issue or validate this EU order (Art. 4(1)-(3)): judges for EPOC traffic or content data, otherwise
    judges or prosecutors."""
    sensitive = bool({"traffic", "content"} & set(authority.scope.categories))
    return JUDICIAL if authority.instrument == "eu-epoc" and sensitive else JUDICIAL_OR_PROSECUTOR


def _awaiting_validation(authority: Authority) -> bool:
    """An emergency EU order issued by another authority without prior validation (Art. 4(5))."""
    return (
        authority.instrument in ("eu-epoc", "eu-epoc-pr")
        and authority.emergency
        and authority.validation is None
        and authority.issuing_authority_type not in _validators(authority)
    )


def _eu_findings(authority: Authority) -> list[str]:
    """Regulation (EU) 2023/1543 Art. 4 (who issues, who validates) and Art. 5(4) (offence threshold)."""
    found = []
    needed = _validators(authority)
    validation = authority.validation
    who = " or ".join(sorted(needed))
    if authority.issuing_authority_type not in needed:
        if validation is None and not _awaiting_validation(authority):
            found.append(f"issued by a {authority.issuing_authority_type} authority without validation by a {who}")
        elif validation is not None and validation.authority_type not in (None, *needed):
            found.append(f"validated by a {validation.authority_type}; this order needs a {who}")
        elif validation is not None and authority.emergency and validation.date > authority.issued + EMERGENCY:
            found.append("emergency order validated more than 48 hours after issue (Art. 4(5))")
    offence = authority.offence
    if authority.instrument == "eu-epoc" and needed is JUDICIAL and offence is not None:
        if not offence.eu_listed and (offence.max_penalty_months or 0) < MIN_PENALTY_MONTHS_EPOC:
            found.append("traffic or content data need an offence punishable by at least 3 years or listed in "
                         "Art. 5(4)(d)")
    return found


def check_authority(authority: Authority, earlier: Mapping[str, Authority] | None = None) -> list[str]:
    """Return what is wrong with ``authority`` for its instrument (empty when nothing is).

    ``earlier`` maps ids of authorities already recorded, to check an extension against what it extends.
    """
    rules = INSTRUMENTS[authority.instrument]
    found = [f"{rules.name} requires {path.replace('_', ' ')}" for path in rules.required
             if not _present(authority, path)]
    if rules.categories is not None:
        outside = [c for c in authority.scope.categories if c not in rules.categories]
        if outside:
            found.append(f"{rules.name} does not reach {', '.join(outside)} data")
    if rules.cross_border and authority.requested_state is not None:
        requesting = authority.requesting_state or authority.issuing_state
        if authority.requested_state == requesting:
            found.append(f"{rules.name} is a request to another State, but both states are {requesting}")
    if authority.valid_from < authority.issued:
        found.append("valid from before its issue date")
    if rules.applies_from is not None and authority.issued < rules.applies_from:
        found.append(f"issued before {rules.name} applies ({rules.applies_from.date().isoformat()})")
    if authority.extends is not None:
        found += _extension_findings(authority, rules, earlier or {})
    else:
        found += _window_findings(authority, rules, None)
    if authority.instrument in ("eu-epoc", "eu-epoc-pr", "eio"):
        found += _eu_findings(authority)
    return found


def require_valid(authority: Authority, earlier: Mapping[str, Authority] | None = None) -> None:
    """Raise ``AuthorityError`` listing every finding of ``check_authority``: a ledger refuses such a record."""
    found = check_authority(authority, earlier)
    if found:
        raise AuthorityError(f"authority {authority.reference} ({authority.instrument}): {'; '.join(found)}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Use:
    """What an event asks of an authority: the action, its instant, the data categories, and for a transfer whether
    the receiving handler is in another State than the releasing one."""

    action: str
    at: datetime
    categories: tuple[str, ...] = ()
    abroad_to: str | None = None


def check_cover(authority: Authority, use: Use) -> list[str]:
    """Return why ``authority`` does not permit ``use`` (empty when it does)."""
    rules = INSTRUMENTS[authority.instrument]
    found = []
    if not authority.covers(use.at):
        found.append(f"not valid at {use.at.isoformat()} (valid {authority.valid_from.isoformat()} to "
                     f"{authority.valid_until.isoformat()})")
    if use.action not in rules.actions:
        found.append(f"{rules.name} does not permit {use.action}")
    if authority.scope.categories:
        outside = [c for c in use.categories if c not in authority.scope.categories]
        if outside:
            found.append(f"scope does not include {', '.join(outside)} data")
    if use.abroad_to is not None:
        receiving = authority.requesting_state or authority.issuing_state
        if not rules.abroad:
            found.append(f"{rules.name} does not permit handing the evidence to another State ({use.abroad_to})")
        elif use.abroad_to != receiving:
            found.append(f"evidence goes to {use.abroad_to}, but the requesting State is {receiving}")
    if _awaiting_validation(authority) and use.at > authority.issued + EMERGENCY:
        found.append("emergency order not validated within 48 hours of issue (Art. 4(5))")
    return found


def find_cover(
    use: Use, authorities: list[Authority], validity: Callable[[Authority], list[str]] = check_authority
) -> list[str]:
    """Return ``[]`` when one of ``authorities`` is sound and permits ``use``, else every reason each one fails."""
    if not authorities:
        return [f"{use.action} needs a legal authority and none is given"]
    reasons = []
    for authority in authorities:
        problems = validity(authority) + check_cover(authority, use)
        if not problems:
            return []
        reasons.append(f"{authority.id} ({authority.instrument} {authority.reference}): {'; '.join(problems)}")
    return reasons


def default_legal_basis(instrument: str) -> str:
    """The legal basis text of an instrument, used when a record does not give its own."""
    return INSTRUMENTS[instrument].legal_basis


__all__ = [
    "DATA_CATEGORIES",
    "INSTRUMENTS",
    "Instrument",
    "Use",
    "check_authority",
    "check_cover",
    "default_legal_basis",
    "find_cover",
    "require_valid",
]
