"""Issue 18, finding 3: a damaged chunk table with an intact backup (``table2``) is read through the backup, and said.

Before, ``verify`` checked all-zero chunks against the primary table only, and reported a false "corrupt chunk"
(exit 3) on images libewf reads correctly through table2. The mutants are made here from real E01 files:

* ``fat32.E01`` (generated, every chunk compressed) and ``e01-rs/image.E01`` / ``sleuthkit/image.E01`` (chunks
  stored uncompressed, the last one short): one bit flipped in a table entry, or in the entries' Adler-32.

scelle must then read the same media as from the original file, say it used table2 (library notice, verify's
report and a warning on stderr), and agree with ``ewfverify``. One documented disagreement: ``ewfverify``
20140813 reading through table2 takes the last uncompressed chunk of a table to run up to the table2 section
instead of the table section, so its stored checksum is read from the wrong place and the chunk is reported bad
(sectors 2560-2580 of ``e01-rs/image.E01``); libewf 20260924 (the pyewf scelle uses) reads it correctly, and so
does scelle's own Adler-32 check of every stored chunk below. See ``test_ewfverify_agrees``.
"""

from __future__ import annotations

import hashlib
import re
import struct
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from evidence.acquisition.verify import verify_image
from evidence.common.errors import ImageError
from evidence.common.report import VerificationError
from evidence.ewf.layout import ChunkVerifier
from evidence.sources import open_image
from tests.evidence.support.images import IMAGES, ROOT
from tests.support.tools import tool

FAT32 = ROOT / "fixtures/generated/fat32.E01"
UNCOMPRESSED = IMAGES / "e01-rs/image.E01"
SHORT = IMAGES / "sleuthkit/image.E01"
DESCRIPTOR = struct.Struct("<16sQQ40sI")


def _tables(data: bytes) -> dict[str, int]:
    """Offset of the table header of the first ``table`` and ``table2`` sections (EWF v1 section chain)."""
    found: dict[str, int] = {}
    offset = 13
    while True:
        kind_raw, following, _size, _pad, _sum = DESCRIPTOR.unpack_from(data, offset)
        kind = kind_raw.rstrip(b"\0").decode()
        if kind in ("table", "table2"):
            found.setdefault(kind, offset + DESCRIPTOR.size)
        if kind in ("next", "done"):
            return found
        offset = following


def _mutant(source: Path, target: Path, *, entry: int | None, table: str = "table", bit: int = 9) -> Path:
    """A copy of ``source`` with one bit flipped in entry ``entry`` (None: in the entries' Adler-32) of ``table``."""
    data = bytearray(source.read_bytes())
    header = _tables(bytes(data))[table]
    count = struct.unpack_from("<I", data, header)[0]
    position = header + 24 + 4 * (count if entry is None else entry)
    data[position + bit // 8] ^= 1 << (bit % 8)
    target.write_bytes(bytes(data))
    return target


def _media(path: Path) -> tuple[str, str]:
    with open_image(path) as source:
        data = source.read_at(0, source.size)
    return hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest()  # noqa: S324 - E01's stored digest


CASES = [
    (FAT32, 3),
    (FAT32, 500),
    (FAT32, 1087),
    (FAT32, None),
    (UNCOMPRESSED, 10),
    (UNCOMPRESSED, 40),
    (UNCOMPRESSED, None),
    (SHORT, 3),
]


@pytest.mark.parametrize(("source", "entry"), CASES)
def test_backup_table_gives_the_original_media(tmp_path: Path, source: Path, entry: int | None) -> None:
    mutant = _mutant(source, tmp_path / source.name, entry=entry)
    assert mutant.read_bytes() != source.read_bytes()
    assert _media(mutant) == _media(source)
    with open_image(mutant) as image:
        assert [notice.code for notice in image.notices] == ["ewf.backup_table"]
        assert "table2" in image.notices[0].text("en") and "copie de secours" in image.notices[0].text("fr")
    report = verify_image([mutant])
    assert report.ok and report.notices
    assert report.to_json()["notes"] == [report.notices[0].text("en")]


@pytest.mark.parametrize("source", [FAT32, UNCOMPRESSED])
def test_every_stored_chunk_checks_out_through_table2(tmp_path: Path, source: Path) -> None:
    # scelle's own check of each stored chunk (Adler-32 or zlib, and its size), not libewf's reading
    mutant = _mutant(source, tmp_path / source.name, entry=None)
    with open_image(mutant) as image:
        chunk_size, size = image.metadata.chunk_size or 0, image.size
    verifier = ChunkVerifier([mutant], chunk_size, size)
    try:
        for chunk in range(verifier.chunk_count):
            verifier.check(chunk)
    finally:
        verifier.close()


def test_intact_images_carry_no_notice() -> None:
    for path in (FAT32, UNCOMPRESSED, SHORT):
        with open_image(path) as image:
            assert image.notices == ()


def test_verify_says_so_on_stderr_and_in_its_report(tmp_path: Path) -> None:
    mutant = _mutant(FAT32, tmp_path / "fat32.E01", entry=3)
    result = CliRunner(env={"SCELLE_LANG": "fr"}).invoke(cli, ["verify", str(mutant)])
    assert result.exit_code == 0, result.output
    assert "scelle: avertissement : " in result.stderr and "copie de secours (table2)" in result.stderr
    assert "remarque : " in result.stdout  # in French too, since SCELLE_LANG=fr
    result = CliRunner().invoke(cli, ["image", "hash", str(mutant)])
    assert result.exit_code == 0 and "backup copy (table2)" in result.stderr


def test_both_tables_damaged_is_never_a_silent_pass(tmp_path: Path) -> None:
    first = _mutant(FAT32, tmp_path / "one.E01", entry=500)
    both = _mutant(first, tmp_path / "both.E01", entry=500, table="table2")
    with pytest.raises((VerificationError, ImageError)):  # a mismatch, or the read refused: never exit 0
        verify_image([both])


@pytest.mark.external
@pytest.mark.parametrize(("source", "entry"), CASES)
def test_ewfverify_agrees(tmp_path: Path, source: Path, entry: int | None) -> None:
    mutant = _mutant(source, tmp_path / source.name, entry=entry)
    done = subprocess.run(
        [tool("ewfverify"), "-q", "-d", "sha1", str(mutant)], capture_output=True, text=True, check=False
    )
    computed = re.search(r"MD5 hash calculated over data:\s+([0-9a-f]{32})", done.stdout)
    _sha256, md5 = _media(mutant)
    if done.returncode == 0:
        assert computed is not None and computed.group(1) == md5
        return
    # The documented libewf 20140813 disagreement (module docstring): only the last chunk, stored uncompressed.
    version = subprocess.run([tool("ewfverify"), "-V"], capture_output=True, text=True, check=False).stdout
    assert "20140813" in version, done.stdout
    with open_image(mutant) as image:
        sectors, chunk = image.size // 512, (image.metadata.chunk_size or 0) // 512
    last = (sectors - 1) // chunk * chunk
    assert f"at sector(s): {last} - {sectors - 1} " in done.stdout, done.stdout
    assert source is not FAT32
