"""Times: one stored UTC form, and the original zone of what an examiner typed kept apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custody.errors import RecordError
from custody.model.times import format_utc, local_time, parse_time_input, parse_utc


@pytest.mark.parametrize(
    ("text", "zone", "utc", "label"),
    [
        ("2026-03-03T10:30:00+01:00", None, "2026-03-03T09:30:00Z", "+01:00"),
        ("2026-03-03T09:30:00Z", None, "2026-03-03T09:30:00Z", "Z"),
        ("2026-04-03T10:30:00+01:00[Africa/Casablanca]", None, "2026-04-03T09:30:00Z", "Africa/Casablanca"),
        ("2026-07-01T10:30:00", "Europe/Paris", "2026-07-01T08:30:00Z", "Europe/Paris"),
        ("2026-01-15 10:30", "Europe/Paris", "2026-01-15T09:30:00Z", "Europe/Paris"),
        ("2026-03-03", None, "2026-03-03T00:00:00Z", "Z"),
        ("2026-03-03", "Africa/Dakar", "2026-03-03T00:00:00Z", "Africa/Dakar"),
        ("2026-03-03T10:30:00.250000-04:00", None, "2026-03-03T14:30:00.250000Z", "-04:00"),
    ],
)
def test_input_times_become_utc_with_their_zone(text: str, zone: str | None, utc: str, label: str) -> None:
    moment, got_label = parse_time_input(text, zone=zone)
    assert format_utc(moment) == utc
    assert got_label == label


def test_date_until_means_end_of_that_day() -> None:
    # the last instant of 2 May in Paris, inside the window (which includes its end), not 3 May 00:00
    moment, _ = parse_time_input("2026-05-02", zone="Europe/Paris", end_of_day=True)
    assert format_utc(moment) == "2026-05-02T21:59:59.999999Z"


def test_a_time_without_offset_is_read_in_the_user_zone_and_an_offset_wins() -> None:
    assert parse_time_input("2026-11-30", default_zone="Africa/Casablanca") == (
        datetime(2026, 11, 29, 23, tzinfo=UTC),
        "Africa/Casablanca",
    )
    assert parse_time_input("2026-12-01T19:13", default_zone="Africa/Casablanca")[0] == datetime(
        2026, 12, 1, 18, 13, tzinfo=UTC
    )
    # a typed offset is kept, whatever the user's zone: it was not refused as "not matching" the host zone
    assert parse_time_input("2026-12-01T19:13+01:00", default_zone="America/New_York") == (
        datetime(2026, 12, 1, 18, 13, tzinfo=UTC),
        "+01:00",
    )
    assert parse_time_input("2026-12-01 18:13Z", default_zone="America/New_York")[1] == "Z"
    # --tz (zone) wins over the user's zone
    assert parse_time_input("2026-12-01T10:00", zone="UTC", default_zone="America/New_York")[0].hour == 10


@pytest.mark.parametrize(
    ("text", "zone", "message"),
    [
        ("2026-03-03T10:30:00", None, "no time zone"),
        ("yesterday", None, "not a valid time"),
        ("2026-02-30", None, "not a valid date"),
        ("2026-03-03T10:30:00+02:00", "Europe/Paris", "does not match"),
        ("2026-03-03T10:30:00", "Europe/Atlantis", "unknown time zone"),
        ("2026-03-03T10:30:00", "+25:00", "out of range"),
        ("2026-03-03T10:30:00", "../etc/passwd", "unknown time zone"),
    ],
)
def test_bad_input_times_are_refused(text: str, zone: str | None, message: str) -> None:
    with pytest.raises(RecordError, match=message):
        parse_time_input(text, zone=zone)


@pytest.mark.parametrize(
    "text", ["2026-03-03T09:30:00", "2026-03-03T09:30:00+00:00", "2026-03-03 09:30:00Z", "2026-03-03T09:30:00.1Z"]
)
def test_stored_form_is_exact(text: str) -> None:
    with pytest.raises(RecordError, match="expected a UTC time"):
        parse_utc(text, field="t")


def test_format_refuses_naive_times() -> None:
    with pytest.raises(RecordError, match="no time zone"):
        format_utc(datetime(2026, 1, 1))


@given(
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9998, 1, 1), timezones=st.just(UTC)),
    st.integers(-14 * 60, 14 * 60),
)
def test_format_parse_round_trip(moment: datetime, offset_minutes: int) -> None:
    shown = moment.astimezone(timezone(timedelta(minutes=offset_minutes)))
    text = format_utc(shown)
    assert parse_utc(text, field="t") == moment
    # the same instant: compared in UTC, since an aware time in a repeated hour never equals one of another zone
    # (PEP 495), e.g. 2016-06-05 02:00 in Casablanca, when Morocco set its clocks back for Ramadan
    assert local_time(moment, "Africa/Casablanca").astimezone(UTC) == moment
