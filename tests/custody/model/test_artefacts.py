"""``--artefact`` names an image scelle acquired through its record, whichever file of the image is given."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from custody.model.artefacts import artefact_from_ref


@pytest.mark.parametrize(("fmt", "first"), [("e01", "cle.E01"), ("raw", "cle")])
def test_an_acquired_image_is_named_by_its_record(tmp_path: Path, fmt: str, first: str) -> None:
    source = tmp_path / "source.bin"
    source.write_bytes(bytes(range(256)) * 4096)
    result = CliRunner().invoke(cli, ["acquire", str(source), str(tmp_path / "cle"), "--format", fmt, "--quiet"])
    assert result.exit_code == 0, result.output
    record = tmp_path / "cle.acquisition.json"
    media = json.loads(record.read_text())
    artefact = artefact_from_ref(str(tmp_path / first))
    # the media's digests from the record and the record's own digest, never the digest of the container file
    assert artefact.acquisition_record == "sha256:" + hashlib.sha256(record.read_bytes()).hexdigest()
    assert artefact.digests["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert artefact.size == source.stat().st_size == media["media_size"]
