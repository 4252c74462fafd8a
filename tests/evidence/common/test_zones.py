"""Zone labels, the host's zone and how an instant is shown (``evidence.common.zones``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from evidence.common.zones import ZoneError, host_zone, offset_label, shown, zone_of


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"TZ": "Africa/Casablanca"}, "Africa/Casablanca"),
        ({"TZ": ":America/New_York"}, "America/New_York"),  # the POSIX "implementation-defined" form
        ({"TZ": "UTC0"}, "UTC"),
        ({"TZ": ""}, "UTC"),  # POSIX: empty TZ is UTC
    ],
)
def test_host_zone_is_what_tz_names(environ: dict[str, str], expected: str) -> None:
    assert host_zone(environ) == expected


def test_host_zone_without_tz_is_where_etc_localtime_points(tmp_path: Path) -> None:
    zoneinfo = tmp_path / "usr/share/zoneinfo/Europe"
    zoneinfo.mkdir(parents=True)
    (zoneinfo / "Paris").write_bytes(b"TZif")
    link = tmp_path / "localtime"
    link.symlink_to(zoneinfo / "Paris")
    assert host_zone({}, localtime=link) == "Europe/Paris"
    copy, named = tmp_path / "copied-localtime", tmp_path / "timezone"
    copy.write_bytes(b"TZif")
    named.write_text("Africa/Dakar\n", encoding="ascii")
    assert host_zone({}, localtime=copy, timezone_file=named) == "Africa/Dakar"


def test_shown_gives_the_offset_of_that_instant_in_that_zone() -> None:
    winter, summer = datetime(2026, 1, 15, 12, tzinfo=UTC), datetime(2026, 7, 15, 12, tzinfo=UTC)
    assert shown(winter, "Europe/Paris") == "2026-01-15 13:00:00 UTC+01:00"
    assert shown(summer, "Europe/Paris") == "2026-07-15 14:00:00 UTC+02:00"
    assert shown(summer, "America/New_York", seconds=False) == "2026-07-15 08:00 UTC-04:00"
    assert shown(winter, "Z") == "2026-01-15 12:00:00 UTC+00:00"
    assert shown(winter, "+05:30") == "2026-01-15 17:30:00 UTC+05:30"
    # Morocco keeps UTC+00:00 during Ramadan (2026: about 18 February to 20 March) and UTC+01:00 otherwise
    assert shown(datetime(2026, 3, 1, 12, tzinfo=UTC), "Africa/Casablanca").endswith("UTC+00:00")
    assert shown(datetime(2026, 4, 2, 12, tzinfo=UTC), "Africa/Casablanca").endswith("UTC+01:00")


def test_offset_label() -> None:
    assert offset_label(datetime(2026, 1, 1, tzinfo=UTC)) == "Z"
    assert offset_label(datetime(2026, 1, 1, tzinfo=UTC).astimezone(zone_of("-03:30"))) == "-03:30"


@pytest.mark.parametrize(
    ("label", "code"), [("Mars/Olympus", "zone.unknown"), ("../etc", "zone.unknown"), ("+24:00", "zone.offset_range")]
)
def test_a_label_that_names_no_zone_is_refused_in_both_languages(label: str, code: str) -> None:
    with pytest.raises(ZoneError) as refused:
        zone_of(label)
    assert refused.value.code == code and label in str(refused.value)
    assert ("fuseau horaire inconnu" if code == "zone.unknown" else "décalage horaire hors limites") in (
        refused.value.message_in("fr")
    )
