"""Issue 18: ``scelle custody verify BUNDLE`` in memory that does not grow with the whole parsed document.

A bundle of about 5 MB (thousands of signed events) and the scenario's small one are verified by the command in
fresh child processes; each child reports the peak of its resident memory (``VmHWM``, which ``exec`` resets, unlike
``ru_maxrss`` that keeps the peak of the process it was forked from: pytest's). The growth from the small bundle to
the large one must stay under six times the large bundle's size: the report lists every event, so some growth is due,
but the plain reading (the whole document parsed and encoded again) grew by more than ten times the file.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from custody.bundle.export import export_bundle
from custody.model.entries import encode_json
from custody.model.records import Event
from tests.custody.support.bundle_scenario import Scenario, build

REPO = Path(__file__).resolve().parents[3]
EVENTS = 3000
_CHILD = (
    "import sys\n"
    "from cli.main import main\n"
    "sys.argv = ['scelle', *sys.argv[1:]]\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    with open('/proc/self/status', encoding='ascii') as status:\n"
    "        peak = [line.split()[1] for line in status if line.startswith('VmHWM:')]\n"
    "    print('peak-kib', *peak, file=sys.stderr)\n"
)

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc (VmHWM)")


def _write(scenario: Scenario, path: Path) -> Path:
    bundle = export_bundle(scenario.leaves, scenario.checkpoint()).bundle
    path.write_bytes(encode_json(bundle.to_json()))  # compact: the most entries for the bytes
    return path


def _peak_kib(bundle: Path, trust: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "custody", "verify", str(bundle), "--trust", str(trust)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    peaks = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("peak-kib ")]
    assert peaks, done.stderr[-2000:]
    return int(peaks[-1])


def test_verify_memory_does_not_grow_with_the_parsed_document(tmp_path: Path) -> None:
    scenario = build(tmp_path)
    trust = tmp_path / "ledger.pub"
    trust.write_text(scenario.ledger_key.info.vkey + "\n", encoding="utf-8")
    small = _write(scenario, tmp_path / "small.json")
    last = scenario.entries[-1].body
    assert isinstance(last, Event)
    for i in range(EVENTS):
        step = timedelta(minutes=i + 1)
        event = replace(
            last, id=f"ev-bulk-{i}", occurred_at=last.occurred_at + step, recorded_at=last.recorded_at + step
        )
        scenario.add_event(event, scenario.examiner_fr)
    large = _write(scenario, tmp_path / "large.json")
    size_kib = large.stat().st_size // 1024
    assert size_kib > 4 * 1024
    growth = _peak_kib(large, trust) - _peak_kib(small, trust)
    assert growth < 6 * size_kib, f"verifying {size_kib} KiB more of bundle took {growth} KiB more memory"
