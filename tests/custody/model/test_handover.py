"""The handover members of events: signed, strict, and absent from every other event's leaf."""

from __future__ import annotations

import json

import pytest

from custody.errors import RecordError
from custody.model.entries import parse_leaf, sign_entry
from custody.model.handover import HandoverLink
from custody.model.keys import generate_key
from custody.model.records import Event
from tests.custody.support.factories import HANDOVER, event, handler


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
