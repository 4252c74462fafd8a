"""Custody records: one canonical encoding each, strict reading, and the invariants every record keeps."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custody import fastpath
from custody.errors import RecordError
from custody.model.records import ACTIONS, Artefact, Authority, Event, Scope, Signature, signing_payload
from custody.model.vocabulary import normalise_categories
from evidence.common import canonical
from tests.custody.support.factories import (
    artefact,
    domestic_order,
    event,
    handler,
    mla_request,
    preservation_request,
    utc,
)


@pytest.mark.parametrize("make", [domestic_order, preservation_request, mla_request])
def test_authority_round_trips_through_its_canonical_bytes(make: Any) -> None:
    record = make()
    data = record.canonical()
    assert canonical.is_canonical(data)
    again = Authority.from_json(canonical.decode(data))
    assert again == record
    assert again.canonical() == data


def test_event_round_trips_and_times_are_utc_with_z() -> None:
    record = event()
    data = record.canonical()
    obj = json.loads(data)
    assert obj["occurred_at"] == "2026-03-03T09:30:00Z"
    assert obj["occurred_tz"] == "Africa/Casablanca"
    assert Event.from_json(obj) == record


def test_unknown_member_is_refused_at_every_level() -> None:
    obj = event().to_json()
    with pytest.raises(RecordError, match="unknown member"):
        Event.from_json({**obj, "extra": 1})
    obj["artefacts"][0]["colour"] = "red"
    with pytest.raises(RecordError, match=r"artefact: unknown member\(s\) colour"):
        Event.from_json(obj)
    auth = preservation_request().to_json()
    auth["scope"]["why"] = "x"
    with pytest.raises(RecordError, match="scope"):
        Authority.from_json(auth)


@pytest.mark.parametrize(
    ("member", "value", "message"),
    [
        ("action", "looked-at", "unknown action"),
        ("occurred_at", "2026-03-03T09:30:00+01:00", "expected a UTC time"),
        ("occurred_at", "2026-03-03T09:30:00.000000Z", "zero microseconds"),
        ("occurred_tz", "Mars/Olympus", "unknown time zone"),
        ("artefacts", [], "at least one artefact"),
        ("case", 42, "identifier"),
        ("categories", ["thoughts"], "unknown data category"),
        ("notes", "not a list", "expected a list"),
        ("location", "", "event.location"),
        ("seal", " ", "event.seal"),
        ("late_reason", "\x00", "event.late_reason"),
        ("notes", ["fine", ""], r"event.notes\[1\]"),
        ("prev", ["ev-1", "not an id!"], "event reference"),
    ],
)
def test_bad_event_values_are_refused(member: str, value: object, message: str) -> None:
    obj = event().to_json()
    obj[member] = value
    with pytest.raises(RecordError, match=message):
        Event.from_json(obj)


def test_transfer_needs_exactly_one_other_counter_party() -> None:
    with pytest.raises(RecordError, match="counter-party"):
        event(action="transferred")
    with pytest.raises(RecordError, match="counter-party"):
        event(counter_party=handler("pierre", "FR"))
    with pytest.raises(RecordError, match="two different handlers"):
        event(action="transferred", counter_party=handler())
    transfer = event(action="transferred", counter_party=handler("pierre", "FR"))
    assert transfer.signer_fingerprints() == (handler().key_fingerprint, handler("pierre").key_fingerprint)


@pytest.mark.parametrize(
    ("digests", "message"),
    [
        ({"blake3": "ab" * 32}, "must include sha256"),
        ({"sha256": "AB" * 32}, "lower-case hex"),
        ({"sha256": "ab" * 31}, "64 lower-case"),
        ({"sha256": "ab" * 32, "crc32": "00000000"}, "unknown digest algorithm"),
    ],
)
def test_artefact_digests_are_checked(digests: dict[str, str], message: str) -> None:
    with pytest.raises(RecordError, match=message):
        Artefact(digests=digests)


def test_artefact_digest_order_does_not_change_the_encoding() -> None:
    one = Artefact(digests={"sha256": "ab" * 32, "blake3": "cd" * 32})
    two = Artefact(digests={"blake3": "cd" * 32, "sha256": "ab" * 32})
    assert one.canonical() == two.canonical()
    assert one.key == "sha256:" + "ab" * 32


def test_authority_checks_countries_vocabularies_and_window() -> None:
    with pytest.raises(RecordError, match="requested_state"):
        preservation_request(requested_state="XX")
    with pytest.raises(RecordError, match="unknown instrument"):
        domestic_order(instrument="budapest-99")
    with pytest.raises(RecordError, match="valid_from is after valid_until"):
        domestic_order(valid_until=utc(2026, 2, 1))
    with pytest.raises(RecordError, match="channel"):
        domestic_order(channel="pigeon")
    with pytest.raises(RecordError, match="data category"):
        Scope(categories=("content", "content"))


def test_categories_have_one_order() -> None:
    assert Scope(categories=("content", "subscriber")).categories == ("subscriber", "content")


def test_signature_base64_must_be_canonical() -> None:
    sig = Signature(key=handler().key_fingerprint, sig=bytes(64))
    obj = sig.to_json()
    assert Signature.from_json(obj) == sig
    with pytest.raises(RecordError, match="base64"):
        Signature.from_json({**obj, "sig": obj["sig"][:-2] + "B="})
    with pytest.raises(RecordError, match="64 bytes"):
        Signature(key=sig.key, sig=bytes(63))


@pytest.mark.parametrize(
    "change",
    [
        lambda sig: sig,
        lambda sig: sig[:-3] + "B==",  # bits left in the padding: not canonical
        lambda sig: sig[:-2] + "A=",  # 88 characters of another length
        lambda sig: sig[:-4] + "AA",
        lambda sig: "*" + sig[1:],
        lambda sig: sig + "AAAA",
    ],
)
def test_a_known_signers_signature_reads_as_from_json(change: Any) -> None:
    """``Signature.known`` (the event leaf's quick reading) gives ``from_json``'s signature, or leaves it to it."""
    good = Signature(key=handler().key_fingerprint, sig=bytes(range(64)))  # the key is now known
    text = change(good.to_json()["sig"])
    known = Signature.known(good.key, text)
    try:
        read: object = Signature.from_json({"key": good.key, "sig": text})
    except RecordError as exc:
        read = str(exc)
    assert known is None or (known == read and known.sig == read.sig)  # type: ignore[union-attr]
    assert (known is not None) == (fastpath.ENABLED and text == good.to_json()["sig"])


def test_signing_payload_separates_domains() -> None:
    body = b"{}"
    assert signing_payload("event", body) != signing_payload("authority", body)
    assert signing_payload("event", body).startswith(b"scelle-event-v1\n")
    with pytest.raises(RecordError):
        signing_payload("checkpoint", body)


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=30)
_events = st.builds(
    lambda action, notes, location, seconds, micro, n: event(
        action=action,
        counter_party=handler("pierre", "FR") if action == "transferred" else None,
        notes=tuple(notes),
        location=location if location.strip() else None,
        occurred_at=utc(2026, 3, 3) + timedelta(seconds=seconds, microseconds=micro),
        artefacts=tuple(artefact(bytes([i])) for i in range(n)),
    ),
    st.sampled_from(ACTIONS),
    st.lists(_text.filter(str.strip), max_size=3),
    _text,
    st.integers(0, 10**8),
    st.integers(0, 999_999),
    st.integers(1, 3),
)


@settings(max_examples=150, deadline=None)
@given(_events)
def test_every_event_has_one_canonical_encoding(record: Event) -> None:
    data = record.canonical()
    assert canonical.is_canonical(data)
    again = Event.from_json(json.loads(data))
    assert again == record
    assert again.canonical() == data


@settings(max_examples=100, deadline=None)
@given(_events, st.data())
def test_any_change_of_a_field_changes_the_bytes(record: Event, data: st.DataObject) -> None:
    field = data.draw(st.sampled_from(["location", "seal", "purpose", "tool"]))
    value = data.draw(_text.filter(str.strip))
    changed = replace(record, **{field: value})
    assert (changed.canonical() == record.canonical()) == (getattr(record, field) == value)


@pytest.mark.parametrize(
    ("member", "good", "bad"),
    [("size", 1, True), ("size", 0, False), ("name", "1", 1), ("size", 5, "5"), ("acquisition_record", None, "")],
)
def test_memoised_artefacts_tell_json_types_apart(member: str, good: object, bad: object) -> None:
    """Events parse each distinct artefact JSON once (fields.memoised): a value equal in Python but of another JSON
    type (1 and true) must not reuse the parse of the good one."""
    base = artefact().to_json()
    body = event().to_json()
    body["artefacts"] = [{**base, member: good}]
    assert Event.from_json(body).artefacts[0].to_json()[member] == good
    body["artefacts"] = [{**base, member: bad}]
    with pytest.raises(RecordError):
        Event.from_json(body)
    body["artefacts"] = [{**base, member: good}]
    assert Event.from_json(body).artefacts[0].to_json()[member] == good


def test_memoised_handlers_tell_json_types_apart() -> None:
    body = event().to_json()
    body["handler"] = {**body["handler"], "name": "1"}
    Event.from_json(body)
    body["handler"] = {**body["handler"], "name": 1}
    with pytest.raises(RecordError):
        Event.from_json(body)


def test_memo_accepts_only_plain_json_values() -> None:
    """A mapping type marshal cannot write (a record built in code) is parsed without the memo, not refused."""
    from types import MappingProxyType

    body = event().to_json()
    body["artefacts"] = [{**artefact().to_json(), "digests": MappingProxyType(artefact().to_json()["digests"])}]
    with pytest.raises(RecordError, match="algorithm -> hex"):
        Event.from_json(body)


def test_every_category_list_normalises_as_before() -> None:
    """vocabulary.normalise_categories looks valid lists up in a table: the same result as sorting them, and the
    same refusals for the rest."""
    from itertools import permutations, product

    from custody.model.vocabulary import DATA_CATEGORIES

    names = [*DATA_CATEGORIES, "spam"]
    for count in range(5):
        for chosen in product(names, repeat=count):
            valid = "spam" not in chosen and len(set(chosen)) == len(chosen)
            if valid:
                assert normalise_categories(chosen, "x") == tuple(sorted(chosen, key=DATA_CATEGORIES.index))
            else:
                with pytest.raises(RecordError):
                    normalise_categories(chosen, "x")
    assert len(list(permutations(DATA_CATEGORIES))) == 24
    with pytest.raises(RecordError):
        normalise_categories((["content"],), "x")  # type: ignore[arg-type]
