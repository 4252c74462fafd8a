"""The zone TSK reads FAT/exFAT times in (``evidence.reading.localtimes``), as ``fls -z`` sets it."""

from __future__ import annotations

import os
import time

import pytest

from evidence.common.errors import EvidenceError
from evidence.reading.localtimes import has_local_times, posix_tz, tsk_local_zone


def test_posix_tz_of_each_kind_of_label() -> None:
    assert posix_tz(None) == posix_tz("Z") == posix_tz("UTC") == "UTC0"
    assert posix_tz("Europe/Paris") == "Europe/Paris"
    # POSIX counts offsets west of Greenwich as positive: +01:00 is "<+0100>-01:00"
    assert posix_tz("+01:00") == "<+0100>-01:00"
    assert posix_tz("-05:30") == "<-0530>+05:30"


def test_a_zone_the_c_library_lacks_is_refused_not_read_as_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZDIR", "/nonexistent-zoneinfo")
    with pytest.raises(EvidenceError, match="no zone file"):
        posix_tz("Europe/Paris")


def test_the_zone_is_set_for_the_block_and_restored_after() -> None:
    before = os.environ.get("TZ")
    with tsk_local_zone("America/New_York"):
        assert os.environ["TZ"] == "America/New_York"
        assert time.localtime(1709285400).tm_hour == 4  # 2024-03-01 09:30 UTC
    assert os.environ.get("TZ") == before
    assert time.localtime(1709285400).tm_hour == 9  # the suite runs in UTC


def test_only_fat_and_exfat_have_local_times() -> None:
    assert all(has_local_times(t) for t in ("FAT12", "FAT16", "FAT32", "exFAT"))
    assert not any(has_local_times(t) for t in ("NTFS", "Ext4", "HFS+", "ISO9660"))
