"""Issue 17 (time): image dates and file-system times are the same data whatever the host's ``TZ``, and each display
says which clock it reads. Real runs of the CLI in a subprocess, so that ``TZ`` reaches libewf and TSK."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.tools import tool

ROOT = Path(__file__).resolve().parents[2]
FAT32_E01 = ROOT / "fixtures/generated/fat32.E01"  # header2 (POSIX seconds): acquired 2024-03-01T09:30:00Z
HEADER_ONLY_E01 = ROOT / "fixtures/images/sleuthkit/imageformat_mmls_1.E01"  # "header" section only
ZONES = ("UTC", "Africa/Casablanca", "America/New_York", "Europe/Paris")


def scelle(*args: str | Path, tz: str, lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": tz, "LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "cli", *map(str, args)], env=env, capture_output=True, text=True, check=False
    )


def ok(*args: str | Path, tz: str, lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    done = scelle(*args, tz=tz, lang=lang)
    assert done.returncode == 0, (args, tz, done.stderr)
    assert "Traceback" not in done.stderr
    return done


def test_image_info_json_is_the_same_utc_data_under_every_tz() -> None:
    documents = {zone: ok("image", "info", "--json", FAT32_E01, tz=zone).stdout for zone in ZONES}
    assert len(set(documents.values())) == 1, documents  # it changed with TZ=America/New_York before
    metadata = json.loads(documents["UTC"])["metadata"]
    assert metadata["acquisition_date"] == "2024-03-01T09:30:00Z"
    assert metadata["system_date"] == "2024-03-01T09:30:00Z"
    assert metadata["dates_basis"] == "UTC"


def test_image_info_text_shows_the_date_in_the_host_zone_with_its_offset() -> None:
    expected = {
        "UTC": "2024-03-01 09:30:00 UTC+00:00",
        "Africa/Casablanca": "2024-03-01 10:30:00 UTC+01:00",
        "America/New_York": "2024-03-01 04:30:00 UTC-05:00",
        "Europe/Paris": "2024-03-01 10:30:00 UTC+01:00",
    }
    for zone, shown in expected.items():
        assert f"acquisition date: {shown}\n" in ok("image", "info", FAT32_E01, tz=zone).stdout, zone
    # --tz overrides the host's zone
    chosen = ok("image", "info", "--tz", "Asia/Tokyo", FAT32_E01, tz="America/New_York").stdout
    assert "acquisition date: 2024-03-01 18:30:00 UTC+09:00\n" in chosen


def test_a_date_without_zone_in_the_container_is_never_given_one() -> None:
    documents = {zone: ok("image", "info", "--json", HEADER_ONLY_E01, tz=zone).stdout for zone in ZONES}
    assert len(set(documents.values())) == 1
    metadata = json.loads(documents["UTC"])["metadata"]
    assert metadata["acquisition_date"] == "2018-05-16T15:05:08"  # no Z: the acquiring host's wall clock
    assert metadata["dates_basis"] == "local"
    text = ok("image", "info", HEADER_ONLY_E01, tz="America/New_York").stdout
    assert "acquisition date: 2018-05-16 15:05:08 (local time of the acquiring host; its zone is not recorded)" in text


def test_a_zone_that_names_nothing_is_a_one_line_error_in_both_languages() -> None:
    english = scelle("image", "info", "--tz", "Mars/Olympus", FAT32_E01, tz="UTC")
    assert english.returncode == 1 and english.stdout == ""
    assert english.stderr == (
        "scelle: error: unknown time zone 'Mars/Olympus' (use an IANA name such as Africa/Casablanca, or an offset "
        "like +01:00)\n"
    )
    french = scelle("image", "ls", "--fs-tz", "+25:00", FAT32_E01, tz="UTC", lang="fr_FR.UTF-8")
    assert french.returncode == 1
    assert french.stderr == "scelle: erreur : décalage horaire hors limites : '+25:00' (au plus ±23:59)\n"


def test_fat_times_are_the_same_under_every_tz_and_labelled_local() -> None:
    listings = {zone: ok("image", "ls", "--json", FAT32_E01, tz=zone) for zone in ZONES}
    assert len({done.stdout for done in listings.values()}) == 1  # TSK read them in the host's zone before
    lines = [json.loads(line) for line in listings["UTC"].stdout.splitlines()]
    assert lines and all(line["fs_tz"] == "unknown" for line in lines)
    note = listings["America/New_York"].stderr
    assert "FAT32 times are local times of the device, not UTC; their zone is unknown" in note
    assert "give --fs-tz ZONE to convert them to UTC" in note
    french = ok("image", "ls", FAT32_E01, tz="UTC", lang="fr_FR.UTF-8").stderr
    assert "les dates FAT32 sont des heures locales de l'appareil, et non UTC ; leur fuseau est inconnu" in french


def test_dfxml_fat_times_are_the_same_under_every_tz_and_follow_fs_tz() -> None:
    utc, new_york = (ok("image", "ls", "--dfxml", FAT32_E01, tz=zone) for zone in ("UTC", "America/New_York"))
    assert utc.stdout == new_york.stdout and "<mtime>2024-02-28T09:30:00Z</mtime>" in utc.stdout
    assert "FAT32 times are local times of the device" in new_york.stderr
    paris = ok("image", "ls", "--dfxml", "--fs-tz", "Europe/Paris", FAT32_E01, tz="UTC").stdout
    assert "<mtime>2024-02-28T08:30:00Z</mtime>" in paris  # 09:30 on the card, in Paris (UTC+01:00)


def test_ext_and_ntfs_entries_carry_no_fs_tz() -> None:
    image = ROOT / "fixtures/images/dftt/7-undel-ntfs/7-ntfs-undel.dd"
    done = ok("image", "ls", "--json", image, tz="America/New_York")
    assert "fs_tz" not in done.stdout and "local times" not in done.stderr


@pytest.mark.external
@pytest.mark.parametrize(
    ("host", "fs_zone"), [("UTC", "America/New_York"), ("America/New_York", "Africa/Casablanca"), ("UTC", "-05:00")]
)
def test_fs_tz_reads_fat_times_as_fls_z_does(host: str, fs_zone: str) -> None:
    fls = tool("fls")
    posix = {"-05:00": "<-0500>+05:00"}.get(fs_zone, fs_zone)
    oracle = subprocess.run(
        [fls, "-z", posix, "-r", "-m", "/", "-i", "ewf", str(FAT32_E01)],
        env={**os.environ, "TZ": host},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    done = ok("image", "ls", "--bodyfile", "--fs-tz", fs_zone, FAT32_E01, tz=host)
    assert done.stdout == oracle
    assert f"read in the zone {fs_zone} (--fs-tz)" in done.stderr


def test_fs_tz_is_the_label_of_fat_json_lines() -> None:
    done = ok("image", "ls", "--json", "--fs-tz", "Europe/Paris", FAT32_E01, tz="America/New_York")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines and {line["fs_tz"] for line in lines} == {"Europe/Paris"}
    # 09:30 on the card's clock in Paris (UTC+01:00) is 08:30 UTC
    assert {line["mtime"] for line in lines if line["type"] == "dir" and line["mtime"]} == {"2024-03-01T08:30:00Z"}


@pytest.mark.external
def test_e01_dates_agree_with_ewfinfo_run_in_utc() -> None:
    ewfinfo = tool("ewfinfo")
    image = ROOT / "fixtures/images/dfvfs/ext2.E01"
    oracle = subprocess.run(
        [ewfinfo, "-d", "iso8601", str(image)],
        env={**os.environ, "TZ": "UTC"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    dates = [line.split("\t")[-1] for line in oracle.splitlines() if "date:" in line]
    metadata = json.loads(ok("image", "info", "--json", image, tz="Africa/Casablanca").stdout)["metadata"]
    assert [metadata["acquisition_date"], metadata["system_date"]] == [f"{d}Z" for d in dates]
