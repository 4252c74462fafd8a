"""`scelle batch verify|hash` on a real Dask cluster: the same per-image results as `scelle verify`, damaged images
reported and not fatal, a worker killed mid-image and its image read again elsewhere, ledger events recorded one by
one by the command. Real clusters only: a local cluster started by the command, or a scheduler and two worker
processes started here on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from custody.ledger.ledger import Ledger
from custody.ledger.verify import verify_ledger
from custody.model.keys import generate_key, save_private_key
from custody.model.records import Event
from tests.custody.support.factories import domestic_order, utc
from tests.evidence.support.store import acquire_into, build_store, flip_byte

distributed = pytest.importorskip(
    "distributed", reason="dask.distributed is not installed: pip install -e '.[batch]' (the test extra has it)"
)

ROOT = Path(__file__).resolve().parents[2]
PASS = "batch passphrase"  # noqa: S105 - a test passphrase
MiB = 1 << 20


def scelle(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def damage(images: list[Path]) -> None:
    """Damage seven of the forty images, each in a way an examiner meets."""
    flip_byte(images[3], 100_000)  # raw: one byte changed
    cut = images[4].with_suffix(".004")  # split raw: the last segment cut short
    cut.write_bytes(cut.read_bytes()[:-100])
    flip_byte(images[5], images[5].stat().st_size // 2)  # E01: one byte of compressed data changed
    images[6].with_name(images[6].name + ".acquisition.json").unlink()  # raw: its record lost
    images[8].write_bytes(images[8].read_bytes()[:5])  # E01: cut to the start of its signature
    images[10].with_suffix(".002").unlink()  # split raw: a middle segment lost
    record = images[12].with_name(images[12].name + ".acquisition.json")
    record.write_text(record.read_text(encoding="utf-8").replace('"complete"', '"incomplete"'), encoding="utf-8")


@pytest.fixture
def examiner(tmp_path: Path) -> dict[str, Path]:
    paths = {"ledger": tmp_path / "ledger.key", "amina": tmp_path / "amina.key", "db": tmp_path / "case.db"}
    ledger_key = generate_key(name="scelle.example/MA-2026-0042", role="ledger", organisation="DGSN", country="MA")
    amina = generate_key(name="Amina El Idrissi", role="examiner", organisation="DGSN", country="MA")
    save_private_key(ledger_key, paths["ledger"], PASS.encode(), rounds=4)
    save_private_key(amina, paths["amina"], PASS.encode(), rounds=4)
    with Ledger.create(
        paths["db"],
        case="MA-2026-0042",
        origin="scelle.example/MA-2026-0042",
        ledger_key=ledger_key,
        key_file=str(paths["ledger"]),
    ) as ledger:
        ledger.add_authority(domestic_order(valid_until=utc(2099, 1, 1)), amina, now=utc(2026, 3, 1))
    return paths


def single_verify(image: str) -> dict[str, Any]:
    """What `scelle verify IMAGE --json` says: exit code, report, error line."""
    done = CliRunner().invoke(cli, ["verify", image, "--json", "--quiet"])
    error = [line for line in done.stderr.splitlines() if line.startswith("scelle: error: ")]
    return {
        "exit_code": done.exit_code,
        "report": json.loads(done.stdout) if done.stdout.strip() else None,
        "error": error[0].removeprefix("scelle: error: ") if error else None,
    }


def test_forty_images_on_two_workers_give_what_verify_gives_each(tmp_path: Path, examiner: dict[str, Path]) -> None:
    images = build_store(tmp_path / "store", tmp_path / "sources", 40, MiB)
    damage(images)
    report = tmp_path / "batch.jsonl"
    done = scelle(
        "batch",
        "verify",
        tmp_path / "store",
        "--workers",
        "2",
        "--report",
        report,
        "--quiet",
        "--ledger",
        examiner["db"],
        "--key",
        examiner["amina"],
        "--authority",
        "TPI-RABAT-2026-117",
        env={"SCELLE_PASSPHRASE": PASS},
    )
    assert done.returncode == 3, done.stderr  # some images do not match: the worst outcome is the exit code
    assert "Traceback" not in done.stderr
    results = {r["image"]: r for r in map(json.loads, report.read_text(encoding="utf-8").splitlines())}
    assert sorted(results) == sorted(str(p) for p in images)
    for image, result in results.items():
        alone = single_verify(image)
        assert result["exit_code"] == alone["exit_code"], image
        assert result.get("report") == alone["report"], image
        assert result.get("error") == alone["error"], image
    statuses = [results[str(p)]["status"] for p in images]
    assert [i for i, s in enumerate(statuses) if s != "match"] == [3, 4, 5, 6, 8, 10, 12]
    assert {results[str(images[i])]["exit_code"] for i in (3, 4, 10)} == {3}
    assert results[str(images[6])]["exit_code"] == 1  # its record lost: cannot be verified
    assert results[str(images[8])]["exit_code"] == 3  # a cut E01 is damaged evidence, as scelle verify says
    assert len({r["worker"]["pid"] for r in results.values()}) == 2  # both workers read images
    assert "40 images: 33 verified" in done.stdout
    # one verified event per matching image, appended by the command, naming the image through its record
    with Ledger.open(examiner["db"]) as ledger:
        events = [e.body for e in ledger.entries() if isinstance(e.body, Event) and e.body.action == "verified"]
    assert len(events) == 33
    recorded = {
        json.loads(Path(str(p).removesuffix(".001") + ".acquisition.json").read_text())["media_digests"]["sha256"]
        if str(p).endswith(".001")
        else json.loads(Path(f"{p}.acquisition.json").read_text())["media_digests"]["sha256"]
        for i, p in enumerate(images)
        if statuses[i] == "match"
    }
    assert {e.artefacts[0].digests["sha256"] for e in events} == recorded
    assert all(r["custody"]["entry"].startswith("ev-") for r in results.values() if r["status"] == "match")
    assert verify_ledger(str(examiner["db"]), unsafe_trust_embedded_key=True).ok


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A scheduler and two worker processes (no nanny: a killed worker stays dead) on 127.0.0.1."""
    file = tmp_path / "scheduler.json"
    common = ["--no-dashboard"]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--scheduler-file",
                str(file),
                *common,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        if not file.exists():
            pytest.fail("the Dask scheduler did not start within 60 s (python -m distributed.cli.dask_scheduler)")
        address = json.loads(file.read_text(encoding="utf-8"))["address"]
        processes += [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "distributed.cli.dask_worker",
                    address,
                    "--host",
                    "127.0.0.1",
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    *common,
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


def test_a_worker_killed_mid_image_is_replaced_and_the_report_says_so(
    tmp_path: Path, cluster: tuple[str, list[subprocess.Popen[bytes]]]
) -> None:
    address, _ = cluster
    store, sources = tmp_path / "store", tmp_path / "sources"
    store.mkdir()
    sources.mkdir()
    big = acquire_into(store, sources, 0, "raw", 128 * MiB)  # long enough to be killed while it is read
    small = [acquire_into(store, sources, i, ("split", "e01", "raw")[i % 3], MiB) for i in range(1, 9)]
    manifest = tmp_path / "manifest.txt"
    manifest.write_text("\n".join(str(p) for p in [big, *small]) + "\n", encoding="utf-8")
    report = tmp_path / "batch.jsonl"
    batch = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli",
            "batch",
            "verify",
            str(manifest),
            "--scheduler",
            address,
            "--report",
            str(report),
            "--quiet",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    killed = None
    with distributed.Client(address, timeout=30) as client:

        def running_on(dask_scheduler: Any) -> str | None:
            for key, state in dask_scheduler.tasks.items():
                if str(key).startswith("scelle-verify-0-") and state.processing_on is not None:
                    return str(state.processing_on.address)
            return None

        deadline = time.monotonic() + 120
        while killed is None and time.monotonic() < deadline and batch.poll() is None:
            worker = client.run_on_scheduler(running_on)
            if worker is not None:
                killed = client.run(os.getpid, workers=[worker])[worker]
                os.kill(killed, signal.SIGKILL)
            time.sleep(0.02)
    out, err = batch.communicate(timeout=240)
    assert killed is not None, f"the big image's task was never seen running: {err}"
    assert batch.returncode == 0, err
    results = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert len(results) == 9 and {r["status"] for r in results} == {"match"}
    retried = next(r for r in results if r["image"] == str(big))
    assert retried["attempts"] == 2
    assert retried["worker"]["pid"] != killed
    assert "given to another worker, which read it from the start" in retried["note"]
    # an image queued on the killed worker, not yet started, is given to the other one too, and said so
    assert all(("note" in r) == (r["attempts"] > 1) for r in results)
    retried_count = sum(1 for r in results if r["attempts"] > 1)
    said = "1 image given to another worker after its own was lost" if retried_count == 1 else ""
    said = said or f"{retried_count} images given to another worker after theirs was lost"  # the count's form
    assert said in out


def test_hash_in_french_gives_what_image_hash_gives_and_reports_an_unreadable_image(tmp_path: Path) -> None:
    images = build_store(tmp_path / "store", tmp_path / "sources", 3, MiB)
    (tmp_path / "store" / "cut.E01").write_bytes(b"EVF\x09\x0d")
    done = scelle("batch", "hash", tmp_path / "store", "--workers", "1", "--json", "--lang", "fr")
    assert done.returncode == 3, done.stderr  # the cut E01 is damaged evidence: exit 3, as image hash gives
    results = {r["image"]: r for r in map(json.loads, done.stdout.splitlines())}
    for image in images:
        alone = CliRunner().invoke(cli, ["image", "hash", str(image), "--json", "--quiet"])
        assert results[str(image)]["hash"] == json.loads(alone.stdout)
    cut = results[str(tmp_path / "store" / "cut.E01")]
    assert cut["status"] == "error" and "segment EWF tronqué" in cut["error"]
    assert "4 images : 3 avec leurs empreintes, 1 illisible" in done.stderr  # « 1 illisible », in its singular
    assert "ordonnanceur Dask tcp://127.0.0.1:" in done.stderr


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_bad_input_is_one_line_and_exit_1(tmp_path: Path, lang: str) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "a.raw").write_bytes(b"\0" * 512)
    (tmp_path / "old.jsonl").write_text("kept\n", encoding="utf-8")
    cases = {
        ("batch", "verify", str(tmp_path / "nowhere")): ("no such evidence store", "dossier de preuves introuvable"),
        ("batch", "hash", str(tmp_path / "store"), "--report", str(tmp_path / "old.jsonl")): (
            "the report already exists",
            "le rapport existe déjà",
        ),
        ("batch", "hash", str(tmp_path / "store"), "--scheduler", "tcp://127.0.0.1:1", "--timeout", "0.5"): (
            "cannot reach the Dask scheduler",
            "impossible de joindre l'ordonnanceur Dask",
        ),
        ("batch", "verify", str(tmp_path / "store"), "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"): (
            "--workers sizes the local cluster",
            "--workers fixe la taille de la grappe locale",
        ),
    }
    for args, (english, french) in cases.items():
        done = CliRunner().invoke(cli, [*args, "--lang", lang, "--quiet"])
        assert done.exit_code == 1, done.output
        prefix = "scelle: erreur : " if lang == "fr" else "scelle: error: "
        assert done.stderr.count("\n") == 1 and done.stderr.startswith(prefix)
        assert (french if lang == "fr" else english) in done.stderr
    assert (tmp_path / "old.jsonl").read_text(encoding="utf-8") == "kept\n"
