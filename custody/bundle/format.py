"""The prosecutor bundle: one JSON file that a court abroad verifies offline with only the ledger's public key.

A bundle holds, for the artefacts a request concerns (data minimisation, CETS 224 Art. 14), the ledger entries a
verifier needs, each with its RFC 9162 inclusion proof against one signed checkpoint:

- the ledger header (entry 0: origin, case, ledger key), so the trusted key is bound to the log;
- every event about a selected artefact, and nothing about the others;
- the authorities those events cite (and the authorities they extend);
- the key entries of everyone who signed one of them.

Schema (version 1), written as RFC 8785 canonical JSON with indentation added::

    {"checkpoint": "<C2SP signed note>", "entries": [{"index": N, "leaf": {...}, "proof": ["<base64>", ...]}],
     "format": "scelle-custody-bundle", "linked": [<bundle>, ...], "selection": ["sha256:<hex>", ...], "version": 1}

``linked`` (absent from bundles without it) holds the bundles of the ledgers the artefacts came from across a
border, each verified with that ledger's own key (``custody.bundle.linked``).

and, when the ledger kept RFC 3161 time-stamps of that checkpoint, ``"timestamps": ["<base64 DER TimeStampResp>"]``
(each is signed by its TSA and checked against the checkpoint, ``custody.ledger.rfc3161``).

Every significant byte is covered. A leaf is stored as its JSON object and re-encoded (RFC 8785) to get the leaf
bytes, so any change to it changes the leaf hash, which the proof ties to the root that the checkpoint signs; the
index and proof hashes are inputs of the proof; the checkpoint is a signed note. ``format`` and ``version`` must be
the known values, and ``selection`` is checked against the events. The file itself must be the canonical encoding of
what it parses to, give or take JSON whitespace between tokens, so no other byte (an escape such as ``\\u00E9`` for
``\\u00e9``, a member order, a number spelling) can change without failing.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from custody import fastpath
from custody.errors import CustodyError, RecordError
from custody.model.entries import encode_json
from custody.model.fields import Fields
from custody.tlog.merkle import HASH_SIZE
from custody.tlog.notes import NoteError
from evidence.common import canonical

BUNDLE_FORMAT = "scelle-custody-bundle"
BUNDLE_VERSION = 1
MAX_BUNDLE_BYTES = 256 * 1024 * 1024
_STRING = re.compile(r'("[^"\\]*(?:\\.[^"\\]*)*")')
"""A JSON string token as a tokenizer finds it: ``"(?:[^"\\]|\\.)*"`` unrolled (the same tokens, found faster)."""
_NO_SPACE = str.maketrans("", "", " \t\n\r")
HEX_DIGITS = re.compile(r"^[0-9a-f]+$")
MAX_LINK_DEPTH = 8
"""How many borders a linked history may cross (a bundle links bundles that may link others)."""


class BundleFormatError(CustodyError):
    """A file is not a readable scelle bundle: not JSON, truncated, another format, an unknown version."""

    kind = "error.kind.bundle"


@dataclass(frozen=True, slots=True, kw_only=True)
class BundleEntry:
    """One ledger entry in a bundle: its index in the ledger, its exact leaf bytes and its inclusion proof."""

    index: int
    leaf: bytes
    proof: tuple[bytes, ...]
    form: re.Match[str] | None = field(default=None, init=False, compare=False, repr=False)
    """The match of ``custody.model.leafform.EVENT_LEAF`` over the leaf's text, when the reading found it
    (``with_form``): ``parse_leaf`` reads the event from it instead of matching the leaf again. Not an argument of
    the constructor, so that ``dataclasses.replace`` never carries it to another leaf."""

    @classmethod
    def with_form(cls, index: int, leaf: bytes, proof: tuple[bytes, ...], form: re.Match[str]) -> BundleEntry:
        """An entry whose leaf's text ``form`` matched whole (``custody.bundle.fastread``), set slot by slot."""
        entry = _NEW(cls)
        _SET_INDEX(entry, index)
        _SET_LEAF(entry, leaf)
        _SET_PROOF(entry, proof)
        _SET_FORM(entry, form)
        return entry

    def to_json(self) -> dict[str, Any]:
        """The entry as the bundle stores it: the leaf as a JSON object (readable), the proof hashes in base64."""
        return {
            "index": self.index,
            "leaf": canonical.decode(self.leaf),
            "proof": [base64.b64encode(h).decode("ascii") for h in self.proof],
        }


_NEW = object.__new__
_SET_INDEX, _SET_LEAF, _SET_PROOF, _SET_FORM = (
    getattr(BundleEntry, n).__set__ for n in ("index", "leaf", "proof", "form")
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Bundle:
    """A parsed bundle (nothing verified yet: see ``custody.bundle.verify.verify_bundle``)."""

    checkpoint: str
    selection: tuple[str, ...]
    entries: tuple[BundleEntry, ...]
    timestamps: tuple[bytes, ...] = ()
    """RFC 3161 replies over ``checkpoint`` (``custody.ledger.rfc3161``); the member is absent when there are none."""
    linked: tuple[Bundle, ...] = ()
    """The bundles of the ledgers the artefacts came from across a border (``custody.bundle.linked``)."""

    @property
    def first(self) -> BundleEntry:
        """The first entry (the ledger header in a well-formed bundle)."""
        return self.entries[0]

    @property
    def count(self) -> int:
        """How many entries the bundle holds."""
        return len(self.entries)

    def iter_entries(self) -> Iterator[BundleEntry]:
        """The entries in file order (``BundleSource``)."""
        return iter(self.entries)

    def to_json(self) -> dict[str, Any]:
        """The bundle as a JSON object (``linked`` and ``timestamps`` only when there are some: older bundles are
        unchanged)."""
        linked = {"linked": [b.to_json() for b in self.linked]} if self.linked else {}
        value = {
            "checkpoint": self.checkpoint,
            "entries": [e.to_json() for e in self.entries],
            "format": BUNDLE_FORMAT,
            "selection": list(self.selection),
            "version": BUNDLE_VERSION,
            **linked,
        }
        if self.timestamps:
            value["timestamps"] = [base64.b64encode(t).decode("ascii") for t in self.timestamps]
        return value

    def to_bytes(self) -> bytes:
        """The file: canonical JSON, indented for a human reader (whitespace between tokens only)."""
        value = self.to_json()
        text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False)
        data = (text + "\n").encode("utf-8")
        if strip_whitespace(data) != canonical.encode(value):  # pragma: no cover - guards json.dumps
            raise CustodyError("bundle: the indented form differs from the canonical form")
        return data

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "bundle") -> Bundle:
        """Read a bundle strictly; raise ``BundleFormatError`` naming ``name`` and the problem."""
        try:
            return _read(data)
        except UnicodeDecodeError as exc:
            raise BundleFormatError(f"{name}: not UTF-8 text (byte {exc.start})") from exc
        except (RecordError, canonical.CanonicalError, NoteError, BundleFormatError) as exc:
            raise BundleFormatError(f"{name}: {exc}") from exc


class BundleSource(Protocol):
    """What verification reads of a bundle: a parsed ``Bundle``, or a file read entry by entry
    (``custody.bundle.stream.StreamedBundle``), whose entries are read again each time they are iterated."""

    @property
    def checkpoint(self) -> str: ...  # pragma: no cover - protocol

    @property
    def selection(self) -> tuple[str, ...]: ...  # pragma: no cover - protocol

    @property
    def timestamps(self) -> tuple[bytes, ...]: ...  # pragma: no cover - protocol

    @property
    def linked(self) -> tuple[Bundle, ...]: ...  # pragma: no cover - protocol

    @property
    def first(self) -> BundleEntry: ...  # pragma: no cover - protocol

    @property
    def count(self) -> int: ...  # pragma: no cover - protocol

    def iter_entries(self) -> Iterator[BundleEntry]: ...  # pragma: no cover - protocol


def unreadable(path: str | Path, exc: OSError) -> CustodyError:
    """The error for a bundle file that cannot be read (opened, or read to its end)."""
    from custody.i18n.said import SaidError
    from evidence.common.reasons import os_reason

    return SaidError("bundle.unreadable", path=path, reason=os_reason(exc))


def check_size(size: int) -> None:
    """Refuse a file larger than any bundle scelle writes (``MAX_BUNDLE_BYTES``)."""
    if size > MAX_BUNDLE_BYTES:
        raise BundleFormatError(f"larger than {MAX_BUNDLE_BYTES} bytes, not a bundle")


def strip_whitespace(data: bytes | str) -> bytes:
    """The bytes of a JSON text without the whitespace between tokens (RFC 8259 §2); strings are kept whole."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    # Split around the string tokens (odd places), found left to right as a tokenizer finds them, and drop the
    # whitespace between them: the same as substituting each string token for itself and each whitespace run for
    # nothing, with no Python call per token.
    parts = _STRING.split(text)
    parts[::2] = [part.translate(_NO_SPACE) for part in parts[::2]]
    return "".join(parts).encode("utf-8")


def _read(data: bytes) -> Bundle:
    check_size(len(data))
    if not data.strip():
        raise BundleFormatError("empty file, not a bundle")
    text = data.decode("utf-8")
    try:
        obj = canonical.decode(text)
    except canonical.CanonicalError as exc:
        raise BundleFormatError(f"not a complete JSON document (truncated or not JSON): {exc}") from exc
    _format(obj)
    if not is_canonical_text(text, obj):
        raise BundleFormatError("not in canonical form (RFC 8785): bytes other than whitespace were changed")
    return from_json(obj)


def is_canonical_text(text: str, obj: object) -> bool:
    """Whether ``text`` is the RFC 8785 encoding of ``obj`` (``custody.model.entries.encode_json``) give or take
    whitespace between tokens: compact text (a final newline aside) is compared at once, indented text token-wise."""
    compact = encode_json(obj)
    return text.rstrip("\n").encode("utf-8") == compact or strip_whitespace(text) == compact


def _format(obj: object) -> None:
    if not isinstance(obj, dict) or obj.get("format") != BUNDLE_FORMAT:
        raise BundleFormatError(f'not a scelle custody bundle (no "format": "{BUNDLE_FORMAT}")')
    version = obj.get("version")
    if version != BUNDLE_VERSION or isinstance(version, bool):
        raise BundleFormatError(f"unknown bundle version {version!r}; this scelle reads version {BUNDLE_VERSION}")


def from_json(obj: object, depth: int = 0, cut: Mapping[int, BundleEntry] | None = None) -> Bundle:
    """A bundle from its parsed JSON (already checked canonical by the caller), with its linked bundles.

    ``cut``: the entries that ``custody.bundle.fastread`` read out of the text itself (each left as ``{}``), by
    position in ``entries``."""
    head, raw_entries = read_head(obj, depth)
    if not isinstance(raw_entries, list) or not raw_entries:
        raise BundleFormatError("bundle.entries: expected a non-empty list")
    read = cut or {}
    entries = tuple(_entry(item, i) if i not in read else _cut(item, read[i], i) for i, item in enumerate(raw_entries))
    indexes = [e.index for e in entries]
    if indexes != sorted(set(indexes)):
        raise BundleFormatError("bundle.entries: indexes must be strictly increasing")
    return Bundle(
        checkpoint=head.checkpoint,
        selection=head.selection,
        entries=entries,
        timestamps=head.timestamps,
        linked=head.linked,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class BundleHead:
    """Every member of a bundle but its entries, read strictly (with the linked bundles, whole)."""

    checkpoint: str
    selection: tuple[str, ...]
    timestamps: tuple[bytes, ...]
    linked: tuple[Bundle, ...]


def read_head(obj: object, depth: int = 0) -> tuple[BundleHead, object]:
    """The members of a bundle's JSON other than ``entries``, checked, and ``entries`` as parsed (unchecked)."""
    _format(obj)
    f = Fields(obj, "bundle" if depth == 0 else f"bundle.linked (level {depth})")
    f.text("format")
    f.opt_int("version")
    checkpoint = f.text("checkpoint", max_len=64 * 1024)
    selection = _selection(f.raw("selection"))
    raw_entries = f.raw("entries")
    timestamps = _timestamps(f.raw("timestamps"))
    raw_linked = f.raw("linked")
    f.finish()
    linked: tuple[Bundle, ...] = ()
    if raw_linked is not None:
        if not isinstance(raw_linked, list) or not raw_linked or depth >= MAX_LINK_DEPTH:
            raise BundleFormatError(f"bundle.linked: expected a non-empty list, at most {MAX_LINK_DEPTH} levels deep")
        linked = tuple(from_json(item, depth + 1) for item in raw_linked)
    head = BundleHead(checkpoint=checkpoint, selection=selection, timestamps=timestamps, linked=linked)
    return head, raw_entries


def _timestamps(value: object) -> tuple[bytes, ...]:
    """The optional ``timestamps`` member: a non-empty list of RFC 3161 replies (DER) in canonical base64."""
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        raise BundleFormatError("bundle.timestamps: expected a non-empty list of base64 RFC 3161 replies")
    replies = []
    for item in value:
        try:
            raw = base64.b64decode(item, validate=True) if isinstance(item, str) else b""
        except (binascii.Error, ValueError):
            raw = b""
        if not raw or base64.b64encode(raw).decode("ascii") != item:
            raise BundleFormatError("bundle.timestamps: each reply is DER in canonical base64")
        replies.append(raw)
    return tuple(replies)


def _selection(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise BundleFormatError("bundle.selection: expected a non-empty list of sha256:<hex> artefact digests")
    for item in value:
        if not isinstance(item, str) or not _is_sha256_key(item):
            raise BundleFormatError(f"bundle.selection: {item!r} is not a sha256:<hex> digest")
    if value != sorted(set(value)):
        raise BundleFormatError("bundle.selection: digests must be sorted and listed once")
    return tuple(value)


def _is_sha256_key(text: str) -> bool:
    algorithm, _, hexdigits = text.partition(":")
    return algorithm == "sha256" and len(hexdigits) == 64 and bool(HEX_DIGITS.match(hexdigits))


def _entry(item: object, position: int) -> BundleEntry:
    f = Fields(item, f"bundle.entries[{position}]")
    index = f.opt_int("index")
    leaf = f.raw("leaf")
    proof = f.raw("proof")
    f.finish()
    if index is None or not isinstance(leaf, dict) or not isinstance(proof, list):
        raise BundleFormatError(f"bundle.entries[{position}]: expected index, leaf object and proof list")
    return BundleEntry(index=index, leaf=encode_json(leaf), proof=proof_hashes(proof, position))


def _cut(item: object, entry: BundleEntry, position: int) -> BundleEntry:
    if item != {}:  # pragma: no cover - see fastread
        raise BundleFormatError(f"bundle.entries[{position}]: an entry was cut out of the text but is still there")
    return entry


def entry_from_json(item: object, position: int) -> BundleEntry:
    """One ``{"index", "leaf", "proof"}`` object (of a bundle, an offer or a receipt), read strictly."""
    return _entry(item, position)


def proof_hashes(values: list[Any], position: int) -> tuple[bytes, ...]:
    """The hashes of an entry's proof: each a JSON string of 32 bytes in canonical base64."""
    if fastpath.ENABLED:  # all already read: one lookup each, the same bytes as reading them again
        try:
            known = tuple(map(_decoded.get, values))
        except TypeError:  # an unhashable value: refused below
            known = (None,)
        if None not in known:
            return known  # type: ignore[return-value]
    return tuple(_hash(h, position) for h in values)


_decoded: dict[str, bytes] = {}
"""Proof hashes already read (``custody.fastpath``): the upper nodes of a tree are in thousands of proofs."""


def _hash(value: object, position: int) -> bytes:
    if type(value) is str and fastpath.ENABLED:
        known = _decoded.get(value)
        if known is not None:
            return known
    if type(value) is str and len(value) == _HASH_B64_LEN:
        # base64.b64decode(validate=True) and b64encode are these binascii calls; a bundle holds thousands of hashes
        try:
            raw = binascii.a2b_base64(value, strict_mode=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) == HASH_SIZE and binascii.b2a_base64(raw, newline=False).decode("ascii") == value:
            if fastpath.ENABLED:
                if len(_decoded) >= _MAX_DECODED:
                    _decoded.clear()
                _decoded[value] = raw
            return raw
    where = f"bundle.entries[{position}].proof"
    if not isinstance(value, str):
        raise BundleFormatError(f"{where}: expected base64 hashes")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BundleFormatError(f"{where}: not valid base64") from exc
    if len(raw) != HASH_SIZE or base64.b64encode(raw).decode("ascii") != value:
        raise BundleFormatError(f"{where}: a hash is {HASH_SIZE} bytes in canonical base64")
    return raw


_HASH_B64_LEN = 44
_MAX_DECODED = 1 << 16
