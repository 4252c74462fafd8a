"""Reading a bundle file entry by entry, in memory bounded by a window of the file plus its largest entry.

The plain reading (``Bundle.from_bytes``) parses the whole document and encodes it again to check that it is
canonical: many times the file's size in memory, for a file that a prosecutor's office verifies offline and that a
large case makes large (issue 18). ``read_bundle`` walks the text value by value instead: the members of the
bundle, and each entry of ``entries`` on its own, keeping none of the entries.

Why it gives the plain reading's answer. Canonical encoding is compositional (an object's encoding is its members'
names and encodings joined by fixed punctuation, in canonical order), so the document is the RFC 8785 encoding of
what it parses to, give or take whitespace between tokens, exactly when its members come in canonical order with
names spelled canonically and each member's value (each entry, in ``entries``) is, give or take whitespace, the
canonical encoding of what it parses to. The walk checks exactly that, parses each value with the plain reading's
decoder (``evidence.common.canonical.decode_prefix``) and reads the members and entries with the plain reading's
functions (``custody.bundle.format.read_head``, ``entry_from_json``). When it meets anything else (not JSON, not
canonical, a member it does not know, a bad entry), the file is read the plain way, so a file that is not a bundle
is refused with the plain reading's message (and in the plain reading's memory).

The linked bundles (``custody.bundle.linked``) are read whole, as one member: they are the histories of other
ledgers, kept inside this one, and are checked the plain way.

Several passes. ``entries`` comes before ``selection`` in canonical order, and a key entry may come after a signature
that uses it, so verification walks the entries more than once (``StreamedBundle.iter_entries``). Each walk checks
the whole file again and hashes it: a file that changed since the first walk is refused, never half-checked.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any, BinaryIO

from custody.bundle.format import (
    Bundle,
    BundleEntry,
    BundleFormatError,
    BundleHead,
    BundleSource,
    check_size,
    entry_from_json,
    read_head,
    strip_whitespace,
    unreadable,
)
from custody.errors import RecordError
from custody.i18n import message
from custody.model.entries import encode_json
from custody.tlog.notes import NoteError
from evidence.common.canonical import CanonicalError, decode_prefix

CHUNK = 1 << 20
"""Bytes read at a time (more when one value is longer: the window doubles until the value fits)."""
_SPACE = re.compile(r"[ \t\n\r]*")
_MEMBERS = ("checkpoint", "entries", "format", "linked", "selection", "timestamps", "version")
"""The members a bundle may have, in canonical order (all ASCII: UTF-16 order is code point order)."""

Opener = Callable[[], BinaryIO]
_Walk = Generator[BundleEntry, None, tuple[dict[str, Any], int, bytes]]


class _NotReadError(Exception):
    """The walk met something it does not read: the plain reading says what."""


class _Window:
    """The text of a UTF-8 file from ``pos`` on, read as it is needed, with the SHA-256 of the bytes read."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.hash = hashlib.sha256()
        self.buf = ""
        self.pos = 0
        self.eof = False

    def _more(self) -> bool:
        if self.eof:
            return False
        raw = self.stream.read(max(CHUNK, len(self.buf) - self.pos))
        self.hash.update(raw)
        self.eof = not raw
        text = self.decoder.decode(raw, final=self.eof)
        self.buf = self.buf[self.pos :] + text
        self.pos = 0
        return True

    def _space(self) -> None:
        while True:
            found = _SPACE.match(self.buf, self.pos)
            self.pos = len(self.buf) if found is None else found.end()
            if self.pos < len(self.buf) or not self._more():
                return

    def take(self, char: str) -> bool:
        """Consume ``char`` (after whitespace) when it comes next; say whether it did."""
        self._space()
        if self.buf.startswith(char, self.pos):
            self.pos += 1
            return True
        return False

    def need(self, char: str) -> None:
        if not self.take(char):
            raise _NotReadError(char)

    def value(self) -> tuple[Any, str]:
        """The next JSON value and its text (a number at the end of the window may go on: read on to be sure)."""
        self._space()
        while True:
            try:
                value, end = decode_prefix(self.buf, self.pos)
            except CanonicalError:
                if self._more():
                    continue
                raise _NotReadError("value") from None
            if end == len(self.buf) and self._more():
                continue
            text = self.buf[self.pos : end]
            self.pos = end
            return value, text

    def finish(self) -> bytes:
        """Nothing but whitespace to the end of the file; the file's SHA-256."""
        self._space()
        if self.pos != len(self.buf) or not self.eof:
            raise _NotReadError("end")
        return self.hash.digest()


def _canonical(value: Any, text: str) -> None:
    if strip_whitespace(text) != encode_json(value):
        raise _NotReadError("not canonical")


def _entries(window: _Window, check: bool) -> Generator[BundleEntry, None, int]:
    window.need("[")
    position, last = 0, -1
    while True:
        value, text = window.value()
        if check:
            _canonical(value, text)
        entry = entry_from_json(value, position)
        if entry.index <= last:
            raise _NotReadError("index order")
        yield entry
        last, position = entry.index, position + 1
        if window.take("]"):
            return position
        window.need(",")


def _walk(stream: BinaryIO, *, check: bool = True) -> _Walk:
    """Yield each entry of the bundle in ``stream``; return its other members, the entry count and its SHA-256.

    ``check=False``: the entries are not checked canonical (a walk after the first: its caller compares the
    SHA-256 with the first walk's, which did check them)."""
    window = _Window(stream)
    window.need("{")
    members: dict[str, Any] = {}
    count, rank = 0, -1
    while True:
        name, text = window.value()
        if name not in _MEMBERS or text != f'"{name}"' or _MEMBERS.index(name) <= rank:
            raise _NotReadError("member")
        rank = _MEMBERS.index(name)
        window.need(":")
        if name == "entries":
            count = yield from _entries(window, check)
            members[name] = []  # read above; ``read_head`` checks the other members
        else:
            value, text = window.value()
            _canonical(value, text)
            members[name] = value
        if window.take("}"):
            break
        window.need(",")
    return members, count, window.finish()


_NOT_READ = (_NotReadError, UnicodeDecodeError, CanonicalError, RecordError, NoteError, BundleFormatError)
"""What sends a file to the plain reading (which names the problem) on the first walk."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamedBundle:
    """A bundle file checked by a first walk; its entries are read again from the file each time they are iterated
    (``BundleSource``), so no more than one of them is held at a time."""

    opener: Opener
    name: str
    lang: str
    head: BundleHead
    first: BundleEntry
    count: int
    digest: bytes

    @property
    def checkpoint(self) -> str:
        return self.head.checkpoint

    @property
    def selection(self) -> tuple[str, ...]:
        return self.head.selection

    @property
    def timestamps(self) -> tuple[bytes, ...]:
        return self.head.timestamps

    @property
    def linked(self) -> tuple[Bundle, ...]:
        return self.head.linked

    def iter_entries(self) -> Iterator[BundleEntry]:
        """The entries in file order; ``BundleFormatError`` when the file is no longer what the first walk read."""
        changed = BundleFormatError(message("bundle.changed", self.lang, subject=self.name))
        try:
            with self.opener() as stream:
                walk = _walk(stream, check=False)
                while True:
                    try:
                        entry = next(walk)
                    except StopIteration as stop:
                        _, count, digest = stop.value
                        break
                    yield entry
        except OSError as exc:
            raise unreadable(self.name, exc) from exc
        except _NOT_READ as exc:
            raise changed from exc
        if (count, digest) != (self.count, self.digest):
            raise changed


def _first_walk(opener: Opener, name: str, lang: str) -> StreamedBundle | None:
    first: BundleEntry | None = None
    with opener() as stream:
        walk = _walk(stream)
        while True:
            try:
                entry = next(walk)
            except StopIteration as stop:
                members, count, digest = stop.value
                break
            if first is None:
                first = entry
    head, _ = read_head(members)
    if first is None:
        return None
    return StreamedBundle(opener=opener, name=name, lang=lang, head=head, first=first, count=count, digest=digest)


def _opener(source: bytes | Path) -> Opener:
    if isinstance(source, bytes):
        data = source
        return lambda: io.BytesIO(data)
    path = source
    return lambda: open(path, "rb")


def read_bundle(bundle: bytes | str | PathLike[str], name: str = "bundle", lang: str = "en") -> BundleSource:
    """The bundle in ``bundle`` (its bytes, or the path of its file), read entry by entry when it is well formed,
    else the plain way (``Bundle.from_bytes``: ``BundleFormatError`` naming ``name`` and the problem)."""
    try:
        size = len(bundle) if isinstance(bundle, bytes) else Path(bundle).stat().st_size
    except OSError as exc:
        raise unreadable(name, exc) from exc
    try:
        check_size(size)
    except BundleFormatError as exc:  # as the plain reading says it, without reading the file
        raise BundleFormatError(f"{name}: {exc}") from exc
    opener = _opener(bundle if isinstance(bundle, bytes) else Path(bundle))
    try:
        streamed = _first_walk(opener, name, lang)
    except OSError as exc:
        raise unreadable(name, exc) from exc
    except _NOT_READ:
        streamed = None
    if streamed is not None:
        return streamed
    if isinstance(bundle, bytes):
        return Bundle.from_bytes(bundle, name)
    try:
        data = Path(bundle).read_bytes()
    except OSError as exc:
        raise unreadable(name, exc) from exc
    return Bundle.from_bytes(data, name)
