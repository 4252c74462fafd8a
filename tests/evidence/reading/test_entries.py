"""Entry text forms: RFC 3339 times (checked against ``datetime``) and the ``\\xNN`` escape of undecodable names;
the walk's fast constructor."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from evidence.reading.entries import Entry, Timestamp, civil_date, entry_from_values, escape_name, rfc3339

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
FIRST = int((dt.datetime(1, 1, 1, tzinfo=dt.UTC) - EPOCH).total_seconds())
LAST = int((dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC) - EPOCH).total_seconds())


def by_datetime(seconds: int, nanoseconds: int) -> str:
    """The same time written by the standard library (``isoformat`` pads years to four digits)."""
    text = (EPOCH + dt.timedelta(seconds=seconds)).replace(tzinfo=None).isoformat(timespec="seconds")
    fraction = str(nanoseconds).zfill(9).rstrip("0")
    return text + ("." + fraction if fraction else "") + "Z"


@given(st.integers(FIRST, LAST), st.integers(0, 999_999_999))
@example(0, 1)  # the epoch, one nanosecond past
@example(-1, 0)  # the second before 1970
@example(951_782_400, 0)  # 2000-02-29, a leap day of a year divisible by 400
@example(4_107_542_400, 500_000_000)  # 2100-03-01, after a century year that is not a leap year
@example(FIRST, 999_999_999)
@example(LAST, 0)
def test_rfc3339_matches_datetime(seconds: int, nanoseconds: int) -> None:
    assert rfc3339(seconds, nanoseconds) == by_datetime(seconds, nanoseconds)
    assert Timestamp(seconds, nanoseconds).rfc3339() == by_datetime(seconds, nanoseconds)


@given(st.integers(FIRST // 86400, LAST // 86400))
def test_civil_date_matches_the_gregorian_calendar(days: int) -> None:
    date = dt.date(1970, 1, 1) + dt.timedelta(days=days)
    assert civil_date(days) == (date.year, date.month, date.day)


def test_years_outside_datetime_are_written_not_refused() -> None:
    days_to_year_10000 = (dt.date(9999, 12, 31) - dt.date(1970, 1, 1)).days + 1
    assert rfc3339(days_to_year_10000 * 86400) == "10000-01-01T00:00:00Z"
    assert rfc3339(FIRST - 1) == "0000-12-31T23:59:59Z"  # year 0 of the proleptic calendar (1 BC)
    assert rfc3339(2**62).endswith("Z")  # a corrupt UFS2 time stamp: some text, no exception


def escape_by_rule(raw: bytes) -> str:
    """The documented rule, applied character by character: each byte that is not UTF-8 becomes ``\\xNN``."""
    text = raw.decode("utf-8", "surrogateescape")
    return "".join(f"\\x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff" else c for c in text)


@given(st.binary(max_size=64) | st.text(max_size=32).map(lambda text: text.encode("utf-8", "surrogatepass")))
@example(b"\xff\xfe.bin")
@example("résumé\u0001.txt".encode())
def test_escape_name_follows_the_rule(raw: bytes) -> None:
    assert escape_name(raw) == escape_by_rule(raw)


# -- entry_from_values: the walk's constructor, equal to the dataclass's -------------------------------------------

FIELD_VALUES: dict[str, object] = {
    "partition": 2,
    "path": "dir/name:stream",
    "path_bytes": b"dir/name:stream",
    "inode": "64-128-2",
    "meta_addr": 64,
    "attr_type": 128,
    "attr_id": 2,
    "allocated": False,
    "reallocated": True,
    "name_type": "r",
    "meta_type": "d",
    "meta_type_raw": "V",
    "type": "dir",
    "size": 4096,
    "mode": 0o755,
    "uid": 1000,
    "gid": 100,
    "mtime": Timestamp(1, 2),
    "atime": Timestamp(3, 4),
    "ctime": Timestamp(5, 6),
    "crtime": None,
    "link_target": "/etc/passwd",
    "filename_record": True,
}


def test_entry_from_values_builds_the_entry_the_dataclass_builds() -> None:
    assert list(FIELD_VALUES) == [field.name for field in dataclasses.fields(Entry)]  # every field, in order
    built = entry_from_values(*FIELD_VALUES.values())
    expected = Entry(**FIELD_VALUES)  # type: ignore[arg-type]
    assert built == expected
    assert hash(built) == hash(expected)
    assert repr(built) == repr(expected)
    assert {name: getattr(built, name) for name in FIELD_VALUES} == FIELD_VALUES
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.path = "elsewhere"  # type: ignore[misc]


def test_entry_from_values_wants_every_field() -> None:
    with pytest.raises(ValueError, match="zip"):
        entry_from_values(*list(FIELD_VALUES.values())[:-1])
    with pytest.raises(ValueError, match="zip"):
        entry_from_values(*FIELD_VALUES.values(), None)
