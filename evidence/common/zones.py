"""Time zones: read a zone label, find the host's zone, show an instant in a zone with its offset.

Every instant scelle stores is UTC (RFC 3339 with ``Z``); a zone only decides how an instant is *shown*, or how a
time a person typed without an offset is read. A zone label is ``Z``/``UTC``, a fixed offset ``±HH:MM`` or an IANA
name (``Africa/Casablanca``). The host's zone is what ``TZ`` names, else what ``/etc/localtime`` points to, else
the host's current offset: the zone the examiner's clock shows. Pure functions, except ``host_zone`` which reads
the environment.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path

from evidence.common.errors import UsageError
from evidence.common.messages import message

_OFFSET_FORM = re.compile(r"[+-]([0-9]{2}):([0-9]{2})")
_IANA_FORM = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*")
_LOCALTIME = Path("/etc/localtime")
_TIMEZONE_FILE = Path("/etc/timezone")


class ZoneError(UsageError):
    """A time zone label that names no zone; its text in each language comes from the catalogue."""

    def __init__(self, code: str, label: str) -> None:
        self.code, self.label = code, label
        super().__init__(message(code, "en", label=label))

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` (``en`` or ``fr``)."""
        return message(self.code, lang, label=self.label)


def zone_of(label: str) -> tzinfo:
    """The tzinfo for a zone label: ``Z``/``UTC``, a ``±HH:MM`` offset or an IANA name; ``ZoneError`` otherwise."""
    if label in ("Z", "UTC", "Etc/UTC"):  # Etc/UTC: what /etc/localtime names on many hosts; no zone file to load
        return UTC
    match = _OFFSET_FORM.fullmatch(label)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours > 23 or minutes > 59:
            raise ZoneError("zone.offset_range", label)
        sign = -1 if label.startswith("-") else 1
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    if not _IANA_FORM.fullmatch(label):
        raise ZoneError("zone.unknown", label)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # not at start-up: a UTC host, UTC times need none

    try:
        return ZoneInfo(label)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ZoneError("zone.unknown", label) from exc


def offset_label(moment: datetime) -> str:
    """``Z`` for a zero offset, else ``±HH:MM`` (the offset of an aware ``moment``)."""
    offset = moment.utcoffset()
    if offset is None or offset == timedelta(0):
        return "Z"
    total = int(offset.total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _known(label: str) -> bool:
    try:
        zone_of(label)
    except ZoneError:
        return False
    return True


def host_zone(
    environ: Mapping[str, str] | None = None, localtime: Path = _LOCALTIME, timezone_file: Path = _TIMEZONE_FILE
) -> str:
    """The label of the host's zone: ``TZ`` when it names a zone, else the IANA name ``/etc/localtime`` links to
    (or Debian's ``/etc/timezone`` names when it is a copy), else the host's current offset (a fixed ``±HH:MM``, as
    for a POSIX ``TZ`` rule scelle cannot name)."""
    env = os.environ if environ is None else environ
    given = env.get("TZ")
    if given is not None:
        name = given.removeprefix(":")
        if name in ("", "UTC", "UTC0", "GMT", "GMT0", "Etc/UTC", "Z"):
            return "UTC"
        if _known(name):
            return name
    else:
        try:
            target = str(localtime.resolve())
        except OSError:
            target = ""
        name = target.split("/zoneinfo/", 1)[1] if "/zoneinfo/" in target else _read_name(timezone_file)
        if name in ("UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Zulu"):
            return "UTC"
        if name and _known(name):
            return name
    offset = time.localtime().tm_gmtoff
    return offset_label(datetime.now(timezone(timedelta(seconds=offset)))) if offset else "UTC"


def _read_name(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return ""


def check_zone_label(label: str) -> str:
    """``label`` unchanged when it names a zone; ``ZoneError`` otherwise."""
    zone_of(label)
    return label


def shown(moment: datetime, zone: str, *, seconds: bool = True) -> str:
    """``moment`` in ``zone`` with its offset: ``2026-03-01 10:15:00 UTC+01:00`` (``UTC+00:00`` for UTC itself),
    so that every line of a report says which clock it reads."""
    local = moment.astimezone(zone_of(zone))
    offset = offset_label(local)
    text = local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return f"{text} UTC{'+00:00' if offset == 'Z' else offset}"


def utc_text(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``: an aware instant in UTC, whole seconds (as stored data is written)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_STORED_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z")


def shown_stored(text: str, zone: str | None) -> str:
    """``text`` shown in ``zone`` (as ``shown``) when it is a stored UTC instant (``YYYY-MM-DDTHH:MM:SS[.f]Z``);
    anything else, or any text when ``zone`` is None (data, not a display), unchanged. A finding or message states
    its times in this stored form; whoever shows it to a person passes the zone of the whole output."""
    if zone is None or not _STORED_FORM.fullmatch(text):
        return text
    return shown(datetime.fromisoformat(text), zone)
