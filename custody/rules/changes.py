"""Whether a change to an authority may be recorded: an extension within the instrument's limits, a validation by
the authority the order needs, a revocation of an authority still in force.

The same findings refuse the change when it is recorded, and are reported by ledger and bundle verification, which
replay the changes in ledger order; ``custody.rules.authority.in_force`` then applies to each event the changes in
effect at its time. A change applies to the events recorded after it: one recorded later, even with an earlier date,
does not undo what was verified when those events were recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from custody.model.changes import AuthorityChange
from custody.model.legal import Authority
from custody.model.times import format_utc
from custody.rules.authority import days, in_force, needs_validation, validation_findings
from custody.rules.breach import Breach, RecordRefusedError, breach
from custody.rules.events import CLOCK_SKEW
from custody.rules.instruments import INSTRUMENTS


def _extension(change: AuthorityChange, authority: Authority, earlier: Sequence[AuthorityChange]) -> list[Breach]:
    rules = INSTRUMENTS[authority.instrument]
    if not rules.extendable:
        return [breach("instrument.not_extendable", instrument=rules.name)]
    current, _ = in_force(authority, earlier, change.at)
    new_end = change.valid_until or current.valid_until
    found = []
    if change.at > current.valid_until:
        found.append(breach("change.lapsed", at=format_utc(change.at), end=format_utc(current.valid_until)))
    if new_end <= current.valid_until:
        found.append(breach("change.not_later", end=format_utc(new_end), current=format_utc(current.valid_until)))
    elif rules.extension_days is not None and new_end - current.valid_until > timedelta(days=rules.extension_days):
        grown = days(new_end - current.valid_until)
        found.append(breach("instrument.extension_long", instrument=rules.name, days=grown, limit=rules.extension_days))
    count = 1 + sum(1 for e in earlier if e.change == "extend")
    if rules.extensions_allowed is not None and count > rules.extensions_allowed:
        found.append(breach("instrument.extensions_max", instrument=rules.name, count=rules.extensions_allowed))
    return found


def _validation(change: AuthorityChange, authority: Authority, earlier: Sequence[AuthorityChange]) -> list[Breach]:
    if not needs_validation(authority):
        return [breach("change.no_validation", instrument=authority.instrument)]
    done = [e.at for e in earlier if e.change == "validate"]
    if authority.validation is not None:
        done.insert(0, authority.validation.date)
    if done:
        return [breach("change.validated_twice", at=format_utc(done[0]))]
    return validation_findings(authority, change.decided_by_type, change.at)


def check_change(
    change: AuthorityChange, authority: Authority | None, earlier: Sequence[AuthorityChange]
) -> list[Breach]:
    """What is wrong with recording ``change`` to ``authority`` (None: not recorded before it), given the
    ``earlier`` changes recorded to it, in ledger order (empty when nothing is)."""
    if authority is None:
        return [breach("change.unknown", authority=change.authority)]
    earlier = [e for e in earlier if e.authority == authority.id]
    found = []
    if change.at < authority.issued:
        found.append(breach("change.before_issue", at=format_utc(change.at), issued=format_utc(authority.issued)))
    if change.at > change.recorded_at + CLOCK_SKEW:
        found.append(breach("change.future", at=format_utc(change.at), recorded=format_utc(change.recorded_at)))
    revocations = [e for e in earlier if e.change == "revoke"]
    if revocations:
        found.append(breach("change.revoked", at=format_utc(revocations[0].at)))
    if change.change == "extend":
        found += _extension(change, authority, earlier)
    elif change.change == "validate":
        found += _validation(change, authority, earlier)
    return found


def refuse_change(change: AuthorityChange, authority: Authority | None, found: Sequence[Breach]) -> None:
    """Raise ``RecordRefusedError`` when ``found`` is not empty."""
    if found:
        reference = authority.reference if authority is not None else change.authority
        raise RecordRefusedError(breach(f"refused.{change.change}", *found, reference=reference))


__all__ = ["check_change", "refuse_change"]
