"""Progress of long commands: a bar on a terminal (a real pseudo-terminal), timestamped status lines on a pipe,
nothing with --quiet; words in the chosen language."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from cli.lang import locale_lang
from cli.progress import RichProgress, StatusLines, progress_for, size_text, status_text
from evidence.common.progress import NULL_PROGRESS

ROOT = Path(__file__).resolve().parents[2]
MiB = 1 << 20


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"LC_ALL", "LC_MESSAGES", "LANG"}}
    return {**env, "COLUMNS": "200", **extra}


def _image(tmp_path: Path, size: int = 8 * MiB) -> Path:
    path = tmp_path / "disk.img"
    path.write_bytes(os.urandom(size))
    return path


def run_on_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``scelle ARGS`` with stderr on a pseudo-terminal; return its exit status and what the terminal got."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.stdout is not None
    proc.stdout.read()
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_gets_a_bar_with_percent_elapsed_remaining_and_rate(tmp_path: Path) -> None:
    code, screen = run_on_terminal(["image", "hash", str(_image(tmp_path))], _env(LANG="C.UTF-8"))
    assert code == 0, screen
    assert "hashing" in screen and "disk.img" in screen
    assert "100.0%" in screen
    assert "8.0 MiB/8.0 MiB" in screen
    assert re.search(r"\d+(\.\d)? [KMG]iB/s", screen), screen  # throughput in binary units, as the sizes
    assert re.search(r"elapsed \d:\d\d:\d\d", screen) and "remaining" in screen
    assert "━" in screen or "█" in screen  # the bar itself


def test_the_bar_speaks_french_under_a_french_locale(tmp_path: Path) -> None:
    code, screen = run_on_terminal(["image", "hash", str(_image(tmp_path))], _env(LANG="fr_FR.UTF-8"))
    assert code == 0, screen
    assert "calcul des empreintes de" in screen
    assert "100,0 %" in screen and "8,0 Mio/8,0 Mio" in screen and "Mio/s" in screen
    assert "écoulé" in screen and "restant" in screen


def test_quiet_shows_nothing_on_a_terminal(tmp_path: Path) -> None:
    code, screen = run_on_terminal(["image", "hash", "--quiet", str(_image(tmp_path))], _env())
    assert code == 0
    assert screen == ""


STATUS = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?P<offset>[+-]\d\d:\d\d) scelle: acquiring \S+disk\.img: "
    r"(?P<percent>\d+\.\d)% \(\S+ \S+ of 8\.0 MiB\), \S+ \S+/s, elapsed \d:\d\d:\d\d, remaining \S+$"
)


def test_a_pipe_gets_timestamped_status_lines(tmp_path: Path) -> None:
    image = _image(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "acquire", "--lang", "en", str(image), str(tmp_path / "out.raw")],
        cwd=ROOT,
        env=_env(SCELLE_PROGRESS_INTERVAL="0", TZ="Asia/Tokyo"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    matches = [STATUS.match(line) for line in lines[:-1]]
    assert all(matches), lines
    assert {m.group("offset") for m in matches if m} == {"+09:00"}  # the local time, with its offset
    percents = [float(m.group("percent")) for m in matches if m]
    assert percents[0] == 0.0 and percents[-1] == 100.0 and percents == sorted(percents)
    assert len(percents) >= 3
    assert re.search(r"scelle: acquiring \S+: done, 8\.0 MiB in \d:\d\d:\d\d \(", lines[-1]), lines[-1]


def test_status_lines_respect_the_interval_and_quiet(tmp_path: Path) -> None:
    image = _image(tmp_path)
    base = [sys.executable, "-m", "cli", "image", "hash", str(image)]
    slow = subprocess.run(
        base, cwd=ROOT, env=_env(SCELLE_PROGRESS_INTERVAL="3600"), capture_output=True, text=True, check=True
    )
    assert len(slow.stderr.splitlines()) == 2  # the first line and the last, nothing between
    quiet = subprocess.run([*base, "-q"], cwd=ROOT, env=_env(), capture_output=True, text=True, check=True)
    assert quiet.stderr == ""
    assert quiet.stdout == slow.stdout


def test_a_stopped_operation_says_where_it_stopped() -> None:
    out = io.StringIO()
    with StatusLines(out, "fr", interval=3600) as lines:
        lines.started("acquiring /dev/sdb", 4 * MiB)
        lines.advanced(MiB)
    first, last = out.getvalue().splitlines()
    assert first.endswith(
        "scelle: acquisition de /dev/sdb : 0,0 % (0 o sur 4,0 Mio), 0 o/s, écoulé 0:00:00, restant inconnu"
    )
    assert "scelle: acquisition de /dev/sdb : arrêté à 1,0 Mio après 0:00:00" in last


def test_sizes_and_lines_in_both_languages() -> None:
    assert size_text(1536 * MiB, "en") == "1.5 GiB"
    assert size_text(1536 * MiB, "fr") == "1,5 Gio"
    assert size_text(512, "fr") == "512 o"
    assert status_text("verifying x", 2 * MiB, 4 * MiB, 2.0, "en") == (
        "verifying x: 50.0% (2.0 MiB of 4.0 MiB), 1.0 MiB/s, elapsed 0:00:02, remaining 0:00:02"
    )


def test_the_bar_shows_label_and_bytes() -> None:
    out = io.StringIO()
    with RichProgress(Console(file=out, force_terminal=True, width=160)) as progress:
        progress.started("acquiring /dev/sdb", 8 << 20)
        progress.advanced(4 << 20)
        progress.advanced(8 << 20)
        progress.finished()
        progress.advanced(1)  # after finished: ignored, no error
    text = out.getvalue()
    assert "acquiring /dev/sdb" in text
    assert "8.0 MiB/8.0 MiB" in text and "100.0%" in text


def test_quiet_gives_the_null_observer() -> None:
    with progress_for(quiet=True) as progress:
        assert progress is NULL_PROGRESS


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr_MA"}, "fr"),
        ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "fr_SN.UTF-8"}, "fr"),
        ({"LANG": "fr_FR.UTF-8", "LC_ALL": "C"}, "en"),
        ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": ""}, "fr"),
        ({"LANG": "ar_MA.UTF-8"}, "en"),
    ],
)
def test_the_language_follows_the_locale(env: dict[str, str], lang: str) -> None:
    assert locale_lang(env) == lang
