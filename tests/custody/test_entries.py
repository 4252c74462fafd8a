"""Signed entries: the fast encoder gives the RFC 8785 bytes, leaves are read strictly, signatures bind the kind."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custody import canonical
from custody.entries import KeyEntry, encode_json, parse_leaf, sign_entry
from custody.errors import RecordError
from custody.keys import KeyPair, verify_signature
from custody.records import ACTIONS
from tests.custody.factories import artefact, domestic_order, event, handler, mla_request, preservation_request, utc

_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=40)
_names = st.text(st.characters(whitelist_categories=("L", "M", "N", "P", "S", "Zs")), min_size=1, max_size=40).map(
    str.strip).filter(bool)


@settings(max_examples=200, deadline=None)
@given(action=st.sampled_from(ACTIONS), location=_text.filter(str.strip), note=_text.filter(str.strip),
       seconds=st.integers(0, 10**9), size=st.integers(0, 2**53 - 1), name=_names)
def test_fast_encoding_is_rfc_8785(action: str, location: str, note: str, seconds: int, size: int,
                                   name: str) -> None:
    record = event(action=action, location=location, notes=(note,), occurred_at=utc(2026, 1, 1) + timedelta(
        seconds=seconds), counter_party=handler("pierre", "FR", name=name) if action == "transferred" else None,
        artefacts=(artefact(size=size, name=name),))
    assert encode_json(record.to_json()) == canonical.encode(record.to_json())


@pytest.mark.parametrize("make", [domestic_order, preservation_request, mla_request])
def test_fast_encoding_of_authorities(make: object) -> None:
    record = make()  # type: ignore[operator]
    assert encode_json(record.to_json()) == canonical.encode(record.to_json())


def test_leaf_round_trip_and_signature(keys: dict[str, KeyPair]) -> None:
    amina = keys["amina"]
    entry = sign_entry("event", event(handler=amina.info.handler), [amina])
    parsed, payload = parse_leaf(entry.leaf())
    assert parsed == entry
    assert payload.startswith(b"scelle-event-v1\n")
    verify_signature(amina.info.public_key, parsed.signatures[0].sig, payload)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda leaf: leaf.replace(b'{"body":', b'{ "body":', 1), "canonical"),
        (lambda leaf: leaf[:-1] + b',"extra":1}', "exactly body, kind and signatures"),
        (lambda leaf: leaf.replace(b'"kind":"event"', b'"kind":"checkpoint"'), "unknown kind"),
        (lambda leaf: leaf.replace(b'"case":"MA-2026-0042"', b'"case":1.5'), "floats"),
        (lambda leaf: b"\xff" + leaf, "not valid JSON"),
        (lambda leaf: leaf.replace(b'"action":"acquired"', b'"action":"acquired","action":"seized"'), "canonical"),
    ],
)
def test_malformed_leaves_are_refused(keys: dict[str, KeyPair], mutate: object, message: str) -> None:
    leaf = sign_entry("event", event(handler=keys["amina"].info.handler), [keys["amina"]]).leaf()
    with pytest.raises(RecordError, match=message):
        parse_leaf(mutate(leaf))  # type: ignore[operator]


def test_key_entry_must_match_its_fingerprint(keys: dict[str, KeyPair]) -> None:
    with pytest.raises(RecordError, match="fingerprint"):
        KeyEntry(handler=keys["amina"].info.handler, public_key=keys["pierre"].info.public_key,
                 registered_at=utc(2026, 1, 1))


def test_the_same_body_signed_as_another_kind_does_not_verify(keys: dict[str, KeyPair]) -> None:
    amina = keys["amina"]
    entry = sign_entry("authority", domestic_order(), [amina])
    body = json.loads(entry.leaf())["body"]
    other = b"scelle-event-v1\n" + encode_json(body)
    from custody.errors import SignatureError

    with pytest.raises(SignatureError):
        verify_signature(amina.info.public_key, entry.signatures[0].sig, other)


_WRONG_TYPES: list[object] = [[], [[]], {}, {"a": []}, 7, True, None, "x"]


def test_a_member_of_any_json_type_is_refused_not_crashed_on(keys: dict[str, KeyPair]) -> None:
    """A leaf written by someone else may hold any JSON value anywhere: reading it raises RecordError (so that a
    verification reports the entry), never TypeError from an unhashable value."""
    amina, pierre = keys["amina"], keys["pierre"]
    record = event(action="transferred", handler=amina.info.handler, counter_party=pierre.info.handler)
    leaf = json.loads(sign_entry("event", record, [amina, pierre]).leaf())
    places: list[tuple[dict[str, object], str]] = [(leaf["body"], name) for name in leaf["body"]]
    places += [(leaf["body"]["handler"], name) for name in leaf["body"]["handler"]]
    places += [(leaf["body"]["artefacts"][0], name) for name in leaf["body"]["artefacts"][0]]
    places += [(leaf["signatures"][1], name) for name in ("key", "sig")]
    for parent, name in places:
        original = parent[name]
        for value in _WRONG_TYPES:
            parent[name] = value
            try:
                parse_leaf(canonical.encode(leaf))
            except RecordError:
                pass
        parent[name] = original
    parse_leaf(canonical.encode(leaf))
