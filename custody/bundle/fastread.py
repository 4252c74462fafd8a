"""Fast path (``custody.fastpath``) for reading an offer file: its event leaves are taken as they are written.

An offer carries a whole history, mostly event leaves. The plain reading decodes the file as JSON, encodes it again
to check that it is canonical, then encodes each leaf once more to get its bytes. ``split_offer`` walks the
compact bytes of the bundle's ``entries`` instead and, where ``custody.model.leafform.EVENT_LEAF`` matches a leaf,
reads that entry from the bytes themselves (its index, the leaf's bytes, the proof's hashes) and puts ``{}`` in its
place: the plain reading then runs on that skeleton, a fraction of the file. The entry keeps the leaf's match, so
that verification reads the event from it (``custody.model.entries.parse_leaf``) without matching it again.

The walk reads bytes, never the whole file as text: an offer's checkpoint holds a non-ASCII character (the em dash
of its signature lines), so the file's text would take two bytes a character (32 MB for a 16 MB offer), and every
regular expression, slice and re-encoding over it cost about twice as much as over the one leaf decoded alone.

Why that gives the plain reading's answer. The walk consumes the text token by token as a JSON parser must (literal
punctuation and member names, a JSON string, a canonical integer, a value, a list of strings), so each leaf it cuts is
the value of the member ``leaf`` of an entry. A value's extent is fixed by its first characters (a parser reading on
from its start stops at the same character whatever follows), so a stretch of bytes from the value's start up to a
``,"proof":[`` that reads whole as one JSON value is that value: the walk tries the stretches up to each such mark in
turn (a few: more is left to the plain reading). ``EVENT_LEAF`` matches only the canonical encoding of a JSON object
(``custody.model.leafform``) and no string it matches holds a quote, so an event leaf holds no such mark and its stretch
is the first one; the match is that whole value. The bytes of a leaf are UTF-8 text (``,"proof":[`` is ASCII, never
inside a multi-byte character), else the plain reading refuses the file. Canonical encoding is compositional (a
container's encoding is its members' encodings joined by fixed punctuation), so the file is valid canonical JSON exactly
when the skeleton is and each cut entry is. A cut entry is ``{"index":N,"leaf":LEAF,"proof":[...]}`` exactly: a
canonical integer (what ``Fields.opt_int`` accepts), an object whose canonical encoding is the leaf's bytes (what the
plain reading computes), and a list of JSON strings of base64 characters (each its own canonical encoding, read by the
plain reading's ``proof_hashes``); the skeleton parses to the file's value with those entries replaced by ``{}``, which
``custody.bundle.format.from_json`` replaces with the entries read. When the walk meets anything else, or the skeleton
is not read, the caller reads the original text the plain way (so a bad file is refused with the plain reading's
message). The tests compare both readings on mutated offers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from custody.bundle.format import BundleEntry, BundleFormatError, proof_hashes
from custody.model.leafform import EVENT_LEAF

_HEAD = b'{"bundle":{"checkpoint":'
_ENTRIES = b',"entries":['
_DECODER = json.JSONDecoder()
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
"""A JSON string token's bytes (checked by reading it as JSON: an unfinished escape or a bad character fails)."""
_INDEX = re.compile(rb'\{"index":(0|[1-9][0-9]{0,17}),"leaf":')
"""An entry's start and its index (a longer number, beyond any ledger, is left to the plain reading)."""
_MARK = b',"proof":['
_ITEM = 47
"""A proof hash in the list: a quote, 44 base64 characters, a quote and a comma (none after the last)."""
_TRIES = 8
"""How many ``,"proof":[`` marks the walk tries as the end of a leaf other than an event's (an object inside such a
leaf may have a member ``proof``; no JSON string holds the mark, its quote would be escaped); past them, the plain
reading reads the file."""


@dataclass(frozen=True, slots=True)
class SplitOffer:
    """An offer's bytes with the entries of its event leaves cut out: the skeleton to read, and those entries read
    (the leaf's bytes and the match of its form, the proof's hashes) by position in ``entries``."""

    skeleton: bytes
    entries: dict[int, BundleEntry]


def _value_end(data: bytes, start: int) -> int:
    """Where the JSON value at ``start``, followed by ``,"proof":[``, ends (see the module), or -1."""
    mark = data.find(_MARK, start)
    for _ in range(_TRIES):
        if mark < 0:
            return -1
        try:
            text = data[start:mark].decode("utf-8")
            _, end = _DECODER.raw_decode(text)
        except (ValueError, RecursionError):
            end = -1
        if end == len(text):
            return mark
        mark = data.find(_MARK, mark + 1)
    return -1


def _proof_end(data: bytes, end: int) -> int:
    """Where the ``]}`` closing an entry's proof is, when ``end`` starts ``,"proof":[``, then ``]}`` or a list of
    JSON strings of 44 characters, ``"h1","h2",...``; else -1 (a hash of another length, or holding a ``]``, is
    refused by the plain reading: 32 bytes in canonical base64 are 44 base64 characters). The strings' characters
    are checked by ``proof_hashes``; the quotes and commas stand where that form puts them."""
    start = end + len(_MARK)
    close = data.find(b"]", start)  # the list holds no ']' (else, whatever follows, the plain reading refuses it)
    if close < 0 or not data.startswith(b"}", close + 1) or not data.startswith(_MARK, end):
        return -1
    body = data[start:close]
    if not body:
        return close
    count = (len(body) + 1) // _ITEM
    if len(body) != count * _ITEM - 1 or body[::_ITEM] != b'"' * count or body[_ITEM - 2 :: _ITEM] != b'"' * count:
        return -1
    return close if body[_ITEM - 1 :: _ITEM] == b"," * (count - 1) else -1


def _hashes(text: str, last: tuple[str, tuple[bytes, ...]], position: int) -> tuple[bytes, ...]:
    """``proof_hashes`` of a proof's strings, ``text`` being ``h1","h2",...","hn`` (laid out as ``_proof_end``
    checked): the strings it ends with alike the proof read before it (``last``: its text and hashes) are that one's
    hashes. Neighbouring leaves' paths meet, so their proofs end alike; each string reads to one value."""
    if not text:
        return ()
    before, read = last
    if len(before) == len(text):
        for shared in range(1, len(read)):
            at = shared * _ITEM
            if text[at:] == before[at:]:
                return proof_hashes(text[: at - 3].split('","'), position) + read[shared:]
    return proof_hashes(text.split('","'), position)


def split_offer(data: bytes) -> SplitOffer | None:
    """The skeleton and event entries of a compact offer file, or ``None`` when the walk meets anything unexpected
    (a proof hash that is not 32 bytes in canonical base64 included: the plain reading says what is wrong)."""
    if not data.startswith(_HEAD):
        return None
    token = _JSON_STRING.match(data, len(_HEAD))
    if token is None or not data.startswith(_ENTRIES, token.end()):
        return None
    try:
        checkpoint = json.loads(token.group())
    except (ValueError, RecursionError):
        return None
    if type(checkpoint) is not str:  # pragma: no cover - a JSON string token reads as a string
        return None
    pos = token.end() + len(_ENTRIES)
    parts: list[bytes] = [data[:pos]]
    entries: dict[int, BundleEntry] = {}
    done, position = pos, 0
    last: tuple[str, tuple[bytes, ...]] = ("", ())
    index_form, leaf_form, find = _INDEX.match, EVENT_LEAF.fullmatch, data.find
    while True:
        head = index_form(data, pos)
        if head is None:
            return None
        start = head.end()
        end = find(_MARK, start)
        leaf = None if end < 0 else data[start:end]
        try:
            form = None if leaf is None else leaf_form(leaf.decode("utf-8"))
        except UnicodeDecodeError:
            return None
        if form is None:  # another kind of leaf: left in the skeleton, read the plain way
            end = _value_end(data, start)
            if end < 0:
                return None
        close = _proof_end(data, end)
        if close < 0:
            return None
        if form is not None and leaf is not None:  # '{}' for the entry; base64 strings hold no character to escape
            hashes = data[end + len(_MARK) + 1 : close - 1].decode("ascii")
            try:
                read = _hashes(hashes, last, position)
            except BundleFormatError:
                return None
            last = (hashes, read)
            parts.append(data[done:pos])
            parts.append(b"{}")
            entries[position] = BundleEntry.with_form(int(head.group(1)), leaf, read, form)
            done = close + 2
        pos, position = close + 2, position + 1
        if data.startswith(b"]", pos):
            break
        if not data.startswith(b",", pos):
            return None
        pos += 1
    parts.append(data[done:])
    return SplitOffer(skeleton=b"".join(parts), entries=entries)
