"""`custody authority add`: a warning when the validity window has already passed or has not begun.

Such an order is recorded (an expired order documents what was done under it, with `--at`), but an examiner who
types last year's date by mistake should learn it now, not when an export is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from custody.i18n.messages import message
from evidence.common.zones import shown


def window_warning(
    reference: str, start: datetime, until: datetime, lang: str, now: datetime, zone: str = "UTC"
) -> str | None:
    """The warning for an authority valid from ``start`` to ``until``, seen at ``now``; None inside the window.
    The dates are shown in ``zone`` (the one they were given in) with their offset."""
    if until < now:
        return message("authority.window.passed", lang, reference=reference, until=shown(until, zone))
    if start > now:
        return message("authority.window.future", lang, reference=reference, start=shown(start, zone))
    return None


def warn_window(reference: str, start: datetime, until: datetime, lang: str, zone: str = "UTC") -> None:
    """Print the warning on stderr (stdout stays the command's result, text or JSON)."""
    text = window_warning(reference, start, until, lang, datetime.now(UTC), zone)
    if text is not None:
        click.echo(f"scelle: {text}", err=True)
