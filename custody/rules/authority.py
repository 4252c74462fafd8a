"""Apply the instruments' rules to an authority and to one use of it.

``check_authority`` answers whether the authority existed, was complete for its kind and was in force;
``check_cover`` whether it covered one action on that data at that time. Both return findings (one sentence each)
instead of raising, so that verification can list every problem; ``require_valid`` raises for recording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from custody.errors import AuthorityError
from custody.model.legal import Authority
from custody.rules.instruments import (
    EMERGENCY,
    INSTRUMENTS,
    JUDICIAL,
    JUDICIAL_OR_PROSECUTOR,
    MIN_PENALTY_MONTHS_EPOC,
    Instrument,
)


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
            found.append(
                "traffic or content data need an offence punishable by at least 3 years or listed in Art. 5(4)(d)"
            )
    return found


def check_authority(authority: Authority, earlier: Mapping[str, Authority] | None = None) -> list[str]:
    """Return what is wrong with ``authority`` for its instrument (empty when nothing is).

    ``earlier`` maps ids of authorities already recorded, to check an extension against what it extends.
    """
    rules = INSTRUMENTS[authority.instrument]
    found = [
        f"{rules.name} requires {path.replace('_', ' ')}" for path in rules.required if not _present(authority, path)
    ]
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
        found.append(
            f"not valid at {use.at.isoformat()} (valid {authority.valid_from.isoformat()} to "
            f"{authority.valid_until.isoformat()})"
        )
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


__all__ = ["Use", "check_authority", "check_cover", "find_cover", "require_valid"]
