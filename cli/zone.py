"""The zone times are shown in (``--tz``): the one given, else the host's (``TZ``, else ``/etc/localtime``).

Stored data (ledger entries, records, JSON meant as data) is UTC whatever the zone; ``--tz`` only decides how
instants are shown to a person, and how a time typed without an offset is read. Every time shown carries its
offset, and one output uses one zone throughout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from evidence.common.zones import check_zone_label, host_zone

F = TypeVar("F", bound=Callable[..., Any])


def user_zone(given: str | None) -> str:
    """``given`` when the user named a zone (checked), else the host's zone."""
    return host_zone() if given is None else check_zone_label(given)


def display_zone_option(func: F) -> F:
    """--tz ZONE for a command that shows times (default: the host's zone)."""
    return click.option(
        "--tz",
        "display_tz",
        metavar="ZONE",
        default=None,
        help="Time zone the times are shown in, each with its offset (IANA name or ±HH:MM; default: the host's).",
    )(func)
