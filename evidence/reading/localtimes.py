"""File systems whose times are local by nature (FAT, exFAT): the zone TSK reads them in, as ``fls -z`` sets it.

FAT and exFAT store a wall-clock date and time with no zone (exFAT may add an offset that TSK does not use). TSK
turns it into POSIX seconds with ``mktime``, i.e. in the zone of the *reading* process: the same image listed under
``TZ=America/New_York`` and ``TZ=UTC`` gave different "UTC" times. ``fls -z ZONE`` sets that zone; scelle does the
same with ``--fs-tz``, and without it reads them in UTC, so a listing is the same on every host: the times are then
the device's wall-clock written with ``Z`` (what ``fls`` prints on a UTC host), and the output says so (``fs_tz``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evidence.common.messages import LocalisedImageError
from evidence.common.zones import zone_of

#: where the C library finds zone files when ``TZDIR`` does not say
_ZONEINFO = "/usr/share/zoneinfo"

#: TSK file-system names (``evidence.reading.tsk.FS_TYPE_NAMES``) whose times are local times of the device
LOCAL_TIME_TYPES = frozenset({"FAT12", "FAT16", "FAT32", "exFAT"})
#: ``fs_tz`` of a local-time file system listed without ``--fs-tz``: times shown as recorded, marked ``Z``
UNKNOWN_ZONE = "unknown"


def has_local_times(fs_type: str) -> bool:
    """True for a file system whose times are local wall-clock times (FAT, exFAT)."""
    return fs_type in LOCAL_TIME_TYPES


def posix_tz(label: str | None) -> str:
    """The ``TZ`` value the C library reads for a zone label (checked): ``UTC0``, an IANA name, or ``<+0100>-01:00``
    for a fixed offset (POSIX counts offsets west of Greenwich as positive)."""
    if label is None or label in ("Z", "UTC"):
        return "UTC0"
    zone_of(label)  # ZoneError for a label that names no zone
    if label[0] in "+-":
        west = "-" if label[0] == "+" else "+"
        return f"<{label[0]}{label[1:3]}{label[4:6]}>{west}{label[1:]}"
    # The C library reads its own zone files: a zone it lacks would silently be taken as UTC. Fail closed.
    if not (Path(os.environ.get("TZDIR") or _ZONEINFO) / label).is_file():
        raise LocalisedImageError("fs.zone_not_installed", zone=label, where=os.environ.get("TZDIR") or _ZONEINFO)
    return label


@contextmanager
def tsk_local_zone(label: str | None) -> Iterator[None]:
    """Within the block, TSK reads local file-system times in ``label`` (UTC when None); ``TZ`` is restored after.

    The process-wide ``TZ`` is what TSK's ``mktime`` reads, as ``fls -z`` sets it: use it around a walk, not while
    another thread depends on the local zone.
    """
    wanted = posix_tz(label)
    before = os.environ.get("TZ")
    os.environ["TZ"] = wanted
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
