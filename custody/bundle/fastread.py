"""Fast path (``custody.fastpath``) for reading an offer file: its event leaves are taken as they are written.

An offer carries a whole history, mostly event leaves. The plain reading decodes the file as JSON, encodes it again
to check that it is canonical, then encodes each leaf once more to get its bytes. ``split_offer`` walks the
compact text of the bundle's ``entries`` instead and, where ``custody.model.leafform.EVENT_LEAF`` matches a leaf,
cuts the leaf's bytes out of the text and puts ``{}`` in its place, and the base64 hashes of that entry's proof
(``[]`` in their place): the plain reading then runs on that skeleton, a fraction of the text.

Why that gives the plain reading's answer. The walk consumes the text token by token as a JSON parser must
(literal punctuation and member names, a JSON string, a canonical integer, a value, a list of strings), so each
leaf it cuts is the value of the member ``leaf`` of an entry. ``EVENT_LEAF`` matches only the canonical encoding of
a JSON object (``custody.model.leafform``), and an object's text ends where its first brace closes, so the match is
that whole value. Canonical encoding is compositional (a container's encoding is its members' encodings joined by
fixed punctuation), so the file is valid canonical JSON exactly when the skeleton is and each cut leaf is; and the
skeleton parses to the file's value with those leaves replaced by ``{}``, which ``leaves`` gives back as bytes (the
canonical encoding of each, the bytes the plain reading computes), and those proofs by ``[]``, which ``proofs`` gives
back as the strings they hold (a JSON string of base64 characters is its own canonical encoding, and ``_PROOF``
matches only such strings, comma-separated). When the walk meets anything else, or the
skeleton is not read, the caller reads the original text the plain way (so a bad file is refused with the plain
reading's message). The tests compare both readings on mutated offers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from custody.model.leafform import EVENT_LEAF

_HEAD = '{"bundle":{"checkpoint":'
_STRING = json.JSONDecoder()
_INDEX = re.compile(r'\{"index":(?:0|[1-9][0-9]*),"leaf":')
_PROOF = re.compile(r',"proof":\[((?:"[A-Za-z0-9+/=]*"(?:,"[A-Za-z0-9+/=]*")*)?)\]\}')


@dataclass(frozen=True, slots=True)
class SplitOffer:
    """An offer's text with its event leaves and their entries' proofs cut out: the skeleton to read, the leaves'
    bytes and the proofs' base64 strings by entry position."""

    skeleton: bytes
    leaves: dict[int, bytes]
    proofs: dict[int, list[str]]


def split_offer(text: str) -> SplitOffer | None:
    """The skeleton and event leaves of a compact offer text, or ``None`` when the walk meets anything unexpected."""
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
    leaves: dict[int, bytes] = {}
    proofs: dict[int, list[str]] = {}
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
        if leaf is not None:  # '{}' for the leaf, '[]' for its proof; base64 strings hold no character to escape
            parts.append(text[done:start])
            parts.append('{},"proof":[]}')
            leaves[position] = text[start:end].encode("utf-8")
            hashes = proof.group(1)
            proofs[position] = hashes[1:-1].split('","') if hashes else []
            done = proof.end()
        pos, position = proof.end(), position + 1
        if text.startswith("]", pos):
            break
        if not text.startswith(",", pos):
            return None
        pos += 1
    parts.append(text[done:])
    return SplitOffer(skeleton="".join(parts).encode("utf-8"), leaves=leaves, proofs=proofs)
