"""Progress on the other long commands of issue 17 (item 2): `image ls --hash`, `image extract` and `custody export`
of a large artefact file show the same bar on a terminal (a real pseudo-terminal) and timestamped status lines on a
pipe as `image hash` does, in the chosen language, and nothing with --quiet; stdout is never touched."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.cli.custody.test_late_events_cli import PASS, keys, ledger, ok
from tests.cli.test_progress import _env, run_on_terminal

__all__ = ["keys", "ledger"]
ROOT = Path(__file__).resolve().parents[2]
EXT4 = ROOT / "fixtures/generated/ext4.raw"
STAMP = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d scelle: "


def piped(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *map(str, args)],
        cwd=ROOT,
        env=_env(SCELLE_PROGRESS_INTERVAL="0", LANG="C.UTF-8", SCELLE_PASSPHRASE=PASS, **env),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_ls_hash_status_lines_on_a_pipe_and_quiet(tmp_path: Path) -> None:
    shown = piped("image", "ls", EXT4, "--hash", "--json")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stderr.splitlines()
    assert len(lines) >= 3 and all(
        re.match(STAMP + r"listing and hashing the files of \S+ext4\.raw: ", x) for x in lines
    )
    assert re.search(r": done, 270\.8 KiB in \d:\d\d:\d\d \(", lines[-1]), lines[-1]
    quiet = piped("image", "ls", EXT4, "--hash", "--json", "--quiet")
    assert quiet.stderr == "" and quiet.stdout == shown.stdout
    assert piped("image", "ls", EXT4).stderr == ""  # nothing is hashed: nothing to show


def test_ls_hash_bar_on_a_terminal_in_french(tmp_path: Path) -> None:
    code, screen = run_on_terminal(["image", "ls", str(EXT4), "--hash", "--lang", "fr"], _env(LANG="C.UTF-8"))
    assert code == 0, screen
    assert "inventaire et calcul des empreintes des fichiers de" in screen and "270,8 Kio" in screen
    assert "━" in screen or "█" in screen


def test_extract_status_lines_and_bar(tmp_path: Path) -> None:
    shown = piped("image", "extract", EXT4, "/", "--out", tmp_path / "a", "--lang", "fr")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stderr.splitlines()
    assert all(re.match(STAMP + r"extraction dans \S+ : ", x) for x in lines), lines
    assert "terminé, 270,8 Kio en" in lines[-1]
    assert shown.stdout.strip() == str(tmp_path / "a" / "scelle-manifest.json")
    code, screen = run_on_terminal(
        ["image", "extract", str(EXT4), "/", "--out", str(tmp_path / "b")], _env(LANG="C.UTF-8")
    )
    assert code == 0 and "extracting into" in screen and ("━" in screen or "█" in screen), screen
    quiet = piped("image", "extract", EXT4, "/", "--out", tmp_path / "c", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_export_shows_the_hashing_of_a_large_artefact(ledger: Path, keys: dict[str, Path], tmp_path: Path) -> None:
    big = tmp_path / "mailbox.pst"
    big.write_bytes(os.urandom(8 << 20))
    ok(
        "custody", "record", str(ledger), "--key", str(keys["amina"]), "--action", "sealed", "--artefact", str(big),
        "--authority", "TPI-2026-117", "--at", "2026-03-05T10:00:00Z", "--seal", "SC-18",
    )  # fmt: skip
    shown = piped("custody", "export", ledger, "--out", tmp_path / "b1.json", "--artefact", big)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stderr.splitlines()
    assert all(re.match(STAMP + r"hashing \S+mailbox\.pst: ", x) for x in lines), lines
    assert "100.0% (8.0 MiB of 8.0 MiB)" in shown.stderr and ": done, 8.0 MiB in" in lines[-1]
    code, screen = run_on_terminal(
        ["custody", "export", str(ledger), "--out", str(tmp_path / "b2.json"), "--artefact", str(big), "--lang", "fr"],
        _env(LANG="C.UTF-8", SCELLE_PASSPHRASE=PASS),
    )
    assert code == 0 and "calcul des empreintes de" in screen and "8,0 Mio/8,0 Mio" in screen, screen
    quiet = piped("custody", "export", ledger, "--out", tmp_path / "b3.json", "--artefact", big, "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert (tmp_path / "b1.json").read_bytes() == (tmp_path / "b3.json").read_bytes()
