"""Ex01 (EWF2): good sets read as libewf reads them; a corrupt chunk is found by ``verify``, ``image hash`` and any
read, named with its offsets (exit 3), never passed off as zeros (issue 14, item 5).

The fixtures (``fixtures/ewf2``, see its SOURCES.md) were written by libewf 20260924's ``ewfacquire -f encase7-v2``;
``fixtures/ewf2/media.py`` gives back the very media they were acquired from, the oracle for their content. Every
mutant is made here from them: a byte flipped in a compressed chunk, in an uncompressed chunk's data or in its
Adler-32, in the short last chunk, in the second segment, in a pattern fill's table entry; a file cut short, a
corrupt table header. libewf itself reads each mutated chunk as zeros without a word (checked below), so each test
would fail without scelle's check. An ``ewfverify`` that reads Ex01 (not Debian's 20140813) is the oracle for the
sector range when one is on PATH or in ``$SCELLE_EWF2_TOOLS``; only that comparison is skipped without it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.acquisition.verify import verify_image
from evidence.common.errors import ImageError
from evidence.common.messages import LocalisedImageError, error_text
from evidence.common.report import VerificationError
from evidence.ewf.layout2 import Ewf2Chunks
from evidence.sources import open_image
from evidence.sources.ewf import EwfSource
from tests.evidence.support.ewf2_layout import CHECKSUM, COMPRESSED, PATTERN_FILL, Entry, entries, sections
from tests.evidence.support.images import ROOT
from tests.support.tools import tool

pyewf = pytest.importorskip("pyewf", reason="libewf-python (pyewf) is not installed")

EWF2 = ROOT / "fixtures" / "ewf2"
SETS = {"mixed": [EWF2 / "mixed.Ex01"], "stored": [EWF2 / "stored.Ex01", EWF2 / "stored.Ex02"]}
CHUNK = 32768


def _media() -> dict[str, bytes]:
    spec = importlib.util.spec_from_file_location("ewf2_media", EWF2 / "media.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {
        "mixed": module.media("tzrp", 48, 2048, 2026),
        "stored": module.media("trzr", 44, 4096, 1543),
    }


MEDIA = _media()


def _libewf_media(paths: list[Path]) -> tuple[bytes, dict[str, str]]:
    handle = pyewf.handle()
    handle.open([str(path) for path in paths])
    try:
        data = handle.read_buffer_at_offset(handle.get_media_size(), 0)
        return data, {key.lower(): value for key, value in handle.get_hash_values().items()}
    finally:
        handle.close()


def _read_all(source: EwfSource, block: int) -> bytes:
    parts, offset = [], 0
    while offset < source.size:
        parts.append(source.read_at(offset, block))
        offset += len(parts[-1])
    return b"".join(parts)


# -- good sets ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SETS))
def test_good_ex01_is_the_acquired_media_as_libewf_reads_it(name: str) -> None:
    paths = SETS[name]
    assert all(path.read_bytes()[:8] == b"EVF2\r\n\x81\x00" for path in paths)  # a real EWF2 file, not an E01
    expected = MEDIA[name]
    libewf, stored = _libewf_media(paths)
    assert libewf == expected
    assert stored == {"md5": hashlib.md5(expected).hexdigest(), "sha1": hashlib.sha1(expected).hexdigest()}  # noqa: S324
    with open_image(paths[0]) as source:
        assert isinstance(source, EwfSource) and isinstance(source._verifier, Ewf2Chunks)
        assert source.segments == tuple(paths)
        assert _read_all(source, 1 << 20) == expected
        assert _read_all(source, 3000) == expected  # small reads through the chunk cache: zero chunks checked too


@pytest.mark.parametrize("name", sorted(SETS))
def test_good_ex01_verifies_against_its_stored_md5_and_sha1(name: str) -> None:
    report = verify_image(SETS[name])
    assert report.ok
    assert {(c.subject, c.algorithm) for c in report.checks} == {("stored", "md5"), ("stored", "sha1")}


def test_fixtures_hold_every_kind_of_chunk() -> None:
    kinds = {entry.flags for path in (*SETS["mixed"], *SETS["stored"]) for entry in entries(path)}
    assert kinds == {COMPRESSED, CHECKSUM, COMPRESSED | PATTERN_FILL}
    assert [len(entries(path)) for path in SETS["stored"]] == [41, 4]


# -- corrupt chunks -----------------------------------------------------------------------------------------------


def _pick(path: Path, flags: int, last: bool = False) -> Entry:
    found = [entry for entry in entries(path) if entry.flags == flags]
    return found[-1] if last else found[0]


def _mutant(tmp: Path, name: str, where: int, segment: int = 0) -> list[Path]:
    """A copy of set ``name`` with one bit flipped at ``where`` in its segment file ``segment``."""
    copies = []
    for index, path in enumerate(SETS[name]):
        copy = tmp / path.name
        data = bytearray(path.read_bytes())
        if index == segment:
            data[where] ^= 0x10
        copy.write_bytes(bytes(data))
        copies.append(copy)
    return copies


def _cases() -> dict[str, tuple[str, int, int, int, int]]:
    """case -> (set, segment index, byte to flip, chunk reported, its file offset)."""
    mixed, stored = SETS["mixed"][0], SETS["stored"][1]
    compressed = _pick(mixed, COMPRESSED)
    raw = _pick(mixed, CHECKSUM)
    tail = _pick(mixed, CHECKSUM, last=True)
    second = _pick(stored, CHECKSUM)
    pattern = next(entry for entry in entries(mixed) if entry.flags & PATTERN_FILL and entry.offset != 0)
    return {
        "compressed data": ("mixed", 0, compressed.offset + 1000, compressed.chunk, compressed.offset),
        "uncompressed data": ("mixed", 0, raw.offset + 100, raw.chunk, raw.offset),
        "uncompressed checksum": ("mixed", 0, raw.offset + raw.size - 2, raw.chunk, raw.offset),
        "short last chunk": ("mixed", 0, tail.offset + 7, tail.chunk, tail.offset),
        "second segment": ("stored", 1, second.offset + 5000, second.chunk, second.offset),
        # a pattern fill's data is its table entry: the table's checksum fails, its first chunk is refused
        "pattern entry": ("mixed", 0, pattern.entry_at + 2, 0, entries(mixed)[0].entry_at),
    }


CASES = _cases()


def _expected(case: str) -> str:
    name, _segment, _where, chunk, file_offset = CASES[case]
    end = min((chunk + 1) * CHUNK, len(MEDIA[name]))
    return (
        f"corrupt chunk {chunk} (media offset {chunk * CHUNK}, sectors {chunk * CHUNK // 512}-{(end - 1) // 512}, "
        f"file offset {file_offset}): "
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_libewf_alone_passes_the_corrupt_chunk_off_as_other_bytes(case: str, tmp_path: Path) -> None:
    """Why scelle checks: libewf reads every mutant without an error, and returns other bytes than the media: zeros
    for the corrupt chunk, or a changed pattern for a damaged pattern-fill entry."""
    name, segment, where, chunk, _offset = CASES[case]
    paths = _mutant(tmp_path, name, where, segment)
    data, _stored = _libewf_media(paths)
    assert len(data) == len(MEDIA[name]) and data != MEDIA[name]
    if case != "pattern entry":
        start, end = chunk * CHUNK, min((chunk + 1) * CHUNK, len(data))
        assert data[start:end] == bytes(end - start) != MEDIA[name][start:end]
        assert data[:start] + data[end:] == MEDIA[name][:start] + MEDIA[name][end:]


@pytest.mark.parametrize("case", sorted(CASES))
def test_verify_names_the_corrupt_chunk(case: str, tmp_path: Path) -> None:
    name, segment, where, _chunk, _offset = CASES[case]
    paths = _mutant(tmp_path, name, where, segment)
    with pytest.raises(VerificationError) as caught:
        verify_image(paths[:1])
    assert caught.value.exit_code == 3
    (problem,) = caught.value.report.problems
    assert str(problem).startswith(f"{paths[segment]}: {_expected(case)}")  # the segment file that holds the chunk


@pytest.mark.parametrize("case", sorted(CASES))
def test_any_read_of_the_corrupt_chunk_fails_never_zeros(case: str, tmp_path: Path) -> None:
    name, segment, where, chunk, _offset = CASES[case]
    paths = _mutant(tmp_path, name, where, segment)
    with open_image(paths[0]) as source:
        for offset, length in ((chunk * CHUNK + 100, 10), (chunk * CHUNK, 1 << 20), (0, source.size)):
            with pytest.raises(LocalisedImageError, match=re.escape(_expected(case))) as caught:
                source.read_at(offset, length)
            assert caught.value.exit_code == 3
        french = error_text(caught.value, "fr")
        assert f"bloc {chunk} corrompu (offset {chunk * CHUNK} du support, secteurs" in french
        assert "checksum" not in french and "chunk" not in french  # the reason is in French too
        after = (chunk + 1) * CHUNK
        if after < source.size and case != "pattern entry":  # the next chunk still reads
            assert source.read_at(after, 512) == MEDIA[name][after : after + 512]


def run_scelle(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def run_bytes(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, check=False)


@pytest.mark.parametrize("case", ["compressed data", "second segment"])
def test_image_hash_and_verify_commands_exit_3_with_one_line(case: str, tmp_path: Path) -> None:
    name, segment, where, _chunk, _offset = CASES[case]
    paths = _mutant(tmp_path, name, where, segment)
    for command in (("image", "hash"), ("verify",)):
        result = run_scelle(*command, str(paths[0]))
        assert result.returncode == 3, result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("scelle: error: ")]
        assert len(errors) == 1 and _expected(case) in errors[0], result.stderr
        assert "Traceback" not in result.stderr
    assert "sha256:" not in run_scelle("image", "hash", str(paths[0])).stdout  # no digest of zero-filled media


def _ewfverify_for_ex01() -> str:
    """An ewfverify that reads Ex01: from $SCELLE_EWF2_TOOLS or PATH; skips when the one found cannot."""
    folder = os.environ.get("SCELLE_EWF2_TOOLS")
    program = tool("ewfverify", directory=Path(folder) if folder else None)
    probe = subprocess.run([program, "-q", str(SETS["mixed"][0])], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"{program} does not read Ex01 (libewf before 2016; set SCELLE_EWF2_TOOLS to a newer build)")
    return program


@pytest.mark.external
@pytest.mark.parametrize("case", sorted(set(CASES) - {"pattern entry"}))
def test_ewfverify_reports_the_same_sectors(case: str, tmp_path: Path) -> None:
    ewfverify = _ewfverify_for_ex01()
    name, segment, where, chunk, _offset = CASES[case]
    paths = _mutant(tmp_path, name, where, segment)
    result = subprocess.run([ewfverify, "-q", str(paths[0])], capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stdout
    end = min((chunk + 1) * CHUNK, len(MEDIA[name]))
    assert f"at sector(s): {chunk * CHUNK // 512} - {(end - 1) // 512} " in result.stdout, result.stdout
    assert "total number: 1\n" in result.stdout


# -- damaged files ------------------------------------------------------------------------------------------------


def test_a_cut_ex01_is_refused_as_damaged(tmp_path: Path) -> None:
    data = SETS["mixed"][0].read_bytes()
    for keep in (len(data) - 100, len(data) // 2, 4096):
        cut = tmp_path / "cut.Ex01"
        cut.write_bytes(data[:keep])
        with pytest.raises(ImageError, match=r"cut\.Ex01: damaged Ex01 segment file: the section descriptor at offset"):
            open_image(cut)


def test_a_corrupt_table_header_is_refused_as_damaged(tmp_path: Path) -> None:
    (table,) = [start for kind, start, _descriptor in sections(SETS["mixed"][0]) if kind == 0x04]
    paths = _mutant(tmp_path, "mixed", table + 3)
    with pytest.raises(ImageError, match=rf"the chunk table at offset {table} is corrupt \(header checksum") as caught:
        open_image(paths[0])
    assert caught.value.exit_code == 3


def test_a_missing_last_segment_is_refused(tmp_path: Path) -> None:
    first = tmp_path / "stored.Ex01"
    shutil.copy(SETS["stored"][0], first)
    with pytest.raises(ImageError) as caught:
        open_image(first)
    assert "\n" not in str(caught.value) and "stored.E" in str(caught.value)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_flipped_byte_of_stored_chunk_data_is_detected(data: st.DataObject) -> None:
    stored = [entry for entry in entries(SETS["mixed"][0]) if not entry.flags & PATTERN_FILL]
    entry = data.draw(st.sampled_from(stored))
    where = data.draw(st.integers(entry.offset, entry.offset + entry.size - 1))
    bit = data.draw(st.integers(0, 7))
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "flip.Ex01"
        mutated = bytearray(SETS["mixed"][0].read_bytes())
        mutated[where] ^= 1 << bit
        copy.write_bytes(bytes(mutated))
        with open_image(copy) as source, pytest.raises(ImageError, match=rf"corrupt chunk {entry.chunk} "):
            _read_all(source, 1 << 20)


# -- a file system in an Ex01 -------------------------------------------------------------------------------------

EXT4 = ROOT / "fixtures" / "generated" / "ext4.raw"


def test_ex01_file_system_lists_and_hashes_as_its_raw_original() -> None:
    raw = run_scelle("image", "ls", str(EXT4), "--json", "--hash")
    ex01 = run_scelle("image", "ls", str(EWF2 / "ext4.Ex01"), "--json", "--hash")
    assert raw.returncode == ex01.returncode == 0, ex01.stderr
    assert ex01.stdout == raw.stdout and '"sha256"' in raw.stdout


def test_reading_a_file_over_a_corrupt_chunk_fails_with_the_chunk(tmp_path: Path) -> None:
    content = run_bytes("image", "cat", str(EXT4), "--path", "gros.bin")
    media = EXT4.read_bytes()
    start = media.find(content.stdout[:4096])
    assert start > 0 and len(content.stdout) == 70000 and bytes(4096) not in content.stdout
    chunk = start // CHUNK + 1  # a chunk that holds only gros.bin's data
    entry = entries(EWF2 / "ext4.Ex01")[chunk]
    assert (chunk + 1) * CHUNK <= start + 70000 and entry.flags in (COMPRESSED, CHECKSUM)
    data = bytearray((EWF2 / "ext4.Ex01").read_bytes())
    data[entry.offset + 50] ^= 4
    bad = tmp_path / "bad.Ex01"
    bad.write_bytes(bytes(data))
    expected = f"bad.Ex01: corrupt chunk {chunk} (media offset {chunk * CHUNK}, sectors {chunk * 64}-{chunk * 64 + 63}"
    for args in (("image", "cat", str(bad), "--path", "gros.bin"), ("image", "ls", str(bad), "--hash", "--json")):
        result = run_bytes(*args)
        assert result.returncode == 3, result.stderr
        assert expected.encode() in result.stderr and b"Traceback" not in result.stderr
        assert bytes(4096) not in result.stdout  # never the zeros libewf put in place of the chunk


# -- the inflater, for both EWF2 compression methods ---------------------------------------------------------------


@pytest.mark.parametrize("method", [1, 2], ids=["deflate", "bzip2"])
def test_inflate_checks_the_stream_and_bounds_its_output(method: int) -> None:
    import bz2
    import zlib

    from evidence.ewf.layout2 import _inflate

    chunk = MEDIA["mixed"][:CHUNK]
    packed = zlib.compress(chunk) if method == 1 else bz2.compress(chunk)
    assert _inflate(packed, CHUNK, method) == (chunk, None)
    assert _inflate(packed + b"\0" * 12, CHUNK, method) == (chunk, None)  # padding after the stream is ignored
    assert _inflate(packed[: len(packed) // 2], CHUNK, method)[1] is not None  # cut short
    for where in range(2, len(packed), max(1, len(packed) // 40)):
        flipped = bytearray(packed)
        flipped[where] ^= 0x20
        data, failure = _inflate(bytes(flipped), CHUNK, method)
        # refused: a bad stream (zlib's Adler-32, bzip2's CRC), or one that yields more than the chunk
        assert failure is not None or len(data) != CHUNK, where
    bomb = zlib.compress(bytes(64 << 20)) if method == 1 else bz2.compress(bytes(64 << 20))
    data, failure = _inflate(bomb, CHUNK, method)
    assert failure is None and len(data) == CHUNK + 1  # stops one byte past the chunk: a size error, not 64 MiB
