"""How a report shows an instant: in one zone for the whole report, with its offset, and the zone it was given in.

A chronology read in mixed zones (19:13 UTC+01:00, 19:14, then 18:14 UTC+00:00) looks like time running
backwards. So every time of one report is shown in the one zone its reader chose (``--tz``, by default the zone of
the host that writes the report), each with its offset; the zone each event or authority was given in is kept in
the record and shown beside it, with the local time there when that differs.
"""

from __future__ import annotations

from datetime import datetime

from custody.i18n import label
from evidence.common.zones import shown


def when(moment: datetime, original: str | None, zone: str, lang: str) -> tuple[str, str]:
    """``(the instant in the report's zone with its offset, where it was given: the original zone and, when the
    clock there read otherwise, its local time)``; the second is empty when the original zone is not known."""
    main = shown(moment, zone, seconds=False)
    if original is None:
        return main, ""
    there = shown(moment, original, seconds=False)
    origin = f"{label('original_zone', lang)}{_colon(lang)}{original}"
    return main, origin if there == main else f"{origin}, {there}"


def date(moment: datetime, zone: str) -> str:
    """An instant as ``YYYY-MM-DD HH:MM UTC±HH:MM`` in the report's zone."""
    return shown(moment, zone, seconds=False)


def _colon(lang: str) -> str:
    return "\u00a0: " if lang == "fr" else ": "
