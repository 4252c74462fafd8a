"""The progress renderer: a rich bar with bytes, throughput and ETA; nothing when quiet or not on a terminal."""

from __future__ import annotations

import io

from rich.console import Console

from cli.progress import RichProgress, progress_for
from evidence.common.progress import NULL_PROGRESS


def test_the_bar_shows_label_and_bytes() -> None:
    out = io.StringIO()
    with RichProgress(Console(file=out, force_terminal=True, width=120)) as progress:
        progress.started("acquiring /dev/sdb", 8 << 20)
        progress.advanced(4 << 20)
        progress.advanced(8 << 20)
        progress.finished()
        progress.advanced(1)  # after finished: ignored, no error
    text = out.getvalue()
    assert "acquiring /dev/sdb" in text
    assert "8.0/8.0 MiB" in text


def test_quiet_or_not_a_terminal_gives_the_null_observer() -> None:
    with progress_for(quiet=True) as progress:
        assert progress is NULL_PROGRESS
    with progress_for(quiet=False) as progress:  # pytest captures stderr: not a terminal
        assert progress is NULL_PROGRESS
