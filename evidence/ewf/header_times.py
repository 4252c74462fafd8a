"""The acquisition and system dates of an EWF v1 set, read from its ``header2``/``header`` sections, not libewf.

libewf hands the dates back formatted in the *reading* host's local time (``ctime`` style, no zone), so the same
image printed differently under ``TZ=America/New_York`` and ``TZ=UTC``. The sections say what is really known:

* ``header2`` (UTF-16, EnCase 5 and later, ewfacquire) stores POSIX seconds: an instant, written here as UTC
  RFC 3339 (``2024-03-01T09:30:00Z``);
* ``header`` alone (older EnCase, FTK Imager's E01) stores ``YYYY M D h m s``, the wall-clock time of the acquiring
  host in a zone it does not record: written as RFC 3339 without offset (``2018-05-16T15:05:08``) and marked
  ``local``, never given a zone it does not have.

Layout from the libyal "Expert Witness Compression Format" notes (§5 header2, §6 header). Reads the first segment
file read-only; a section that cannot be decoded gives no date rather than a guess.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from evidence.common.errors import ImageError
from evidence.common.files import open_readonly
from evidence.ewf.format import DESCRIPTOR, DESCRIPTOR_CHECKED, EWF1_SIGNATURES, FILE_HEADER

#: the dates are a UTC instant (from ``header2``)
UTC_DATES = "UTC"
#: the dates are the acquiring host's wall-clock time, zone not recorded (``header`` alone)
LOCAL_DATES = "local"
#: header sections are small (a few KiB of text); a larger one is damaged and not inflated
_MAX_HEADER = 1 << 20


@dataclass(frozen=True, slots=True)
class HeaderDates:
    """``acquired`` and ``system`` as RFC 3339 text (or None), and ``basis``: ``UTC_DATES`` or ``LOCAL_DATES``."""

    acquired: str | None
    system: str | None
    basis: str


def _sections(fd: int, size: int) -> dict[str, bytes]:
    """The payloads of the first ``header2`` and ``header`` sections of a segment file (the chain up to ``volume``
    or ``disk``, where the headers end)."""
    found: dict[str, bytes] = {}
    offset = FILE_HEADER.size
    while offset + DESCRIPTOR.size <= size:
        raw = os.pread(fd, DESCRIPTOR.size, offset)
        if len(raw) != DESCRIPTOR.size:
            break
        kind_raw, next_offset, section_size, _padding, checksum = DESCRIPTOR.unpack(raw)
        if zlib.adler32(raw[:DESCRIPTOR_CHECKED]) != checksum:
            break
        kind = kind_raw.split(b"\0", 1)[0].decode("ascii", "replace")
        if kind in ("header2", "header") and kind not in found:
            length = min(section_size - DESCRIPTOR.size, _MAX_HEADER)
            found[kind] = os.pread(fd, max(length, 0), offset + DESCRIPTOR.size)
        if kind in ("volume", "disk", "next", "done") or next_offset <= offset:
            break
        offset = next_offset
    return found


def _main_values(text: str) -> dict[str, str]:
    """The ``main`` category of a header text: identifiers (line 3) -> values (line 4)."""
    lines = text.replace("\r\n", "\n").split("\n")
    if len(lines) < 4 or lines[1] != "main":
        return {}
    return dict(zip(lines[2].split("\t"), lines[3].split("\t"), strict=False))


def _from_header2(payload: bytes) -> HeaderDates | None:
    try:
        values = _main_values(zlib.decompress(payload).decode("utf-16"))
    except (zlib.error, UnicodeDecodeError):
        return None

    def instant(key: str) -> str | None:
        value = values.get(key, "").strip()
        if not value.isdigit() or int(value) == 0:
            return None
        try:
            return datetime.fromtimestamp(int(value), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (OverflowError, OSError, ValueError):
            return None

    acquired = instant("m")
    return None if acquired is None else HeaderDates(acquired, instant("u"), UTC_DATES)


def _from_header(payload: bytes) -> HeaderDates | None:
    try:
        values = _main_values(zlib.decompress(payload).decode("latin-1"))
    except zlib.error:
        return None

    def wall_clock(key: str) -> str | None:
        parts = values.get(key, "").split()
        if len(parts) != 6 or not all(part.isdigit() for part in parts):
            return None
        try:
            year, month, day, hour, minute, second = (int(part) for part in parts)
            return datetime(year, month, day, hour, minute, second).strftime("%Y-%m-%dT%H:%M:%S")
        except ValueError:
            return None

    acquired = wall_clock("m")
    return None if acquired is None else HeaderDates(acquired, wall_clock("u"), LOCAL_DATES)


def header_dates(first_segment: Path) -> HeaderDates | None:
    """The dates the EWF v1 set whose first segment is ``first_segment`` records; None when it is not EWF v1 or
    records none that can be read."""
    fd, size = open_readonly(first_segment)
    try:
        if os.pread(fd, 8, 0) not in EWF1_SIGNATURES:
            return None
        found = _sections(fd, size)
    except OSError as exc:
        raise ImageError(f"{first_segment}: read error in the EWF header sections: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    dated = _from_header2(found["header2"]) if "header2" in found else None
    if dated is None and "header" in found:
        dated = _from_header(found["header"])
    return dated
