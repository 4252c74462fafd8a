"""Raw (dd-style) output: one file, or fixed-size segments ``OUTPUT.001``, ``OUTPUT.002``, ... (``--split``).

Outputs are written safely: each file is created with ``O_EXCL`` (an existing file is never overwritten), written
with ``os.write`` straight from the pipeline's buffers (no copies), and ``fsync``-ed when complete, with its
directory. While writing, already-written ranges are handed to the kernel for write-back
(``POSIX_FADV_DONTNEED``), so the final ``fsync`` does not have to flush gigabytes at once and acquiring a large
disk does not evict the whole page cache.

A single raw file holds exactly the media, so its digests are the media digests. Split segments get their own
digests (``segment_algorithms``, SHA-256 by default) so a damaged segment can be named.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from evidence.common.errors import AcquisitionError, UsageError
from evidence.common.files import create_exclusive, fsync_directory
from evidence.common.messages import LocalisedAcquisitionError
from evidence.common.sink import OutputFile
from evidence.hashing.digest import MultiDigest, parse_algorithms

MAX_SEGMENTS = 999  # .001 … .999, the names split-raw readers (TSK, libewf's tools) look for
WRITEBACK_STRIDE = 64 << 20


def segment_path(output: Path, index: int) -> Path:
    """The path of segment ``index`` (0-based): ``OUTPUT.001`` for 0; an OUTPUT named as the first segment
    (``disk.001``) names the set (``disk.001``, ``disk.002``...), not ``disk.001.001``."""
    base = output.with_suffix("") if output.suffix == ".001" else output
    return base.with_name(f"{base.name}.{index + 1:03d}")


def planned_paths(output: Path, split_size: int | None, size: int) -> list[Path]:
    """Every file a raw acquisition of ``size`` bytes creates (at least one, even for empty media)."""
    if split_size is None:
        return [output]
    count = max(1, -(-size // split_size))
    if count > MAX_SEGMENTS:
        raise UsageError(
            f"--split {split_size} would make {count} segments for {size} bytes; at most {MAX_SEGMENTS} are allowed"
        )
    return [segment_path(output, i) for i in range(count)]


def _create_output(path: Path) -> int:
    """Create ``path`` for writing, refusing to touch an existing file (``O_EXCL``, no symlink following)."""
    try:
        return create_exclusive(path)
    except FileExistsError as exc:
        raise LocalisedAcquisitionError("output.exists", path=path) from exc
    except OSError as exc:
        raise AcquisitionError(f"{path}: cannot create output: {exc.strerror or exc}") from exc


class _Segment:
    __slots__ = ("digest", "fd", "flushed", "path", "size")

    def __init__(self, path: Path, algorithms: tuple[str, ...], *, existing: bool = False) -> None:
        self.path = path
        self.size = 0
        self.flushed = 0
        self.digest = MultiDigest(algorithms) if algorithms else None
        if not existing:
            self.fd = _create_output(path)
            return
        # a resumed acquisition (evidence.acquisition.resume): append to what the verified run wrote
        try:
            self.fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            self.size = os.fstat(self.fd).st_size
            if self.digest is not None:  # a split segment's own digest, for the record's list of files
                with open(path, "rb", buffering=0) as stream:
                    while chunk := stream.read(4 << 20):
                        self.digest.update(chunk)
            os.lseek(self.fd, self.size, os.SEEK_SET)
        except OSError as exc:
            raise AcquisitionError(f"{path}: cannot reopen output: {exc.strerror or exc}") from exc
        self.flushed = self.size


class RawSink:
    """An ``ImageSink`` writing raw media bytes to ``output`` or to its split segments."""

    format = "raw"

    def __init__(
        self,
        output: str | os.PathLike[str],
        *,
        split_size: int | None = None,
        expected_size: int | None = None,
        segment_algorithms: Iterable[str] = ("sha256",),
        resume: bool = False,
    ) -> None:
        self.output = Path(output)
        if split_size is not None and split_size <= 0:
            raise UsageError(f"split size must be positive, got {split_size}")
        self.split_size = split_size
        self._algorithms = parse_algorithms(segment_algorithms, base=()) if split_size is not None else ()
        if not self.output.parent.is_dir():
            raise LocalisedAcquisitionError("output.no_directory", path=self.output.parent)
        if expected_size is not None and not resume:
            for path in planned_paths(self.output, split_size, expected_size):
                if os.path.lexists(path):
                    raise LocalisedAcquisitionError("output.exists", path=path)
        self._done: list[OutputFile] = []
        self._current: _Segment | None = None
        self._count = 0
        self.unreadable: list[tuple[int, int]] = []
        self.bytes_written = 0
        if resume:
            self._reopen()

    def _reopen(self) -> None:
        """Continue after the files a verified, interrupted run left (cut back to its last checkpoint)."""
        paths = [self.output] if self.split_size is None else []
        while self.split_size is not None and (path := segment_path(self.output, len(paths))).exists():
            paths.append(path)
        for path in paths:
            segment = _Segment(path, self._algorithms, existing=True)
            self._count += 1
            self.bytes_written += segment.size
            self._current = segment
            if self.split_size is not None and segment.size == self.split_size:
                self._finish_segment(segment, None)

    def _open_next(self) -> _Segment:
        if self.split_size is None:
            path = self.output
        else:
            if self._count >= MAX_SEGMENTS:
                raise AcquisitionError(f"{self.output}: more than {MAX_SEGMENTS} segments; use a larger --split")
            path = segment_path(self.output, self._count)
        self._count += 1
        self._current = _Segment(path, self._algorithms)
        return self._current

    def write(self, data: memoryview) -> None:
        """Append media bytes, starting a new segment whenever the current one is full."""
        start = 0
        while start < len(data):
            segment = self._current or self._open_next()
            room = len(data) - start if self.split_size is None else self.split_size - segment.size
            piece = data[start : start + min(room, len(data) - start)]
            self._write_all(segment, piece)
            start += len(piece)
            if self.split_size is not None and segment.size == self.split_size:
                self._finish_segment(segment, None)

    def _write_all(self, segment: _Segment, piece: memoryview) -> None:
        if segment.digest is not None:
            segment.digest.update(piece)
        done = 0
        try:
            while done < len(piece):
                done += os.write(segment.fd, piece[done:])
        except OSError as exc:
            segment.size += done  # what reached the file before the failure is reported as written
            self.bytes_written += done
            raise AcquisitionError(f"{segment.path}: cannot write output: {exc.strerror or exc}") from exc
        segment.size += len(piece)
        self.bytes_written += len(piece)
        if segment.size - segment.flushed >= 2 * WRITEBACK_STRIDE:
            # Start write-back of the older half without waiting; the newest stride stays cached for a while.
            end = segment.size - WRITEBACK_STRIDE
            with contextlib.suppress(OSError):
                os.posix_fadvise(segment.fd, segment.flushed, end - segment.flushed, os.POSIX_FADV_DONTNEED)
            segment.flushed = end

    def _finish_segment(self, segment: _Segment, media_digests: Mapping[str, bytes] | None) -> None:
        try:
            os.fsync(segment.fd)
        except OSError as exc:
            raise AcquisitionError(f"{segment.path}: cannot flush output: {exc.strerror or exc}") from exc
        finally:
            os.close(segment.fd)
            segment.fd = -1
            self._current = None
        if segment.digest is not None:
            digests = segment.digest.hexdigests()
        else:
            digests = {name: value.hex() for name, value in (media_digests or {}).items()}
        self._done.append(OutputFile(path=segment.path, size=segment.size, digests=digests))

    def add_unreadable(self, offset: int, length: int) -> None:
        """Raw images cannot mark bad sectors; the range is kept for the acquisition record only."""
        self.unreadable.append((offset, length))

    def close(self, media_digests: Mapping[str, bytes]) -> list[OutputFile]:
        """Flush and close every file; return them with their digests (media digests for a single file)."""
        segment = self._current
        if segment is None and not self._done:
            segment = self._open_next()  # empty media still yields one (empty) image file
        if segment is not None:
            self._finish_segment(segment, media_digests)
        try:
            fsync_directory(self.output.parent)
        except OSError as exc:
            raise AcquisitionError(f"{self.output.parent}: cannot flush directory: {exc.strerror or exc}") from exc
        return list(self._done)

    def abort(self) -> None:
        """Close without finalising: what was written stays for inspection, the record says it is incomplete."""
        if self._current is not None and self._current.fd >= 0:
            os.close(self._current.fd)
            self._current.fd = -1
        self._current = None

    @property
    def files(self) -> list[Path]:
        """Files created so far (complete or not), in order."""
        paths = [f.path for f in self._done]
        if self._current is not None:
            paths.append(self._current.path)
        return paths
