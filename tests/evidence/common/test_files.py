"""Safe writes on real files: whole or nothing, modes kept, existing files refused, no temporary left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

import pytest

from evidence.common.files import create_exclusive, fsync_directory, write_atomic


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


class _WriterFailedError(Exception):
    pass


def _half_then_fail(stream: BinaryIO) -> None:
    stream.write(b"half of the new")
    raise _WriterFailedError


def test_bytes_are_written_whole_and_nothing_else_is_left(tmp_path: Path) -> None:
    target = tmp_path / "record.json"
    write_atomic(target, b'{"a":1}', mode=0o644)
    assert target.read_bytes() == b'{"a":1}'
    assert _mode(target) == 0o644 & ~_umask()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.json"]


def test_a_writer_function_streams_the_content(tmp_path: Path) -> None:
    target = tmp_path / "big.bin"

    def three_blocks(stream: BinaryIO) -> None:
        for i in range(3):
            stream.write(bytes([i]) * 1000)

    write_atomic(target, three_blocks, mode=0o644)
    assert target.read_bytes() == b"\x00" * 1000 + b"\x01" * 1000 + b"\x02" * 1000


def test_private_mode_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "key.json"
    write_atomic(target, b"secret", mode=0o600, exclusive=True)
    assert _mode(target) == 0o600


def test_an_existing_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "bundle.json"
    target.write_bytes(b"old and much longer than the new content")
    write_atomic(target, b"new", mode=0o644)
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.json"]


def test_a_failing_writer_leaves_the_original_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "bundle.json"
    target.write_bytes(b"original")
    with pytest.raises(_WriterFailedError):
        write_atomic(target, _half_then_fail, mode=0o644)
    assert target.read_bytes() == b"original"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.json"]


def test_a_failing_first_write_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(_WriterFailedError):
        write_atomic(tmp_path / "new.json", _half_then_fail, mode=0o644, exclusive=True)
    assert list(tmp_path.iterdir()) == []


def test_exclusive_refuses_an_existing_file_and_leaves_it_alone(tmp_path: Path) -> None:
    target = tmp_path / "key.json"
    target.write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        write_atomic(target, b"intruder", mode=0o600, exclusive=True)
    assert target.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.json"]


def test_exclusive_refuses_a_dangling_symbolic_link(tmp_path: Path) -> None:
    link = tmp_path / "key.json"
    link.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FileExistsError):
        write_atomic(link, b"secret", mode=0o600, exclusive=True)
    assert not (tmp_path / "elsewhere").exists()


def test_replacing_a_symbolic_link_replaces_the_link_not_its_target(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"untouched")
    link = tmp_path / "out.json"
    link.symlink_to(victim)
    write_atomic(link, b"bundle", mode=0o644)
    assert victim.read_bytes() == b"untouched"
    assert not link.is_symlink() and link.read_bytes() == b"bundle"


def test_a_missing_directory_is_an_os_error_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "absent" / "x.json", b"data", mode=0o644)
    assert list(tmp_path.iterdir()) == []


def test_create_exclusive_creates_with_the_mode_and_refuses_what_exists(tmp_path: Path) -> None:
    target = tmp_path / "image.001"
    fd = create_exclusive(target, 0o600)
    try:
        os.write(fd, b"segment")
    finally:
        os.close(fd)
    assert target.read_bytes() == b"segment" and _mode(target) == 0o600
    with pytest.raises(FileExistsError):
        create_exclusive(target)
    assert target.read_bytes() == b"segment"


def test_create_exclusive_never_writes_through_a_symbolic_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"untouched")
    (tmp_path / "image.raw").symlink_to(victim)
    with pytest.raises(FileExistsError):
        create_exclusive(tmp_path / "image.raw")
    assert victim.read_bytes() == b"untouched"


def test_fsync_directory_accepts_a_directory_and_refuses_a_missing_one(tmp_path: Path) -> None:
    fsync_directory(tmp_path)
    with pytest.raises(FileNotFoundError):
        fsync_directory(tmp_path / "absent")


def _no_hard_links(source: object, target: object) -> None:
    """``os.link`` on a FAT or exFAT stick (which this machine cannot mount): the file system refuses it."""
    raise PermissionError(1, "Operation not permitted")


def test_exclusive_works_where_hard_links_do_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "link", _no_hard_links)
    target = tmp_path / "offer.scelle"
    write_atomic(target, b"whole offer", mode=0o640, exclusive=True)
    assert target.read_bytes() == b"whole offer"
    assert _mode(target) == 0o640 & ~_umask()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["offer.scelle"]


def test_exclusive_without_hard_links_still_refuses_an_existing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "link", _no_hard_links)
    target = tmp_path / "key.json"
    target.write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        write_atomic(target, b"intruder", mode=0o600, exclusive=True)
    assert target.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.json"]
