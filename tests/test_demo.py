"""The README's main job (demo/run.sh) runs end to end on the bundled samples; an E01 is named by its media."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_runs_and_the_bundle_verifies_against_the_e01(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "scelle"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m cli "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "SCELLE": str(shim)}
    out = tmp_path / "out"
    proc = subprocess.run(
        ["bash", str(ROOT / "demo/run.sh"), str(out)], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    verdict = next(line for line in proc.stdout.splitlines() if line.startswith("Verdict"))
    assert verdict.endswith("VÉRIFIÉ") and "NON" not in verdict, verdict
    record = json.loads((out / "disk.E01.acquisition.json").read_text())
    media = record["media_digests"]["sha256"]
    # The E01 is named by the digest of its media (the seized disk), the one the acquired event carries...
    assert f"sha256:{media}" in json.loads((out / "bundle.json").read_text())["selection"]
    html = (out / "rapport.html").read_text()
    assert '<html lang="fr"' in html and media in html
    # ...and a changed copy of the media is refused by the prosecutor's check.
    changed = tmp_path / "changed.raw"
    data = bytearray((ROOT / "fixtures/images/pytsk/image.raw").read_bytes())
    data[5000] ^= 1
    changed.write_bytes(bytes(data))
    command = [
        str(shim),
        "custody",
        "verify",
        str(out / "bundle.json"),
        "--trust",
        str(out / "ledger.pub"),
        "--artefact",
        str(changed),
    ]
    bad = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode == 3, bad.stdout + bad.stderr
    assert "NOT VERIFIED" in bad.stdout
