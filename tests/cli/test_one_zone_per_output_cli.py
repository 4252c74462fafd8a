"""Issue 17 (time, "never mixed within one report"): the verdict and finding lines of `custody verify` (ledger and
bundle), the RFC 3161 time-stamp line, refusals, the acquisition log and the status lines all show their times in
one zone, ``--tz`` else the host's, each with its offset; what is stored stays UTC. Real runs of the CLI in a
subprocess under ``TZ=UTC``, ``Africa/Casablanca``, ``America/New_York``, and ``--tz Europe/Paris`` on a UTC host.

The expected local times are computed here with ``zoneinfo`` from the stored UTC instants, not with scelle's helper.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from custody.ledger.ledger import Ledger
from custody.model.entries import sign_entry
from custody.model.keys import generate_key, load_private_key, save_private_key
from tests.custody.conftest import draft
from tests.custody.support.factories import utc
from tests.custody.support.tsa import LocalTsa, tsas_fixture  # noqa: F401 - the `tsas` fixture

PASS = "correct horse battery staple"  # noqa: S105 - a test passphrase
#: (host TZ, --tz given or None, the zone every time must be shown in)
SETTINGS = [
    ("UTC", None, "UTC"),
    ("Africa/Casablanca", None, "Africa/Casablanca"),
    ("America/New_York", None, "America/New_York"),
    ("UTC", "Europe/Paris", "Europe/Paris"),
]
_SHOWN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})? ?(UTC)?([+-][0-9]{2}:[0-9]{2})")
_STORED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z")


def scelle(*args: str | Path, tz: str, lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": tz, "SCELLE_PASSPHRASE": PASS, "LANG": lang, "SCELLE_PROGRESS_INTERVAL": "0"}
    env.pop("LC_ALL", None)
    return subprocess.run(
        [sys.executable, "-m", "cli", *map(str, args)], env=env, capture_output=True, text=True, check=False
    )


def ran(*args: str | Path, tz: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    done = scelle(*args, tz=tz)
    assert done.returncode == code, (args, tz, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done


def local(stored: str, zone: str, seconds: bool = True) -> str:
    """A stored UTC instant as the displays must show it in ``zone``: ``YYYY-MM-DD HH:MM[:SS] UTC±HH:MM``."""
    moment = datetime.fromisoformat(stored).astimezone(ZoneInfo(zone))
    offset = moment.strftime("%z")
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M") + f" UTC{offset[:3]}:{offset[3:]}"


def offsets(text: str) -> set[str]:
    """The offsets of every time shown in ``text``."""
    return {match.group(3) for match in _SHOWN.finditer(text)}


_ORIGINAL = re.compile(r"\[(original zone|fuseau d'origine)[^\]]*\]")


def one_zone(text: str, stored: list[str], zone: str) -> None:
    """Every time in ``text`` carries an offset, the one of ``zone`` at that instant; no stored UTC form is left.
    An event's original zone and its local time there, kept beside the time shown (``[original zone: ...]``), is
    the one other clock a report names, by design."""
    text = _ORIGINAL.sub("", text)
    assert not _STORED.search(text), text
    expected = {local(s, zone)[-6:] for s in stored}
    assert offsets(text) and offsets(text) <= expected, (offsets(text), expected, text)


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory, tsas: dict[str, LocalTsa]) -> dict[str, Path]:
    """A ledger with an event recorded in Rabat, time-stamped by a local TSA, exported as a bundle; and a copy of
    it holding one more event written as a scelle that did not apply the rules would have (it occurred after it
    was recorded), which verification finds."""
    base = tmp_path_factory.mktemp("onezone")
    paths = {name: base / name for name in ("case.db", "bad.db", "amina.key", "ledger.key", "ledger.pub", "d")}
    for name, who in (("ledger.key", "scelle.example/MA-2026-0099"), ("amina.key", "Amina El Idrissi")):
        pair = generate_key(name=who, role="examiner", organisation="DGSN", country="MA")
        save_private_key(pair, paths[name], PASS.encode(), rounds=4)
    paths["d"].write_bytes(b"\x00" * 4096)
    ledger = paths["case.db"]
    ran("custody", "key", "show", paths["ledger.key"], "--public", "--out", paths["ledger.pub"], tz="UTC")
    ran("custody", "init", ledger, "--case", "MA-1", "--origin", "scelle.example/MA-2026-0099", "--key",
        paths["ledger.key"], tz="UTC")  # fmt: skip
    ran(
        "custody", "authority", "add", ledger, "--key", paths["amina.key"], "--instrument", "domestic-order",
        "--issuing-state", "MA", "--issuing-authority", "TPI Rabat", "--issuing-authority-type", "court",
        "--reference", "TPI-1", "--issued", "2026-11-30", "--valid-until", "2027-12-31", "--offence", "fraude",
        "--scope", "content", tz="Africa/Casablanca",
    )  # fmt: skip
    ran("custody", "record", ledger, "--key", paths["amina.key"], "--artefact", paths["d"], "--authority", "TPI-1",
        "--action", "seized", "--at", "2026-12-01T19:13", "--category", "content", tz="Africa/Casablanca")  # fmt: skip
    with tsas["trusted"].serve() as url:
        ran("custody", "timestamp", ledger, "--tsa", url, tz="UTC")
    paths["bundle"] = base / "bundle.json"
    ran("custody", "export", ledger, "--out", paths["bundle"], tz="UTC")
    paths["bad.db"].write_bytes(ledger.read_bytes())
    signer = load_private_key(paths["amina.key"], PASS.encode())
    with Ledger.open(paths["bad.db"], ledger_key=load_private_key(paths["ledger.key"], PASS.encode())) as opened:
        authority = opened.resolve_authority("TPI-1").id
        event = opened.build_event(
            draft("analysed", at=(2026, 12, 5, 10), authorities=(authority,)),
            signer.info.handler,
            now=utc(2026, 12, 2, 8),
        )
        with opened.store.transaction():
            opened._write([sign_entry("event", event, [signer])])
    return paths


def _zone_args(given: str | None) -> tuple[str, ...]:
    return () if given is None else ("--tz", given)


@pytest.mark.parametrize(("host", "given", "zone"), SETTINGS)
def test_ledger_verify_findings_and_time_stamp_in_one_zone(
    case: dict[str, Path], tsas: dict[str, LocalTsa], host: str, given: str | None, zone: str
) -> None:
    args = ("custody", "verify", case["bad.db"], "--trust", case["ledger.pub"], "--tsa-cert", tsas["trusted"].ca)
    done = ran(*args, *_zone_args(given), tz=host, code=3)
    data = json.loads(ran(*args, "--json", tz=host, code=3).stdout)  # the same run as data: UTC
    stamp = data["timestamps"][0]["time"]
    assert _STORED.fullmatch(stamp)
    finding = next(line for line in done.stdout.splitlines() if "is recorded" in line or "recorded" in line)
    # occurred 2026-12-05 10:00Z, recorded 2026-12-02 08:00Z: both in the one zone
    assert local("2026-12-05T10:00:00Z", zone) in finding and local("2026-12-02T08:00:00Z", zone) in finding
    assert f"time-stamped {local(stamp, zone)} by CN=Trusted TSA" in done.stdout
    one_zone(done.stdout + done.stderr, ["2026-12-05T10:00:00Z", stamp], zone)
    # the final error line too, in French as asked, never English
    french = ran(*args, *_zone_args(given), "--lang", "fr", tz=host, code=3)
    last = french.stderr.strip().splitlines()[-1]
    assert last.startswith("scelle") and local("2026-12-02T08:00:00Z", zone) in last
    assert "(and " not in last and "entrée" in last and "événement" in last, last
    one_zone(french.stdout + french.stderr, ["2026-12-05T10:00:00Z", stamp], zone)


@pytest.mark.parametrize(("host", "given", "zone"), SETTINGS)
def test_bundle_verdict_timeline_and_time_stamp_in_one_zone(
    case: dict[str, Path], tsas: dict[str, LocalTsa], host: str, given: str | None, zone: str, tmp_path: Path
) -> None:
    args = ("custody", "verify", case["bundle"], "--trust", case["ledger.pub"], "--tsa-cert", tsas["trusted"].ca)
    report = tmp_path / "report.html"
    done = ran(*args, *_zone_args(given), "--report", report, tz=host)
    stamp = json.loads(ran(*args, "--json", tz=host).stdout)
    times = [f["params"]["time"] for f in stamp["findings"] if f["code"] == "timestamp.ok"]
    assert len(times) == 1 and _STORED.fullmatch(times[0])  # the JSON keeps the stored instant
    assert f"existed at {local(times[0], zone)} according to the time-stamping authority" in done.stdout
    assert local("2026-12-01T18:13:00Z", zone, seconds=False) in done.stdout  # the seizure, on the timeline
    one_zone(done.stdout, [times[0], "2026-12-01T18:13:00Z"], zone)
    page = report.read_text(encoding="utf-8")
    assert f"existed at {local(times[0], zone)} according" in page  # the report's own verdict, same zone


@pytest.mark.parametrize(("host", "given", "zone"), SETTINGS)
def test_acquisition_log_and_status_lines_in_the_examiners_zone(
    tmp_path: Path, host: str, given: str | None, zone: str
) -> None:
    source = tmp_path / "usb.raw"
    source.write_bytes(bytes(range(256)) * 4096)
    done = ran("acquire", source, tmp_path / "cle2", "--format", "raw", *_zone_args(given), "--verify", tz=host)
    record = json.loads((tmp_path / "cle2.acquisition.json").read_text(encoding="utf-8"))
    started, ended = record["started_at"], record["ended_at"]
    assert _STORED.fullmatch(started) and _STORED.fullmatch(ended)  # the record stays UTC
    log = (tmp_path / "cle2.acquisition.txt").read_text(encoding="utf-8")
    assert f"Times shown in: {zone}" in log
    assert f"Started: {local(started, zone)}" in log and f"Ended: {local(ended, zone)}" in log
    one_zone(log, [started, ended], zone)
    status = [line for line in done.stderr.splitlines() if " scelle: " in line]
    assert status, done.stderr
    stamps = {line.split(" ", 1)[0] for line in status}
    # ISO 8601 with the offset of that zone at the acquisition's time
    assert {stamp[-6:] for stamp in stamps} == {local(started, zone)[-6:]}, stamps
