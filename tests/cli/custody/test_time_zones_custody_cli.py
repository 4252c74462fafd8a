"""Issue 17 (time): custody times are stored in UTC with the zone they were given in, the same whatever the host's
``TZ``; every display shows one zone (``--tz``, else the host's) with its offset on every line. Real runs of the CLI
in a subprocess with ``TZ`` set, as an examiner's shell has it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from custody.model.keys import generate_key, save_private_key

PASS = "correct horse battery staple"  # noqa: S105 - a test passphrase
ZONES = ("UTC", "Africa/Casablanca", "America/New_York")


def scelle(*args: str | Path, tz: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": tz, "SCELLE_PASSPHRASE": PASS, "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-m", "cli", "custody", *map(str, args)], env=env, capture_output=True, text=True, check=False
    )


def ok(*args: str | Path, tz: str) -> str:
    done = scelle(*args, tz=tz)
    assert done.returncode == 0, (args, tz, done.stdout, done.stderr)
    return done.stdout


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A ledger written by examiners in Rabat (TZ=Africa/Casablanca) and London (TZ=UTC), the issue's chronology:
    19:13 in Rabat (UTC+01:00), then 18:14 in London, one minute later."""
    base = tmp_path_factory.mktemp("zones")
    paths = {"ledger": base / "case.db", "key": base / "amina.key", "lkey": base / "ledger.key", "disk": base / "d"}
    for name, who in (("lkey", "scelle.example/MA-2026-0099"), ("key", "Amina El Idrissi")):
        pair = generate_key(name=who, role="examiner", organisation="DGSN", country="MA")
        save_private_key(pair, paths[name], PASS.encode(), rounds=4)
    paths["disk"].write_bytes(b"\x00" * 4096)
    rabat, london = "Africa/Casablanca", "UTC"
    ledger, key = paths["ledger"], paths["key"]
    ok(
        "init",
        ledger,
        "--case",
        "MA-2026-0099",
        "--origin",
        "scelle.example/MA-2026-0099",
        "--key",
        paths["lkey"],
        tz=rabat,
    )
    ok(
        "authority", "add", ledger, "--key", key, "--instrument", "domestic-order", "--issuing-state", "MA",
        "--issuing-authority", "Tribunal de première instance de Rabat", "--issuing-authority-type", "court",
        "--reference", "TPI-2026-300", "--issued", "2026-11-30", "--valid-until", "2026-12-31",
        "--offence", "fraude informatique", "--scope", "content",
        tz=rabat,
    )  # fmt: skip
    record = ("record", ledger, "--key", key, "--artefact", paths["disk"], "--authority", "TPI-2026-300")
    ok(*record, "--action", "seized", "--at", "2026-12-01T19:13", "--category", "content", tz=rabat)
    ok(*record, "--action", "sealed", "--at", "2026-12-01T18:14", tz=london)
    ok(*record, "--action", "stored", tz="America/New_York")  # now, in the host's zone
    return paths


def stored(case: dict[str, Path], tz: str) -> dict[str, object]:
    return json.loads(ok("show", case["ledger"], "--json", tz=tz))  # type: ignore[no-any-return]


def test_stored_data_is_utc_and_the_same_under_every_tz(case: dict[str, Path]) -> None:
    shown = [ok("show", case["ledger"], "--json", tz=zone) for zone in ZONES]
    assert len(set(shown)) == 1
    bodies = [entry["body"] for entry in stored(case, "UTC")["entries"]]  # type: ignore[index]
    authority = next(b for b in bodies if "instrument" in b)
    # a date without zone is read in the user's zone (Rabat, UTC+01:00 in November), which is kept
    assert authority["issued"] == "2026-11-29T23:00:00Z"
    assert authority["valid_until"] == "2026-12-31T22:59:59.999999Z"  # the end of 31 December in Rabat, included
    assert authority["tz"] == "Africa/Casablanca"
    events = [b for b in bodies if "action" in b]
    assert [(e["action"], e["occurred_at"], e["occurred_tz"]) for e in events[:2]] == [
        ("seized", "2026-12-01T18:13:00Z", "Africa/Casablanca"),
        ("sealed", "2026-12-01T18:14:00Z", "UTC"),
    ]
    assert events[2]["occurred_tz"] == "America/New_York"  # it was Z whatever the host's zone


_OFFSET = re.compile(r"UTC[+-][0-9]{2}:[0-9]{2}")


@pytest.mark.parametrize(
    ("zone", "offset", "seized", "sealed"),
    [
        ("UTC", "UTC+00:00", "2026-12-01 18:13:00", "2026-12-01 18:14:00"),
        ("Africa/Casablanca", "UTC+01:00", "2026-12-01 19:13:00", "2026-12-01 19:14:00"),
        ("America/New_York", "UTC-05:00", "2026-12-01 13:13:00", "2026-12-01 13:14:00"),
    ],
)
def test_show_reads_one_zone_with_its_offset_on_every_line(
    case: dict[str, Path], zone: str, offset: str, seized: str, sealed: str
) -> None:
    lines = ok("show", case["ledger"], tz=zone).splitlines()
    timed = [line for line in lines if " key " not in line]  # a key entry has no time
    assert len(timed) == 5 and all(_OFFSET.search(line) for line in timed)  # ledger, authority, events
    assert {o for line in timed for o in _OFFSET.findall(line)} == {offset}  # never mixed
    assert any(f"{seized} {offset} [Africa/Casablanca] seized" in line for line in lines)
    assert any(f"{sealed} {offset} [UTC] sealed" in line for line in lines)
    authority = next(line for line in lines if "TPI-2026-300" in line)
    assert authority.endswith("[Africa/Casablanca]")


def test_the_report_keeps_one_zone_and_the_original_zones(case: dict[str, Path], tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    summary = ok("export", case["ledger"], "--out", tmp_path / "b.json", "--report", report, tz="America/New_York")
    after = summary[summary.index("Timeline of custody (times shown in America/New_York):") :].splitlines()[1:]
    timeline = [line for line in after if line.startswith("  2026-")]
    assert len(timeline) == 3 and all(line[18:28] == " UTC-05:00" for line in timeline)
    # it read 19:13 (UTC+01:00), 19:14, then 18:14 (UTC+00:00) before
    assert [line[2:18] for line in timeline[:2]] == ["2026-12-01 13:13", "2026-12-01 13:14"]
    assert timeline[0].endswith("[original zone: Africa/Casablanca, 2026-12-01 19:13 UTC+01:00]")
    assert timeline[1].endswith("[original zone: UTC, 2026-12-01 18:14 UTC+00:00]")
    page = report.read_text(encoding="utf-8")
    assert '<th scope="row">Times shown in</th><td>America/New_York</td>' in page
    # the order issued on 30 November in Rabat reads as such in Rabat, not as "2026-11-29 23:00 UTC"
    assert (
        "2026-11-29 18:00 UTC-05:00" in page and "original zone: Africa/Casablanca, 2026-11-30 00:00 UTC+01:00" in page
    )
    rabat = ok(
        "export", case["ledger"], "--out", tmp_path / "c.json", "--tz", "Africa/Casablanca", "--lang", "fr", tz="UTC"
    )
    assert "2026-12-01 19:13 UTC+01:00" in rabat and "2026-12-01 19:14 UTC+01:00" in rabat
    assert "[fuseau d'origine\u00a0: UTC, 2026-12-01 18:14 UTC+00:00]" in rabat


def test_the_same_typed_time_and_zone_give_the_same_record_under_every_host_tz(
    case: dict[str, Path], tmp_path: Path
) -> None:
    ledger = tmp_path / "other.db"
    ok("init", ledger, "--case", "X-1", "--origin", "scelle.example/X-1", "--key", case["lkey"], tz="UTC")
    ok(
        "authority", "add", ledger, "--key", case["key"], "--instrument", "domestic-order", "--issuing-state", "MA",
        "--issuing-authority", "TPI Rabat", "--reference", "TPI-1", "--issued", "2026-11-30", "--valid-until",
        "2026-12-31", "--offence", "fraude", "--scope", "content", "--tz", "Africa/Casablanca",
        tz="America/New_York",
    )  # fmt: skip
    stored = []
    for minute, zone in enumerate(ZONES):
        at = f"2026-12-02T10:0{minute}"
        args = (
            "record",
            ledger,
            "--key",
            case["key"],
            "--action",
            "analysed",
            "--artefact",
            case["disk"],
            "--authority",
            "TPI-1",
        )
        body = json.loads(ok(*args, "--at", at, "--tz", "Africa/Casablanca", "--json", tz=zone))["entry"]
        stored.append((body["occurred_at"], body["occurred_tz"]))
    assert stored == [(f"2026-12-02T09:0{minute}:00Z", "Africa/Casablanca") for minute in range(len(ZONES))]
