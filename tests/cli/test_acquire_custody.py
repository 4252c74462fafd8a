"""`scelle acquire --ledger`: the acquired event is appended in the same run, or nothing is read at all."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from custody.ledger.ledger import Ledger
from custody.ledger.verify import verify_ledger
from custody.model.keys import generate_key, save_private_key
from custody.model.records import Event
from tests.custody.support.factories import domestic_order, utc

PASS = "acquisition passphrase"  # noqa: S105 - a test passphrase
FAST_KDF = {"rounds": 4}


def run(*args: str, passphrase: str = PASS) -> Result:
    return CliRunner().invoke(cli, list(args), env={"SCELLE_PASSPHRASE": passphrase})


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    paths = {name: tmp_path / f"{name}.key" for name in ("ledger", "amina")}
    ledger_key = generate_key(name="scelle.example/MA-2026-0042", role="ledger", organisation="DGSN", country="MA")
    amina = generate_key(name="Amina El Idrissi", role="examiner", organisation="DGSN", country="MA")
    save_private_key(ledger_key, paths["ledger"], PASS.encode(), **FAST_KDF)
    save_private_key(amina, paths["amina"], PASS.encode(), **FAST_KDF)
    paths["db"] = tmp_path / "case.db"
    with Ledger.create(
        paths["db"],
        case="MA-2026-0042",
        origin="scelle.example/MA-2026-0042",
        ledger_key=ledger_key,
        key_file=str(paths["ledger"]),
    ) as ledger:
        ledger.add_authority(domestic_order(valid_until=utc(2099, 1, 1)), amina, now=utc(2026, 3, 1))
        ledger.add_authority(
            domestic_order(id="au-expired", reference="TPI-OLD", valid_until=utc(2026, 3, 2)),
            amina,
            now=utc(2026, 3, 1),
        )
    paths["source"] = tmp_path / "source.bin"
    paths["source"].write_bytes(os.urandom(3 << 20))
    return paths


def test_acquire_appends_the_acquired_event_with_the_record_digests(setup: dict[str, Path], tmp_path: Path) -> None:
    before = hashlib.sha256(setup["source"].read_bytes()).hexdigest()
    out = tmp_path / "disk.raw"
    result = run(
        "acquire",
        str(setup["source"]),
        str(out),
        "--ledger",
        str(setup["db"]),
        "--key",
        str(setup["amina"]),
        "--authority",
        "TPI-RABAT-2026-117",
        "--seal",
        "SC-17",
        "--tz",
        "Africa/Casablanca",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    assert "custody: recorded acquired ev-" in result.output
    record_file = tmp_path / "disk.raw.acquisition.json"
    record = json.loads(record_file.read_bytes())
    with Ledger.open(setup["db"]) as ledger:
        event = ledger.entries()[-1].body
    assert isinstance(event, Event) and event.action == "acquired"
    assert dict(event.artefacts[0].digests) == record["media_digests"]
    assert event.artefacts[0].acquisition_record == "sha256:" + hashlib.sha256(record_file.read_bytes()).hexdigest()
    assert (event.seal, event.occurred_tz, event.authorities) == ("SC-17", "Africa/Casablanca", ("au-ma-order",))
    assert record["media_digests"]["sha256"] == before == hashlib.sha256(setup["source"].read_bytes()).hexdigest()
    assert verify_ledger(str(setup["db"]), unsafe_trust_embedded_key=True).ok


@pytest.mark.parametrize(
    ("extra", "passphrase", "fragment"),
    [
        (("--authority", "NOPE"), PASS, "no authority with id or reference 'NOPE'"),
        (("--authority", "TPI-OLD"), PASS, "not valid at"),
        ((), PASS, "needs --authority"),
        (("--authority", "TPI-RABAT-2026-117"), "wrong passphrase", "passphrase"),
    ],
)
def test_a_wrong_authority_or_key_is_refused_before_anything_is_read(
    setup: dict[str, Path], tmp_path: Path, extra: tuple[str, ...], passphrase: str, fragment: str
) -> None:
    out = tmp_path / "disk.raw"
    result = run(
        "acquire",
        str(setup["source"]),
        str(out),
        "--ledger",
        str(setup["db"]),
        "--key",
        str(setup["amina"]),
        *extra,
        "--quiet",
        passphrase=passphrase,
    )
    assert result.exit_code == 1, result.output
    assert fragment in result.output and "Traceback" not in result.output
    assert list(tmp_path.glob("disk.raw*")) == []


def test_ledger_options_need_the_ledger(setup: dict[str, Path], tmp_path: Path) -> None:
    result = run("acquire", str(setup["source"]), str(tmp_path / "x.raw"), "--key", str(setup["amina"]))
    assert result.exit_code == 1 and "go with --ledger" in result.output
