"""Apply the instruments' rules to an authority and to one use of it.

``check_authority`` answers whether the authority existed and was complete for its kind; ``check_cover`` whether, as
it stood at the time of one event, it covered that action on that data then; ``in_force`` says how it stood at that
time, given the changes recorded to it (extensions, validation, revocation: ``custody.model.changes``). They return
findings (``custody.rules.breach.Breach``: a message code and its parameters, stated in English or French) instead of
raising, so that verification can list every problem; ``require_valid`` raises for recording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from custody.model.changes import AuthorityChange
from custody.model.legal import Authority
from custody.model.times import format_utc
from custody.rules.breach import Breach, RecordRefusedError, breach
from custody.rules.instruments import (
    EMERGENCY,
    INSTRUMENTS,
    JUDICIAL,
    JUDICIAL_OR_PROSECUTOR,
    MIN_PENALTY_MONTHS_EPOC,
    Instrument,
)

VALIDATED_INSTRUMENTS = ("eu-epoc", "eu-epoc-pr", "eio")
"""Orders that a judge (or a prosecutor) issues or validates: Regulation (EU) 2023/1543 Art. 4, Directive 2014/41/EU
Art. 2(c)."""


def _present(authority: Authority, path: str) -> bool:
    value: object = authority
    for part in path.split("."):
        value = getattr(value, part)
    return value not in (None, False, "", ())


#: the resolution of stored times: a window ``[from, until]`` lasts ``until - from`` plus this last instant
_LAST_INSTANT = timedelta(microseconds=1)


def days(delta: timedelta) -> str:
    """A duration in days with one decimal (``custody.i18n`` writes the decimal comma in French)."""
    return f"{delta.total_seconds() / 86400:.1f}"


def _window_findings(authority: Authority, rules: Instrument, base: Authority | None) -> list[Breach]:
    window = authority.valid_until - authority.valid_from
    if base is not None:
        limit = rules.extension_days
        grown = authority.valid_until - base.valid_until
        if limit is not None and grown > timedelta(days=limit):
            return [breach("instrument.extension_long", instrument=rules.name, days=days(grown), limit=limit)]
        return []
    found = []
    # the window includes its last microsecond: a date given for its end stops at the end of that day (23:59:59.999999)
    if rules.min_days is not None and window + _LAST_INSTANT < timedelta(days=rules.min_days):
        found.append(breach("instrument.window_short", instrument=rules.name, days=days(window), limit=rules.min_days))
    if rules.max_days is not None and window > timedelta(days=rules.max_days):
        found.append(breach("instrument.window_long", instrument=rules.name, days=days(window), limit=rules.max_days))
    return found


def _extension_findings(authority: Authority, rules: Instrument, earlier: Mapping[str, Authority]) -> list[Breach]:
    base = earlier.get(authority.extends or "")
    if base is None:
        return [breach("instrument.extends_unknown", authority=authority.extends)]
    found = []
    if not rules.extendable:
        found.append(breach("instrument.not_extendable", instrument=rules.name))
    if base.instrument != authority.instrument:
        found.append(breach("instrument.extends_other", base=base.instrument, instrument=authority.instrument))
    if authority.issued > base.valid_until:
        found.append(breach("instrument.extension_late", authority=base.id))
    depth, cursor = 1, base
    while cursor.extends is not None and cursor.extends in earlier:
        depth, cursor = depth + 1, earlier[cursor.extends]
    if rules.extensions_allowed is not None and depth > rules.extensions_allowed:
        found.append(breach("instrument.extensions_max", instrument=rules.name, count=rules.extensions_allowed))
    return found + _window_findings(authority, rules, base)


JUDGES_ONLY_ORDER = "eu-epoc"
JUDGES_ONLY_DATA = frozenset({"traffic", "content"})
"""A production order for these data categories is issued or validated by a judge only (Art. 4(2))."""


def validators(authority: Authority) -> frozenset[str]:
    """Who may issue or validate this EU order (Art. 4(1)-(3)): judges for EPOC traffic or content data, otherwise
    judges or prosecutors."""
    sensitive = bool(JUDGES_ONLY_DATA & set(authority.scope.categories))
    return JUDICIAL if authority.instrument == JUDGES_ONLY_ORDER and sensitive else JUDICIAL_OR_PROSECUTOR


def needs_validation(authority: Authority) -> bool:
    """An order whose issuer may not issue it alone: it covers nothing until it is validated (Art. 4), except, in an
    emergency, for 48 hours after its issue (Art. 4(5))."""
    return authority.instrument in VALIDATED_INSTRUMENTS and authority.issuing_authority_type not in validators(
        authority
    )


def _who(authority: Authority) -> str:
    return ",".join(sorted(validators(authority)))


def validation_findings(authority: Authority, validator_type: str | None, date: datetime) -> list[Breach]:
    """What is wrong with a validation of ``authority`` by a ``validator_type`` on ``date`` (Art. 4 and 4(5))."""
    found = []
    if validator_type not in validators(authority):
        found.append(breach("eu.wrong_validator", type=validator_type or "-", who=_who(authority)))
    if authority.emergency and date > authority.issued + EMERGENCY:
        found.append(breach("eu.validated_late"))
    return found


def _eu_findings(authority: Authority) -> list[Breach]:
    """Regulation (EU) 2023/1543 Art. 4 (who issues, who validates) and Art. 5(4) (offence threshold); an order not
    yet validated may be recorded, but covers nothing until it is (``check_cover``)."""
    found = []
    validation = authority.validation
    if needs_validation(authority) and validation is not None:
        found += validation_findings(authority, validation.authority_type or _who(authority), validation.date)
    offence = authority.offence
    if authority.instrument == JUDGES_ONLY_ORDER and validators(authority) is JUDICIAL and offence is not None:
        if not offence.eu_listed and (offence.max_penalty_months or 0) < MIN_PENALTY_MONTHS_EPOC:
            found.append(breach("eu.offence"))
    return found


def check_authority(authority: Authority, earlier: Mapping[str, Authority] | None = None) -> list[Breach]:
    """Return what is wrong with ``authority`` for its instrument (empty when nothing is).

    ``earlier`` maps ids of authorities already recorded, to check an extension against what it extends.
    """
    rules = INSTRUMENTS[authority.instrument]
    found = [
        breach("instrument.required", instrument=rules.name, field=path)
        for path in rules.required
        if not _present(authority, path)
    ]
    if rules.categories is not None:
        outside = [c for c in authority.scope.categories if c not in rules.categories]
        if outside:
            found.append(breach("instrument.categories", instrument=rules.name, categories=",".join(outside)))
    if rules.cross_border and authority.requested_state is not None:
        requesting = authority.requesting_state or authority.issuing_state
        if authority.requested_state == requesting:
            found.append(breach("instrument.same_state", instrument=rules.name, state=requesting))
    if authority.valid_from < authority.issued:
        found.append(breach("instrument.before_issue"))
    if rules.applies_from is not None and authority.issued < rules.applies_from:
        found.append(breach("instrument.not_yet", instrument=rules.name, date=rules.applies_from.date().isoformat()))
    if authority.extends is not None:
        found += _extension_findings(authority, rules, earlier or {})
    else:
        found += _window_findings(authority, rules, None)
    if authority.instrument in VALIDATED_INSTRUMENTS:
        found += _eu_findings(authority)
    return found


def require_valid(authority: Authority, earlier: Mapping[str, Authority] | None = None) -> None:
    """Raise ``RecordRefusedError`` (an ``AuthorityError``) listing every finding of ``check_authority``: a ledger
    refuses such a record."""
    found = check_authority(authority, earlier)
    if found:
        refusal = breach("refused.authority", *found, reference=authority.reference, instrument=authority.instrument)
        raise RecordRefusedError(refusal)


def in_force(
    authority: Authority, changes: Sequence[AuthorityChange], at: datetime
) -> tuple[Authority, AuthorityChange | None]:
    """How ``authority`` stood at ``at``: with the extensions and validation in effect then, and the revocation in
    effect then (or None). ``changes`` are those recorded to it, in ledger order."""
    state, revoked = authority, None
    for change in changes:
        if change.authority != authority.id or change.at > at:
            continue
        if change.change == "extend" and change.valid_until is not None and change.valid_until > state.valid_until:
            state = replace(state, valid_until=change.valid_until)
        elif change.change == "validate" and state.validation is None:
            state = replace(state, validation=change.validation)
        elif change.change == "revoke" and revoked is None:
            revoked = change
    return state, revoked


@dataclass(frozen=True, slots=True, kw_only=True)
class Use:
    """What an event asks of an authority: the action, its instant, the data categories, and for a transfer whether
    the receiving handler is in another State than the releasing one."""

    action: str
    at: datetime
    categories: tuple[str, ...] = ()
    abroad_to: str | None = None


def _validation_cover(authority: Authority, at: datetime) -> list[Breach]:
    validation = authority.validation
    if not needs_validation(authority) or (validation is not None and validation.date <= at):
        return []
    if not authority.emergency:
        return [breach("cover.unvalidated", at=format_utc(at), who=_who(authority))]
    if at > authority.issued + EMERGENCY:
        return [breach("cover.emergency")]
    return []


def check_cover(authority: Authority, use: Use, revoked: AuthorityChange | None = None) -> list[Breach]:
    """Return why ``authority``, as it stood at ``use.at`` (``in_force``), does not permit ``use`` (empty when it
    does); ``revoked`` is the revocation in effect then."""
    rules = INSTRUMENTS[authority.instrument]
    found = []
    if revoked is not None:
        found.append(
            breach(
                "cover.revoked", at=format_utc(revoked.at), by=revoked.decided_by, reference=revoked.reference or "-"
            )
        )
    if not authority.covers(use.at):
        found.append(
            breach(
                "cover.window",
                at=format_utc(use.at),
                start=format_utc(authority.valid_from),
                end=format_utc(authority.valid_until),
            )
        )
    if use.action not in rules.actions:
        found.append(breach("cover.action", instrument=rules.name, action=use.action))
    if authority.scope.categories:
        outside = [c for c in use.categories if c not in authority.scope.categories]
        if outside:
            found.append(breach("cover.scope", categories=",".join(outside)))
    if use.abroad_to is not None:
        receiving = authority.requesting_state or authority.issuing_state
        if not rules.abroad:
            found.append(breach("cover.abroad", instrument=rules.name, state=use.abroad_to))
        elif use.abroad_to != receiving:
            found.append(breach("cover.state", state=use.abroad_to, requesting=receiving))
    return found + _validation_cover(authority, use.at)


def _no_changes(_authority_id: str) -> Sequence[AuthorityChange]:
    return ()


def find_cover(
    use: Use,
    authorities: list[Authority],
    validity: Callable[[Authority], list[Breach]] = check_authority,
    changes: Callable[[str], Sequence[AuthorityChange]] = _no_changes,
) -> list[Breach]:
    """Return ``[]`` when one of ``authorities`` is sound and, as it stood at ``use.at`` given its ``changes``,
    permits ``use``; else, for each one, why it fails."""
    if not authorities:
        return [breach("cover.none", action=use.action)]
    reasons = []
    for authority in authorities:
        state, revoked = in_force(authority, changes(authority.id), use.at)
        problems = validity(authority) + check_cover(state, use, revoked)
        if not problems:
            return []
        reasons.append(
            breach(
                "cover.authority",
                *problems,
                authority=authority.id,
                instrument=authority.instrument,
                reference=authority.reference,
            )
        )
    return reasons


__all__ = [
    "Use",
    "check_authority",
    "check_cover",
    "find_cover",
    "in_force",
    "needs_validation",
    "require_valid",
    "validation_findings",
]
