"""Signed entries: the fast encoder gives the RFC 8785 bytes, leaves are read strictly, signatures bind the kind."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custody.errors import RecordError
from custody.model.entries import KeyEntry, encode_json, parse_leaf, sign_entry
from custody.model.keys import KeyPair, verify_signature
from custody.model.records import ACTIONS
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

_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=40)
_names = (
    st.text(st.characters(whitelist_categories=("L", "M", "N", "P", "S", "Zs")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=200, deadline=None)
@given(
    action=st.sampled_from(ACTIONS),
    location=_text.filter(str.strip),
    note=_text.filter(str.strip),
    seconds=st.integers(0, 10**9),
    size=st.integers(0, 2**53 - 1),
    name=_names,
)
def test_fast_encoding_is_rfc_8785(action: str, location: str, note: str, seconds: int, size: int, name: str) -> None:
    record = event(
        action=action,
        location=location,
        notes=(note,),
        occurred_at=utc(2026, 1, 1) + timedelta(seconds=seconds),
        counter_party=handler("pierre", "FR", name=name) if action == "transferred" else None,
        artefacts=(artefact(size=size, name=name),),
    )
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
        KeyEntry(
            handler=keys["amina"].info.handler, public_key=keys["pierre"].info.public_key, registered_at=utc(2026, 1, 1)
        )


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


# parse_leaf skips re-encoding a leaf that entries._EVENT_LEAF matches: every text it matches must be canonical.

_TRICKY_CHARS = ' \n\t{}[],:"\\/0123456789-+.eEabcfnrtul\x00\x1f\x7f\u00e9\u2028\U0001f600'


def _is_canonical(text: str) -> bool:
    from custody.model.entries import _decode

    try:
        return encode_json(_decode(text)) == text.encode("utf-8")
    except (ValueError, RecursionError, canonical.CanonicalError):
        return False


def _signed_leaf(keys: dict[str, KeyPair], **changes: Any) -> str:
    amina, pierre = keys["amina"], keys["pierre"]
    if changes.get("action") == "transferred":
        changes.setdefault("counter_party", pierre.info.handler)
        signers = [amina, pierre]
    else:
        signers = [amina]
    record = event(handler=amina.info.handler, **changes)
    return sign_entry("event", record, signers).leaf().decode("utf-8")


def test_the_event_leaf_form_matches_what_scelle_writes(keys: dict[str, KeyPair]) -> None:
    from custody.model.leafform import EVENT_LEAF as _EVENT_LEAF

    for action in ("acquired", "transferred", "sealed"):
        assert _EVENT_LEAF.fullmatch(_signed_leaf(keys, action=action))
    assert _EVENT_LEAF.fullmatch(
        _signed_leaf(
            keys,
            notes=("a", "b"),
            prev=("ev-1", "ev-2"),
            tool="scelle 0.1",
            artefacts=(artefact(name=None), artefact(b"x", size=None)),
        )
    )
    assert _EVENT_LEAF.fullmatch(_signed_leaf(keys, location="Laboratoire de la DGSN, Rabat \u2014 salle 2"))
    every = {"md5": "0" * 32, "sha1": "1" * 40, "sha256": "2" * 64, "sha512": "3" * 128, "blake3": "4" * 64}
    for algorithms in (every, {"sha256": "2" * 64, "md5": "0" * 32}, {"blake3": "4" * 64, "sha256": "2" * 64}):
        assert _EVENT_LEAF.fullmatch(_signed_leaf(keys, artefacts=(artefact(digests=algorithms),)))
    assert not _EVENT_LEAF.fullmatch(_signed_leaf(keys, location='Bureau "B"'))  # escaped: encoded and compared


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    location=_text.filter(str.strip),
    note=_text.filter(str.strip),
    action=st.sampled_from(["acquired", "transferred"]),
    edits=st.integers(0, 3),
)
def test_every_text_the_event_leaf_form_matches_is_canonical(
    keys: dict[str, KeyPair], data: st.DataObject, location: str, note: str, action: str, edits: int
) -> None:
    from custody.model.leafform import EVENT_LEAF as _EVENT_LEAF

    text = _signed_leaf(keys, action=action, location=location, notes=(note,))
    for _ in range(edits):
        at = data.draw(st.integers(0, len(text)))
        how = data.draw(st.sampled_from(["insert", "delete", "replace", "swap"]))
        char = data.draw(st.sampled_from(_TRICKY_CHARS))
        if how == "insert":
            text = text[:at] + char + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + 1 :]
        elif how == "replace":
            text = text[:at] + char + text[at + 1 :]
        else:
            other = data.draw(st.integers(0, len(text)))
            a, b = sorted((at, other))
            text = text[:a] + text[b : b + (b - a)] + text[a:b] + text[b + (b - a) :]
    if _EVENT_LEAF.fullmatch(text):
        assert _is_canonical(text)


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace('"action":', '"action" :'),
        lambda t: t.replace(',"case":', ', "case":'),
        lambda t: t.replace('"seal":"SC-17"', '"seal":"SC-\\u0031\\u0037"'),
        lambda t: t.replace('"seal":"SC-17"', '"seal":"SC\\/17"'),
        lambda t: t.replace('"seal":"SC-17"', '"seal":"SC-17","seal":"SC-17"'),
        lambda t: t.replace('"size":1073741824', '"size":01073741824'),
        lambda t: t.replace('"size":1073741824', '"size":-0'),
        lambda t: t.replace('"tool":null', '"tool":"\\u00e9"'),
        lambda t: t.replace(
            '"id":"ev-0001","location":"DGSN lab, Rabat"', '"location":"DGSN lab, Rabat","id":"ev-0001"'
        ),
        lambda t: t.replace('"digests":{"sha256":', '"digests":{"sha512":"00","sha256":'),
        lambda t: t.replace('{"body":', '{"body" :'),
        lambda t: t + " ",
    ],
)
def test_non_canonical_event_leaves_do_not_take_the_fast_path(keys: dict[str, KeyPair], change: Any) -> None:
    from custody.model.leafform import EVENT_LEAF as _EVENT_LEAF

    leaf = _signed_leaf(keys, artefacts=(artefact(size=1073741824),))
    changed = change(leaf)
    assert changed != leaf
    assert not _EVENT_LEAF.fullmatch(changed)
    with pytest.raises(RecordError):
        parse_leaf(changed.encode("utf-8"))
