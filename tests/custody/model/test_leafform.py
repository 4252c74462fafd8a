"""custody.model.leafform reads event leaves from one regular expression match: for every leaf it matches,
parse_leaf must return (or raise) exactly what the general reading (entries._parse_any: parse the JSON, check, encode
again, Event.from_json) returns or raises."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custody import fastpath
from custody.model.entries import _parse_any, encode_json, parse_leaf, sign_entry
from custody.model.keys import KeyPair
from custody.model.leafform import EVENT_LEAF
from custody.model.records import ACTIONS
from evidence.common import canonical
from tests.custody.support.factories import artefact, event, handler, utc


def _outcome(read: Any) -> object:
    try:
        return ("read", *read())
    except Exception as exc:  # noqa: BLE001 - the outcome compared, whatever it is
        return ("error", type(exc), str(exc))


def assert_same_reading(text: str) -> bool:
    """Both readings of ``text`` agree; return whether the event form matched (the fast reading was used)."""
    data = text.encode("utf-8")
    assert _outcome(lambda: parse_leaf(data)) == _outcome(lambda: _parse_any(text, data))
    return EVENT_LEAF.fullmatch(text) is not None


def _leaf(keys: dict[str, KeyPair], **changes: Any) -> str:
    amina, pierre = keys["amina"], keys["pierre"]
    signers = [amina]
    if changes.get("action") == "transferred":
        changes.setdefault("counter_party", pierre.info.handler)
        signers.append(pierre)
    record = event(handler=amina.info.handler, **changes)
    return sign_entry("event", record, signers).leaf().decode("utf-8")


_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_text = st.text(_chars, min_size=1, max_size=12)
_plain = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")).filter(lambda c: c not in '"\\'), min_size=1, max_size=12
).filter(str.strip)
_digests = st.fixed_dictionaries(
    {"sha256": st.just("a" * 64)},
    optional={
        "md5": st.just("b" * 32),
        "sha1": st.just("c" * 40),
        "sha512": st.just("d" * 128),
        "blake3": st.just("e" * 64),
    },
)


@settings(max_examples=200, deadline=None)
@given(
    action=st.sampled_from(ACTIONS),
    location=st.none() | _plain | _text.filter(str.strip),
    notes=st.lists(_plain | _text.filter(str.strip), max_size=2),
    seal=st.none() | _plain,
    tool=st.none() | _plain,
    purpose=st.none() | _plain,
    prev=st.lists(st.sampled_from(["ev-1", "ev-2", "x:y/z"]), max_size=2, unique=True),
    seconds=st.integers(0, 10**8),
    micro=st.integers(0, 999_999),
    items=st.lists(
        st.tuples(_digests, st.none() | _plain, st.none() | st.integers(0, 2**53 - 1)), min_size=1, max_size=3
    ),
    categories=st.lists(st.sampled_from(["content", "traffic", "subscriber"]), unique=True),
    late=st.none() | _plain | _text.filter(str.strip),
)
def test_valid_events_read_the_same_both_ways(
    keys: dict[str, KeyPair],
    action: str,
    location: str | None,
    notes: list[str],
    seal: str | None,
    tool: str | None,
    purpose: str | None,
    prev: list[str],
    seconds: int,
    micro: int,
    items: list[tuple[dict[str, str], str | None, int | None]],
    categories: list[str],
    late: str | None,
) -> None:
    artefacts = tuple(
        artefact(digests={**digests, "sha256": f"{i:064x}"}, name=name, size=size)
        for i, (digests, name, size) in enumerate(items)
    )
    text = _leaf(
        keys,
        action=action,
        location=location,
        notes=tuple(notes),
        seal=seal,
        tool=tool,
        purpose=purpose,
        prev=tuple(prev),
        artefacts=artefacts,
        categories=tuple(categories),
        occurred_at=utc(2026, 3, 3) + timedelta(seconds=seconds, microseconds=micro),
        late_reason=late,
    )
    assert_same_reading(text)
    assert ('"late_reason"' in text) == (late is not None)


# Values that keep the leaf in the event form (no character the encoder escapes) but break a rule of a record.
_BAD_STRINGS = [
    "",
    " ",
    "spam",
    "x y",
    "ev 1",
    "2026-03-03T09:30:00+01:00",
    "2026-03-03T09:30:00.000000Z",
    "2026-02-30T09:30:00Z",
    "Mars/Olympus",
    "+25:00",
    "sha256:XYZ",
    "sha1:" + "a" * 40,
    "AAAA",
    "A" * 88,
    "ZZ",
    "ma",
    "\u00e9t\u00e9",
    "\u2028",
    "x" * 5000,
    "transferred",
    "content",
    "au-ma-order",
]


def _places(obj: dict[str, Any]) -> list[tuple[Any, Any]]:
    """Every string (or null) member and list item of a leaf, as (container, key)."""
    found: list[tuple[Any, Any]] = []
    for key, value in obj.items():
        if isinstance(value, dict):
            found += _places(value)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    found += _places(item)
                else:
                    found.append((value, i))
        elif value is None or isinstance(value, str):
            found.append((obj, key))
    return found


@pytest.mark.parametrize("action", ["acquired", "transferred"])
def test_broken_values_fail_the_same_way_both_ways(keys: dict[str, KeyPair], action: str) -> None:
    leaf = json.loads(
        _leaf(keys, action=action, notes=("n",), prev=("ev-0",), tool="t", purpose="p", late_reason="written up late")
    )
    fast = 0
    for container, key in _places(leaf):
        original = container[key]
        for value in [*_BAD_STRINGS, None]:
            container[key] = value
            fast += assert_same_reading(canonical.encode(leaf).decode("utf-8"))
        container[key] = original
    assert fast > 500  # most of them were read from the match


@pytest.mark.parametrize("member", ["size", "counter_party", "notes", "prev", "artefacts", "handler"])
def test_other_shapes_read_the_same_both_ways(keys: dict[str, KeyPair], member: str) -> None:
    leaf = json.loads(_leaf(keys, action="transferred"))
    body = leaf["body"]
    for value in [
        0,
        1,
        2**60,
        None,
        [],
        ["x", "x"],
        {},
        [{}],
        {"name": "x"},
        "x",
        handler("pierre", "FR").to_json(),
        [artefact().to_json(), artefact().to_json()],
    ]:
        if member == "size":
            body["artefacts"][0]["size"] = value
        else:
            body[member] = value
        assert_same_reading(encode_json(leaf).decode("utf-8"))


@settings(max_examples=300, deadline=None)
@given(data=st.data(), edits=st.integers(1, 3), action=st.sampled_from(["acquired", "transferred"]))
def test_edited_leaves_read_the_same_both_ways(
    keys: dict[str, KeyPair], data: st.DataObject, edits: int, action: str
) -> None:
    text = _leaf(keys, action=action, notes=("n",), prev=("ev-0",))
    for _ in range(edits):
        at = data.draw(st.integers(0, len(text)))
        char = data.draw(st.sampled_from(' {}[],:"\\/0123456789-+.abcfnrtuAZ\x00\x1f\u00e9'))
        text = text[:at] + char + text[at + data.draw(st.integers(0, 1)) :]
    assert_same_reading(text)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), action=st.sampled_from(["acquired", "transferred"]))
def test_two_broken_values_fail_with_the_same_first_error(
    keys: dict[str, KeyPair], data: st.DataObject, action: str
) -> None:
    """Which error is raised first depends on the order the readers run in: it must be the same both ways."""
    leaf = json.loads(_leaf(keys, action=action, notes=("n",), prev=("ev-0",), tool="t", purpose="p"))
    places = _places(leaf)
    for _ in range(2):
        container, key = data.draw(st.sampled_from(places))
        container[key] = data.draw(st.sampled_from([*_BAD_STRINGS, None]))
    assert_same_reading(canonical.encode(leaf).decode("utf-8"))


_BREAKS: dict[str, Any] = {
    "action": lambda leaf: leaf["body"].update(action="spam"),
    "id": lambda leaf: leaf["body"].update(id="ev 1"),
    "artefact": lambda leaf: leaf["body"]["artefacts"][0]["digests"].update(sha256="ab"),
    "handler": lambda leaf: leaf["body"]["handler"].update(country="ZZ"),
    "counter_party": lambda leaf: leaf["body"]["counter_party"].update(country="ZZ"),
    "occurred_at": lambda leaf: leaf["body"].update(occurred_at="2026-02-30T09:30:00Z"),
    "occurred_tz": lambda leaf: leaf["body"].update(occurred_tz="Mars/Olympus"),
    "recorded_at": lambda leaf: leaf["body"].update(recorded_at="2026-02-30T09:30:00Z"),
    "notes": lambda leaf: leaf["body"].update(notes=[""]),
    "late_reason": lambda leaf: leaf["body"].update(late_reason=" "),
    "categories": lambda leaf: leaf["body"].update(categories=["spam"]),
    "prev": lambda leaf: leaf["body"].update(prev=["ev-0", "ev-0"]),
    "signature key": lambda leaf: leaf["signatures"][0].update(key="sha1:" + "a" * 40),
    "signature": lambda leaf: leaf["signatures"][-1].update(sig="AAAA"),
}


@pytest.mark.parametrize("first", sorted(_BREAKS))
def test_every_pair_of_broken_members_fails_with_the_same_first_error(keys: dict[str, KeyPair], first: str) -> None:
    """Which error comes first depends on the order the readers run in: it must be the same both ways."""
    for second in _BREAKS:
        leaf = json.loads(_leaf(keys, action="transferred", notes=("n",), prev=("ev-0",)))
        _BREAKS[first](leaf)
        _BREAKS[second](leaf)
        assert assert_same_reading(canonical.encode(leaf).decode("utf-8"))


@pytest.mark.parametrize(
    "change",
    [
        {"id": "ev-other"},
        {"id": "ev 1"},
        {"id": "x" * 129},
        {"prev": ["ev-1", "ev-2"]},
        {"prev": ["ev-1", "ev-1"]},
        {"prev": ["ev-1", "a b"]},
        {"prev": []},
        {"occurred_at": "2026-03-03T09:30:00.5Z"},
        {"occurred_at": "2026-02-30T09:30:00Z"},
        {"recorded_at": "2026-03-04T10:00:00.000000Z"},
        {"id": "ev 1", "occurred_at": "2026-02-30T09:30:00Z", "prev": ["a", "a"]},
    ],
)
def test_an_event_read_from_its_shared_members_reads_as_the_general_reading(
    keys: dict[str, KeyPair], change: dict[str, Any]
) -> None:
    """An event whose members but id, times and ``prev`` were read before is built from them (``_from_template``):
    the same event, or the same first error, as reading it whole."""
    from custody.model import leafform

    first = _leaf(keys, action="transferred", notes=("n",), prev=("ev-0",), categories=("traffic", "content"))
    assert assert_same_reading(first)
    match = EVENT_LEAF.fullmatch(first)
    assert match is not None and (leafform._template_key(match.groups()) in leafform._templates) is fastpath.ENABLED
    leaf = json.loads(first)
    leaf["body"].update(change)
    text = canonical.encode(leaf).decode("utf-8")
    assert assert_same_reading(text)
