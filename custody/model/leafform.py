"""The canonical leaf of a custody event as scelle writes it, recognised and read by one regular expression.

A ledger is mostly event leaves, and verification reads every one: parsing the JSON, then encoding it again to check
that the leaf is its own RFC 8785 encoding, was most of the work. ``EVENT_LEAF`` matches only canonical text
(members in sorted order, strings without any character the encoder escapes, integers without sign or leading
zero), so a leaf it matches is valid JSON, canonical, and its strings are read as they are written. ``read_event``
builds the entry's body and signatures from the match with the same readers, constructors and order as
``Event.from_json`` and ``Signature.from_json`` use on the parsed JSON; ``custody.model.entries.parse_leaf`` reads every
other leaf the general way. The tests compare both ways on generated leaves.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from typing import Any

from custody.model.fields import MEMO_SIZE, is_ident, memoised
from custody.model.records import Artefact, Event, Signature, counter_party_handler, event_handler
from custody.model.times import parse_utc


def _event_leaf_form() -> re.Pattern[str]:
    """The regular expression; its groups are the body's members in sorted order, then the signatures."""

    def members(*pairs: tuple[str, str], absent: tuple[str, ...] = ()) -> str:
        """An object of these members in this order; a member named in ``absent`` may be left out (never null)."""
        names = [name for name, _ in pairs]
        if names != sorted(set(names)) or not set(absent) <= set(names[1:]):
            raise ValueError(f"members out of canonical order: {names}")  # a mistake here, not in a leaf
        form = f'"{names[0]}":{pairs[0][1]}'
        for name, value in pairs[1:]:
            form += f'(?:,"{name}":{value})?' if name in absent else f',"{name}":{value}'
        return r"\{" + form + r"\}"

    def some(item: str) -> str:
        return rf"{item}(?:,{item})*"

    chars = r'[^"\\\x00-\x1f]*'
    text, hexes = f'"{chars}"', r'"[0-9a-f]*"'
    optional = f"(?:null|{text})"
    digests = r"\{" + "".join(f'(?:"{name}":{hexes},)?' for name in ("blake3", "md5", "sha1"))
    digests += f'"sha256":{hexes}(?:,"sha512":{hexes})?' + r"\}"
    handler = members(
        ("country", text), ("key_fingerprint", text), ("name", text), ("organisation", text), ("role", text)
    )
    artefact = members(
        ("acquisition_record", optional), ("digests", digests), ("name", optional), ("size", "(?:null|0|[1-9][0-9]*)")
    )
    one, maybe = f'"({chars})"', f'(?:null|"({chars})")'  # a string's characters; the same or null (no group)
    texts = rf"\[((?:{some(text)})?)\]"  # the strings of a list, quoted, between its brackets
    body = members(
        ("action", one),
        ("artefacts", rf"(\[{some(artefact)}\])"),
        ("authorities", texts),
        ("case", one),
        ("categories", texts),
        ("counter_party", f"(?:null|({handler}))"),
        ("derived_from", texts),
        ("handler", f"({handler})"),
        ("id", one),
        ("late_reason", one),
        ("location", maybe),
        ("notes", texts),
        ("occurred_at", one),
        ("occurred_tz", one),
        ("prev", texts),
        ("purpose", maybe),
        ("recorded_at", one),
        ("seal", maybe),
        ("tool", maybe),
        absent=("derived_from", "late_reason"),
    )
    signatures = rf"\[({some(members(('key', text), ('sig', text)))})\]"
    return re.compile(members(("body", body), ("kind", '"event"'), ("signatures", signatures)))


EVENT_LEAF = _event_leaf_form()


_texts: dict[tuple[Callable[[Any], Any], str], Any] = {}


def _parsed(text: str, parse: Callable[[Any], Any]) -> Any:
    """``parse`` of the JSON ``text`` of a handler or of an artefact list: what the generic path gets from the same
    value (``fields.memoised`` parses each distinct handler and artefact once). ``parse`` is a pure function of
    the value, and equal texts are equal values, so each distinct text is parsed once (only successes are kept: a
    refused text is refused every time); this module is itself a fast path (``custody.fastpath``)."""
    key = (parse, text)
    found = _texts.get(key)
    if found is None:
        found = parse(json.loads(text))
        if len(_texts) >= MEMO_SIZE:
            _texts.clear()
        _texts[key] = found
    return found


def _strings(quoted: str) -> tuple[str, ...]:
    """The strings of a list matched by the event form: ``"a","b"`` (no string holds a quote) or nothing."""
    return tuple(quoted[1:-1].split('","')) if quoted else ()


def _artefacts(items: Any) -> tuple[Artefact, ...]:
    return tuple(memoised("artefact", item, Artefact.from_json) for item in items)


def _handler(obj: Any) -> Any:
    return memoised("handler", obj, event_handler)


def _counter_party(obj: Any) -> Any:
    return memoised("handler", obj, counter_party_handler)


_FIELDS = tuple(f.name for f in dataclasses.fields(Event))
if _FIELDS != (
    *("id", "case", "action", "artefacts", "handler", "occurred_at", "occurred_tz", "recorded_at", "counter_party"),
    *("location", "purpose", "seal", "tool", "categories", "authorities", "prev", "notes", "late_reason"),
    *("recipient", "handover", "signed_at", "derived_from"),
):  # pragma: no cover - a field added to Event must be added to read_event
    raise ImportError("custody.model.leafform: Event's fields changed; update read_event")
_SETTERS = tuple(getattr(Event, name).__set__ for name in _FIELDS)
"""The slot descriptors' setters of Event's fields, in field order."""


def _new_event(values: tuple[Any, ...]) -> Event:
    """``Event(**dict(zip(_FIELDS, values)))``: what the ``__init__`` that ``dataclass`` writes does, each field set
    through its slot in field order and then ``__post_init__`` (every check), without binding 22 keyword arguments
    (about a quarter of the cost of reading an event leaf). The tests compare it with ``Event.from_json``."""
    event = _set_event(values)
    event.__post_init__()
    return event


def _set_event(values: tuple[Any, ...]) -> Event:
    event = _NEW(Event)
    for setter, value in zip(_SETTERS, values, strict=True):
        setter(event, value)
    return event


_NEW = object.__new__


_Template = tuple[Any, ...]
_templates: dict[tuple[str | None, ...], _Template] = {}
"""The events' shared members, read and checked (``read_event``), by their text."""


def _from_template(groups: tuple[Any, ...], template: _Template) -> Event | None:
    """The event of ``groups`` whose members other than id, times and ``prev`` are those of an event already built
    (``template``: their values read, categories in order), when its own members pass ``Event._check``'s tests of
    them (an identifier each in ``id`` and ``prev``, none twice); else ``None`` (then the event is built and checked
    whole, and refused with its reason).

    The same event as ``_new_event`` builds, with the same checks: every test of ``Event._check`` but those of the id
    and ``prev`` reads only the members the template was built from, with the same values, and passed then; and
    ``__post_init__`` sets the categories in their order, as the template holds them."""
    event_id, prev = groups[8], _strings(groups[14])
    if not (is_ident(event_id) and all(map(is_ident, prev)) and len(set(prev)) == len(prev)):
        return None
    occurred = parse_utc(groups[12], field="event.occurred_at")
    recorded = parse_utc(groups[16], field="event.recorded_at")
    artefacts, handler, counter, categories, authorities, notes, derived_from = template
    return _set_event(
        (
            event_id,
            groups[3],
            groups[0],
            artefacts,
            handler,
            occurred,
            groups[13],
            recorded,
            counter,
            groups[10],
            groups[15],
            groups[17],
            groups[18],
            categories,
            authorities,
            prev,
            notes,
            groups[9],
            None,
            None,
            None,
            derived_from,
        )
    )


def _template_key(groups: tuple[Any, ...]) -> tuple[str | None, ...]:
    """The members an event shares with others (all but id, times, ``prev`` and signatures), as text."""
    return groups[:8] + groups[9:12] + (groups[13], groups[15], groups[17], groups[18])


def read_event(match: re.Match[str]) -> tuple[Event, tuple[Signature, ...]]:
    """The body and signatures of a leaf that ``EVENT_LEAF`` matched, or the error the general reading raises: the
    same values reach the same readers and constructors, in the same order (an event whose shared members were
    read before is built from them, ``_from_template``)."""
    groups = match.groups()
    key = _template_key(groups)
    template = _templates.get(key)
    body = None if template is None else _from_template(groups, template)
    if body is None:
        body = _read_body(groups)
        if len(_templates) >= MEMO_SIZE:
            _templates.clear()
        shared = (body.artefacts, body.handler, body.counter_party, body.categories, body.authorities, body.notes)
        _templates[key] = (*shared, body.derived_from)
    # '{"key":"K","sig":"S"},{"key":...': no string holds a quote, so these separators are only between strings.
    pairs = [part.split('","sig":"') for part in groups[19][8:-2].split('"},{"key":"')]
    return body, tuple(Signature.known(key, sig) or Signature.from_json({"key": key, "sig": sig}) for key, sig in pairs)


def _read_body(groups: tuple[Any, ...]) -> Event:
    """The event of a match's groups, read and checked whole."""
    (
        action,
        artefacts,
        authorities,
        case,
        categories,
        counter,
        derived_from,
        handler,
        event_id,
        late_reason,
        location,
        notes,
        occurred_at,
        occurred_tz,
        prev,
        purpose,
        recorded_at,
        seal,
        tool,
        _signatures,
    ) = groups
    # The values in the order Event.from_json reads them (so the same error comes first), then the event built.
    read_artefacts = _parsed(artefacts, _artefacts)
    read_handler = _parsed(handler, _handler)
    read_counter = None if counter is None else _parsed(counter, _counter_party)
    occurred = parse_utc(occurred_at, field="event.occurred_at")
    recorded = parse_utc(recorded_at, field="event.recorded_at")
    return _new_event(
        (
            event_id,
            case,
            action,
            read_artefacts,
            read_handler,
            occurred,
            occurred_tz,
            recorded,
            read_counter,
            location,
            purpose,
            seal,
            tool,
            _strings(categories),
            _strings(authorities),
            _strings(prev),
            _strings(notes),
            late_reason,
            None,  # recipient, handover, signed_at: members the event form does not have
            None,
            None,
            _strings(derived_from),
        )
    )
