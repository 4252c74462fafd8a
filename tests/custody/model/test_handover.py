"""The handover members of events: signed, strict, and absent from every other event's leaf."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from custody.errors import RecordError, SignatureError
from custody.model.entries import SignedEntry, as_signed, parse_leaf, retimed, sign_entry
from custody.model.handover import HandoverLink
from custody.model.keys import KeyPair, generate_key, verify_signature
from custody.model.records import Event
from tests.custody.support.factories import HANDOVER, event, handler, utc


def test_events_without_them_keep_their_leaf_byte_for_byte() -> None:
    body = event().to_json()
    assert "recipient" not in body and "handover" not in body
    assert list(body) == [
        "id", "case", "action", "artefacts", "handler", "counter_party", "occurred_at", "occurred_tz",
        "recorded_at", "location", "purpose", "seal", "tool", "categories", "authorities", "prev", "notes",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"action": "offered", "recipient": None}, "recipient is required"),
        ({"action": "received", "handover": None}, "handover link is required"),
        ({"action": "analysed", "recipient": handler("pierre", "FR")}, "recipient is required for, and only"),
        ({"action": "seized", "handover": HANDOVER}, "handover link is required for, and only"),
    ],
)
def test_only_offered_and_received_events_carry_them(changes: dict[str, object], fragment: str) -> None:
    with pytest.raises(RecordError, match=fragment):
        event(**changes)


def test_they_are_signed_and_read_back_exactly() -> None:
    key = generate_key(name="Amina", role="examiner", organisation="DGSN", country="MA")
    for action in ("offered", "received"):
        entry = sign_entry("event", event(action=action, handler=key.info.handler), [key])
        parsed, payload = parse_leaf(entry.leaf())
        assert parsed == entry and payload == entry.payload()
        assert Event.from_json(json.loads(json.dumps(entry.body.to_json()))) == entry.body


@pytest.mark.parametrize(
    "change",
    [
        {"root": "AAEC"},  # 3 bytes
        {"size": 0},
        {"extra": 1},
        {"root": HANDOVER.to_json()["root"].replace("=", "")},
    ],
)
def test_a_handover_link_is_read_strictly(change: dict[str, object]) -> None:
    with pytest.raises(RecordError):
        HandoverLink.from_json({**HANDOVER.to_json(), **change})


def _transfer_signed_by_both() -> tuple[SignedEntry, KeyPair]:
    amina = generate_key(name="Amina", role="examiner", organisation="DGSN", country="MA")
    pierre = generate_key(name="Pierre", role="examiner", organisation="OFAC", country="FR")
    body = event(action="transferred", handler=amina.info.handler, counter_party=pierre.info.handler)
    return sign_entry("event", body, [amina, pierre]), amina


def test_a_transfer_recorded_after_it_was_signed_keeps_the_signatures_of_what_was_signed() -> None:
    signed, _ = _transfer_signed_by_both()
    later = retimed(signed, signed.body.recorded_at + timedelta(days=3))
    assert later.signatures == signed.signatures and later.payload() == signed.payload()
    assert isinstance(later.body, Event) and later.body.signed_at == signed.body.recorded_at
    assert as_signed(later.body) == signed.body
    parsed, payload = parse_leaf(later.leaf())
    assert parsed == later and payload == signed.payload()
    assert retimed(signed, signed.body.recorded_at) is signed  # recorded when signed: the leaf it always had
    assert b"signed_at" not in signed.leaf() and b'"signed_at":"2026-03-03T09:45:00Z"' in later.leaf()


def test_the_signing_time_is_covered_by_the_signatures() -> None:
    signed, amina = _transfer_signed_by_both()
    later = retimed(signed, signed.body.recorded_at + timedelta(days=3))
    moved = later.leaf().replace(b'"signed_at":"2026-03-03T09:45:00Z"', b'"signed_at":"2026-03-03T09:44:00Z"')
    assert moved != later.leaf()
    entry, payload = parse_leaf(moved)
    with pytest.raises(SignatureError):
        verify_signature(amina.info.public_key, entry.signatures[0].sig, payload)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"action": "acquired", "signed_at": utc(2026, 3, 3, 9)}, "only a transferred event"),
        ({"signed_at": utc(2026, 3, 3, 9, 45)}, "signed before it is recorded, or carries no signed_at"),
        ({"signed_at": utc(2026, 3, 3, 10)}, "signed before it is recorded"),
    ],
)
def test_only_a_transfer_is_signed_before_it_is_recorded(changes: dict[str, object], fragment: str) -> None:
    counter = {} if changes.get("action") == "acquired" else {"action": "transferred", "counter_party": handler("p")}
    with pytest.raises(RecordError, match=fragment):
        event(**counter, **changes)
