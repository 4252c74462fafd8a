"""Fast path (``custody.fastpath``) for reading an offer file: its event leaves are taken as they are written.

An offer carries a whole history, mostly event leaves. The plain reading decodes the file as JSON, encodes it again
to check that it is canonical, then encodes each leaf once more to get its bytes. ``split_offer`` walks the
compact text of the bundle's ``entries`` instead and, where ``custody.model.leafform.EVENT_LEAF`` matches a leaf,
reads that entry from the text itself (its index, the leaf's bytes, the proof's hashes) and puts ``{}`` in its
place: the plain reading then runs on that skeleton, a fraction of the text. The entry keeps the leaf's match, so
that verification reads the event from it (``custody.model.entries.parse_leaf``) without matching it again.

Why that gives the plain reading's answer. The walk consumes the text token by token as a JSON parser must
(literal punctuation and member names, a JSON string, a canonical integer, a value, a list of strings), so each
leaf it cuts is the value of the member ``leaf`` of an entry. ``EVENT_LEAF`` matches only the canonical encoding of
a JSON object (``custody.model.leafform``), and an object's text ends where its first brace closes, so the match is
that whole value (and its groups are those of matching the leaf's text alone). Canonical encoding is compositional
(a container's encoding is its members' encodings joined by fixed punctuation), so the file is valid canonical JSON
exactly when the skeleton is and each cut entry is. A cut entry is ``{"index":N,"leaf":LEAF,"proof":[...]}``
exactly: a canonical integer (what ``Fields.opt_int`` accepts), an object whose canonical encoding is the leaf's
bytes (what the plain reading computes), and a list of JSON strings of base64 characters (each its own canonical
encoding, read by the plain reading's ``proof_hashes``); the skeleton parses to the file's value with those entries
replaced by ``{}``, which ``custody.bundle.format.from_json`` replaces with the entries read. When the walk meets
anything else, or the skeleton is not read, the caller reads the original text the plain way (so a bad file is
refused with the plain reading's message). The tests compare both readings on mutated offers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from custody.bundle.format import BundleEntry, BundleFormatError, proof_hashes
from custody.model.leafform import EVENT_LEAF

_HEAD = '{"bundle":{"checkpoint":'
_STRING = json.JSONDecoder()
_INDEX = re.compile(r'\{"index":(0|[1-9][0-9]{0,17}),"leaf":')
"""An entry's start and its index (a longer number, beyond any ledger, is left to the plain reading)."""
_PROOF = re.compile(r',"proof":\[((?:"[A-Za-z0-9+/=]*"(?:,"[A-Za-z0-9+/=]*")*)?)\]\}')


@dataclass(frozen=True, slots=True)
class SplitOffer:
    """An offer's text with the entries of its event leaves cut out: the skeleton to read, and those entries read
    (the leaf's bytes and the match of its form, the proof's hashes) by position in ``entries``."""

    skeleton: bytes
    entries: dict[int, BundleEntry]


def split_offer(text: str) -> SplitOffer | None:
    """The skeleton and event entries of a compact offer text, or ``None`` when the walk meets anything unexpected
    (a proof hash that is not 32 bytes in canonical base64 included: the plain reading says what is wrong)."""
    if not text.startswith(_HEAD):
        return None
    try:
        checkpoint, pos = _STRING.raw_decode(text, len(_HEAD))
    except ValueError:
        return None
    if type(checkpoint) is not str or not text.startswith(',"entries":[', pos):
        return None
    pos += len(',"entries":[')
    parts: list[str] = [text[:pos]]
    entries: dict[int, BundleEntry] = {}
    done, position = pos, 0
    index_form, proof_form, leaf_form = _INDEX.match, _PROOF.match, EVENT_LEAF.match
    while True:
        head = index_form(text, pos)
        if head is None:
            return None
        start = head.end()
        leaf = leaf_form(text, start)
        if leaf is not None:
            end = leaf.end()
        else:  # another kind of leaf: left in the skeleton, read the plain way
            try:
                _, end = _STRING.raw_decode(text, start)
            except (ValueError, RecursionError):
                return None
        proof = proof_form(text, end)
        if proof is None:
            return None
        if leaf is not None:  # '{}' for the entry; base64 strings hold no character to escape
            hashes = proof.group(1)
            try:
                read = proof_hashes(hashes[1:-1].split('","') if hashes else [], position)
            except BundleFormatError:
                return None
            parts.append(text[done:pos])
            parts.append("{}")
            entries[position] = BundleEntry.with_form(int(head.group(1)), text[start:end].encode("utf-8"), read, leaf)
            done = proof.end()
        pos, position = proof.end(), position + 1
        if text.startswith("]", pos):
            break
        if not text.startswith(",", pos):
            return None
        pos += 1
    parts.append(text[done:])
    return SplitOffer(skeleton="".join(parts).encode("utf-8"), entries=entries)
