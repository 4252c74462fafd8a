"""The generated fixtures are the files their manifest describes (cheap checks; the generator itself is not run)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

GENERATED = Path(__file__).resolve().parents[3] / "fixtures" / "generated"
MANIFEST = json.loads((GENERATED / "manifest.json").read_text(encoding="utf-8"))
MD_ROW = re.compile(r"^\| `([^`]+)` \| ([\d,]+) \| `([0-9a-f]{64})` \|$")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@pytest.mark.parametrize("name", sorted(MANIFEST["files"]))
def test_file_matches_manifest(name: str) -> None:
    path = GENERATED / name
    expected = MANIFEST["files"][name]
    assert path.stat().st_size == expected["size"], name
    assert _sha256(path) == expected["sha256"], name


def test_manifest_lists_every_file() -> None:
    on_disk = {p.relative_to(GENERATED).as_posix() for p in GENERATED.rglob("*") if p.is_file()}
    assert on_disk - {"manifest.json", "MANIFEST.md"} == set(MANIFEST["files"])


def test_markdown_manifest_agrees_with_json() -> None:
    rows = {}
    for line in (GENERATED / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if match := MD_ROW.match(line):
            rows[match.group(1)] = {"size": int(match.group(2).replace(",", "")), "sha256": match.group(3)}
    assert rows == MANIFEST["files"]


@pytest.mark.parametrize("image", MANIFEST["images"], ids=lambda image: image["name"])
def test_segments_and_media_digest(image: dict[str, Any]) -> None:
    """Raw and split-raw media hash to the recorded digest; copies of one disk record the same media."""
    segments = [GENERATED / s for s in image["segments"]]
    assert all(s.is_file() for s in segments)
    if image["container"] in ("raw", "split-raw"):
        digest = hashlib.sha256()
        for segment in segments:
            digest.update(segment.read_bytes())
        assert digest.hexdigest() == image["media_sha256"]
        assert sum(s.stat().st_size for s in segments) == image["media_size"]
    if image["same_media_as"]:
        original = next(i for i in MANIFEST["images"] if i["name"] == image["same_media_as"])
        assert original["media_sha256"] == image["media_sha256"]
    assert image["file_systems"], "TSK found no file system when the fixture was generated"
