"""Instants in custody records: stored as UTC RFC 3339 with ``Z``, with the original time zone kept apart.

Chain-of-custody forms ask for the local time and time zone of each handling (ISO/IEC 27037); a court abroad needs
one unambiguous instant. So every record stores the UTC instant in exactly one textual form (seconds, or
microseconds when they are not zero, and ``Z``) and, separately, the zone the handler gave: an IANA name
(``Africa/Casablanca``) or a fixed offset (``+01:00``, ``Z``). This module only converts; it never reads the clock.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo

from custody import fastpath
from custody.errors import RecordError
from evidence.common import zones

_UTC_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?Z")
_ZONE_SUFFIX = re.compile(r"(?P<time>[^\[\]]+)\[(?P<zone>[^\[\]]+)\]")
_DATE_ONLY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def format_utc(moment: datetime) -> str:
    """Return the one stored form of an aware instant: ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` in UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise RecordError(f"time {moment.isoformat()} has no time zone; custody times must be aware")
    utc = moment.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}"
    return text + "Z"


def parse_utc(text: object, *, field: str) -> datetime:
    """Parse a stored instant, accepting only the form ``format_utc`` writes (so it has one encoding)."""
    if not isinstance(text, str) or not _UTC_FORM.fullmatch(text):
        raise RecordError(f"{field}: expected a UTC time like 2026-03-01T10:15:00Z, got {text!r}")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise RecordError(f"{field}: not a valid time: {text!r}") from exc
    if text.endswith(".000000Z"):
        raise RecordError(f"{field}: zero microseconds must be omitted: {text!r}")
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def zone_of(label: str) -> tzinfo:
    """Return the tzinfo for a zone label: ``Z``/``UTC``, a ``±HH:MM`` offset or an IANA name."""
    try:
        return zones.zone_of(label)
    except zones.ZoneError as exc:
        raise RecordError(str(exc)) from exc


_KNOWN_ZONES: set[str] = set()
"""Zone labels already read (``custody.fastpath``): a ledger's events name the same few zones thousands of times."""


def check_zone(label: object, *, field: str = "time zone") -> str:
    """Validate a stored zone label and return it unchanged."""
    if type(label) is str and label in _KNOWN_ZONES:
        return label
    if not isinstance(label, str):
        raise RecordError(f"{field}: expected a time zone label, got {label!r}")
    try:
        zone_of(label)
    except RecordError as exc:
        raise RecordError(f"{field}: {exc}") from exc
    if fastpath.ENABLED and type(label) is str and len(_KNOWN_ZONES) < _MAX_KNOWN_ZONES:
        _KNOWN_ZONES.add(label)  # only labels that read: a refused one is refused every time
    return label


_MAX_KNOWN_ZONES = 1024


_offset_label = zones.offset_label


def parse_time_input(
    text: str, *, zone: str | None = None, default_zone: str | None = None, end_of_day: bool = False
) -> tuple[datetime, str]:
    """Read a time a person typed and return ``(UTC instant, zone label)``.

    Accepted: RFC 3339 with ``Z`` or an offset (``2026-03-01T10:15:00+01:00``), the same followed by an IANA zone in
    brackets (RFC 9557: ``...+01:00[Africa/Casablanca]``), a local time without offset when ``zone`` (or else
    ``default_zone``, the user's zone) names its zone, or a date alone (midnight in that zone; with ``end_of_day``,
    the last microsecond of that day, as a "valid until" date is meant and the window includes its end). A time
    without any zone is refused; a time with an offset keeps it, whatever ``default_zone`` says.
    """
    raw = text.strip()
    bracket = _ZONE_SUFFIX.fullmatch(raw)
    if bracket:
        raw, zone = bracket.group("time"), bracket.group("zone")
    if zone is None and default_zone is not None and not _has_offset(raw):
        zone = default_zone
    tz = zone_of(zone) if zone is not None else None
    if _DATE_ONLY.fullmatch(raw):
        if tz is None:
            tz = UTC
            zone = "Z"
        try:
            day = date.fromisoformat(raw)
        except ValueError as exc:
            raise RecordError(f"not a valid date: {text!r}") from exc
        if end_of_day:
            local = datetime.combine(day, time(23, 59, 59, 999999), tzinfo=tz)
        else:
            local = datetime.combine(day, time(0), tzinfo=tz)
        return local.astimezone(UTC), zone or "Z"
    try:
        moment = datetime.fromisoformat(raw.replace(" ", "T", 1))
    except ValueError as exc:
        raise RecordError(f"not a valid time: {text!r} (expected e.g. 2026-03-01T10:15:00+01:00)") from exc
    if moment.tzinfo is None:
        if tz is None:
            raise RecordError(f"time {text!r} has no time zone: add Z, an offset such as +01:00, or a zone")
        moment = moment.replace(tzinfo=tz)
        return moment.astimezone(UTC), zone or _offset_label(moment)
    if tz is not None and moment.utcoffset() != moment.astimezone(tz).utcoffset():
        raise RecordError(f"time {text!r}: its offset does not match time zone {zone}")
    return moment.astimezone(UTC), zone or _offset_label(moment)


def _has_offset(raw: str) -> bool:
    """True when a typed time carries its own offset (``Z`` or ``±HH:MM`` after the time of day)."""
    if _DATE_ONLY.fullmatch(raw):
        return False
    clock = raw.replace(" ", "T", 1).partition("T")[2]
    return clock.upper().endswith("Z") or "+" in clock or "-" in clock


def local_time(moment: datetime, zone: str) -> datetime:
    """Return ``moment`` shown in the original zone ``zone`` (for reports a handler can recognise)."""
    return moment.astimezone(zone_of(zone))
