"""Instrument rules: required fields, deadlines, data categories, and whether an authority covers an event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from custody.errors import AuthorityError
from custody.model.records import INSTRUMENT_NAMES, Authority, Offence, Scope, Validation
from custody.model.vocabulary import ACTIONS_NEEDING_AUTHORITY
from custody.rules.authority import Use, check_authority, check_cover, find_cover, require_valid
from custody.rules.instruments import INSTRUMENTS
from tests.custody.support.factories import domestic_order, mla_request, preservation_request, utc


def test_every_instrument_of_the_issue_has_rules() -> None:
    expected = {
        "domestic-order",
        *(f"budapest-{n}" for n in (16, 17, 18, 19, 29, 30, 31, "32a", "32b", 35)),
        *(f"sap-{n}" for n in range(6, 11)),
        "eu-epoc",
        "eu-epoc-pr",
        "eio",
        "jit",
        "consent",
    }
    assert set(INSTRUMENT_NAMES) == expected
    for name, rules in INSTRUMENTS.items():
        assert rules.name == name
        assert rules.actions <= ACTIONS_NEEDING_AUTHORITY


@pytest.mark.parametrize("make", [domestic_order, preservation_request, mla_request])
def test_scenario_authorities_are_sound(make: Callable[[], Authority]) -> None:
    assert check_authority(make()) == []


def test_preservation_request_lists_each_missing_template_field() -> None:
    bare = replace(preservation_request(), facts=None, necessity=None, mla_to_follow=False, scope=Scope())
    found = check_authority(bare)
    for missing in ("facts", "necessity", "request to follow", "identifiers covered", "custodian or location"):
        assert any(missing in str(f) for f in found), (missing, found)
    with pytest.raises(AuthorityError, match="PARQUET-J3-2026-0042"):
        require_valid(bare)


def test_article_29_preserves_at_least_60_days() -> None:
    short = preservation_request(valid_until=utc(2026, 3, 2) + timedelta(days=59))
    assert any("at least 60 days" in str(f) for f in check_authority(short))
    assert check_authority(preservation_request(valid_until=utc(2026, 3, 2) + timedelta(days=60))) == []
    # 2 March to 30 April inclusive is 60 days: its end, typed as a date, is the last microsecond of 30 April
    end_of_day = utc(2026, 5, 1) - timedelta(microseconds=1)
    assert check_authority(preservation_request(valid_until=end_of_day)) == []
    assert any(
        "at least 60 days" in str(f)
        for f in check_authority(preservation_request(valid_until=end_of_day - timedelta(days=1)))
    )


def test_request_to_another_state_needs_two_states() -> None:
    same = preservation_request(requested_state="FR")
    assert any("both states are FR" in str(f) for f in check_authority(same))


def _epoc_pr(**changes: Any) -> Authority:
    base: dict[str, Any] = dict(
        id="au-epoc-pr",
        instrument="eu-epoc-pr",
        issuing_state="FR",
        issuing_authority="Parquet de Paris",
        issuing_authority_type="prosecutor",
        reference="EPOC-PR-1",
        issued=utc(2026, 9, 1),
        valid_from=utc(2026, 9, 1),
        valid_until=utc(2026, 10, 31),
        requested_state="BE",
        addressee="Provider SA",
        offence=Offence(description="fraud"),
    )
    base.update(changes)
    return preservation_request(**base)


def test_epoc_pr_is_60_days_extendable_once_by_30() -> None:
    first = _epoc_pr()
    assert check_authority(first) == []
    too_long = _epoc_pr(valid_until=utc(2026, 9, 1) + timedelta(days=61))
    assert any("at most 60 days" in str(f) for f in check_authority(too_long))
    ext = _epoc_pr(
        id="au-ext",
        reference="EPOC-PR-1-EXT",
        extends="au-epoc-pr",
        issued=utc(2026, 10, 20),
        valid_from=utc(2026, 10, 20),
        valid_until=utc(2026, 11, 30),
    )
    assert check_authority(ext, {"au-epoc-pr": first}) == []
    long_ext = replace(ext, valid_until=utc(2026, 12, 2))
    assert any("more than the 30 days" in str(f) for f in check_authority(long_ext, {"au-epoc-pr": first}))
    second = replace(
        ext,
        id="au-ext2",
        extends="au-ext",
        issued=utc(2026, 11, 20),
        valid_from=utc(2026, 11, 20),
        valid_until=utc(2026, 12, 20),
    )
    known = {"au-epoc-pr": first, "au-ext": ext}
    assert any("1 time(s) only" in str(f) for f in check_authority(second, known))
    assert any("unknown authority" in str(f) for f in check_authority(ext, {}))


def _epoc(**changes: Any) -> Authority:
    fields: dict[str, Any] = {
        "instrument": "eu-epoc",
        "id": "au-epoc",
        "reference": "EPOC-1",
        "scope": Scope(categories=("subscriber",)),
    }
    return _epoc_pr(**{**fields, **changes})


def test_eu_orders_apply_from_18_august_2026() -> None:
    early = _epoc_pr(issued=utc(2026, 8, 17), valid_from=utc(2026, 8, 17), valid_until=utc(2026, 9, 1))
    assert any("applies (2026-08-18)" in str(f) for f in check_authority(early))


def test_epoc_for_content_needs_a_judge_and_a_serious_offence() -> None:
    assert check_authority(_epoc()) == []
    content = _epoc(scope=Scope(categories=("content",)))
    found = check_authority(content)
    assert any("at least 3 years" in str(f) for f in found)
    unvalidated = check_cover(content, Use(action="acquired", at=utc(2026, 9, 2), categories=("content",)))
    assert any("validation by a court or investigating judge or judge" in str(f) for f in unvalidated)
    validated = _epoc(
        scope=Scope(categories=("content",)),
        offence=Offence(description="fraud", max_penalty_months=60),
        validation=Validation(authority="Juge des libertés", authority_type="judge", date=utc(2026, 9, 1, 12)),
    )
    assert check_authority(validated) == []
    listed = replace(validated, offence=Offence(description="attack on an information system", eu_listed=True))
    assert check_authority(listed) == []


def test_emergency_epoc_by_police_must_be_validated_within_48_hours() -> None:
    pending = _epoc(issuing_authority_type="police", emergency=True)
    assert check_authority(pending) == []
    assert check_cover(pending, Use(action="acquired", at=utc(2026, 9, 2, 23))) == []
    late = check_cover(pending, Use(action="acquired", at=utc(2026, 9, 3, 1)))
    assert any("not validated within 48 hours" in str(f) for f in late)
    late_validation = replace(
        pending, validation=Validation(authority="Parquet", authority_type="prosecutor", date=utc(2026, 9, 3, 1))
    )
    assert any("more than 48 hours" in str(f) for f in check_authority(late_validation))
    not_emergency = replace(pending, emergency=False)
    assert check_authority(not_emergency) == []  # recorded awaiting validation, it covers nothing until validated
    unvalidated = check_cover(not_emergency, Use(action="acquired", at=utc(2026, 9, 1, 1)))
    assert any("not yet validated" in str(f) for f in unvalidated)


def test_cover_checks_window_action_scope_and_destination() -> None:
    order = domestic_order()
    assert check_cover(order, Use(action="analysed", at=utc(2026, 3, 5), categories=("content",))) == []
    assert any("not valid at" in str(f) for f in check_cover(order, Use(action="analysed", at=utc(2026, 6, 2))))
    assert any("not valid at" in str(f) for f in check_cover(order, Use(action="seized", at=utc(2026, 2, 28, 23))))
    assert check_cover(order, Use(action="seized", at=order.valid_until)) == []
    traffic = check_cover(order, Use(action="analysed", at=utc(2026, 3, 5), categories=("traffic",)))
    assert any("scope does not include traffic" in str(f) for f in traffic)
    abroad = check_cover(order, Use(action="transferred", at=utc(2026, 3, 5), abroad_to="FR"))
    assert any("does not permit handing the evidence to another State" in str(f) for f in abroad)
    preserve = preservation_request()
    analysed = check_cover(preserve, Use(action="analysed", at=utc(2026, 3, 5)))
    assert any("does not permit analysed" in str(f) for f in analysed)
    mla = mla_request()
    assert check_cover(mla, Use(action="transferred", at=utc(2026, 4, 1), abroad_to="FR")) == []
    wrong_way = check_cover(mla, Use(action="transferred", at=utc(2026, 4, 1), abroad_to="SN"))
    assert any("requesting State is FR" in str(f) for f in wrong_way)


def test_find_cover_needs_one_sound_authority() -> None:
    use = Use(action="transferred", at=utc(2026, 4, 1), abroad_to="FR")
    assert [str(r) for r in find_cover(use, [])] == ["handed over needs a legal authority and none is given"]
    reasons = find_cover(use, [domestic_order(), preservation_request()])
    assert len(reasons) == 2 and "TPI-RABAT-2026-117" in str(reasons[0])
    assert find_cover(use, [domestic_order(), mla_request()]) == []
    broken = replace(mla_request(), facts=None)
    assert any("requires a summary of the facts" in str(r) for r in find_cover(use, [broken]))
