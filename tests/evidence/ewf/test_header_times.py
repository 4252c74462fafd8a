"""E01 dates read from the ``header2``/``header`` sections (``evidence.ewf.header_times``), written by scelle's own
EWF writer (``evidence.ewf.sections``) so that both sides of the format are held to each other."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from evidence.ewf.format import FILE_HEADER
from evidence.ewf.header_times import LOCAL_DATES, UTC_DATES, HeaderDates, header_dates
from evidence.ewf.sections import EwfMetadata, file_header, header2_payload, header_payload, section

RABAT_SUMMER = timezone(timedelta(hours=1))
ACQUIRED = datetime(2026, 12, 1, 19, 13, 5, tzinfo=RABAT_SUMMER)


def _segment(path: Path, sections: list[tuple[str, bytes]]) -> Path:
    data = bytearray(file_header(1))
    assert len(data) == FILE_HEADER.size
    for kind, payload in [*sections, ("done", b"")]:
        data += section(kind, len(data), payload)
    path.write_bytes(bytes(data))
    return path


def test_header2_gives_the_instant_in_utc(tmp_path: Path) -> None:
    meta = EwfMetadata(acquired_at=ACQUIRED, system_time=ACQUIRED + timedelta(seconds=2))
    image = _segment(tmp_path / "a.E01", [("header2", header2_payload(meta)), ("header", header_payload(meta))])
    assert header_dates(image) == HeaderDates("2026-12-01T18:13:05Z", "2026-12-01T18:13:07Z", UTC_DATES)


def test_header_alone_gives_the_wall_clock_without_a_zone(tmp_path: Path) -> None:
    meta = EwfMetadata(acquired_at=ACQUIRED)
    image = _segment(tmp_path / "b.E01", [("header", header_payload(meta))])
    assert header_dates(image) == HeaderDates("2026-12-01T19:13:05", "2026-12-01T19:13:05", LOCAL_DATES)


def test_a_damaged_header_gives_no_date_rather_than_a_guess(tmp_path: Path) -> None:
    image = _segment(tmp_path / "c.E01", [("header2", b"not zlib at all")])
    assert header_dates(image) is None
    raw = tmp_path / "d.raw"
    raw.write_bytes(b"\0" * 512)
    assert header_dates(raw) is None


def test_a_date_only_libewf_can_read_is_taken_back_to_utc_from_the_host_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # EWF2 (Ex01): libewf formats the stored instant in the host's local time; it is read back in that same zone
    from evidence.sources.ewf import _libewf_date

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert _libewf_date("Fri Mar  1 04:30:00 2024") == "2024-03-01T09:30:00Z"
        assert _libewf_date("not a date") is None and _libewf_date(None) is None
    finally:
        monkeypatch.undo()
        time.tzset()
