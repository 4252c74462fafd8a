"""The check libewf does not report: a stored EWF chunk that fails its checksum, said once for E01 and Ex01.

libewf replaces a chunk whose checksum fails with zeros and reports nothing to a plain read (its own ``ewfverify``
counts them; the Python binding gives no way to). So whenever libewf hands back an all-zero chunk, the reader asks
``StoredChunks.check`` to re-read that chunk's stored form and check it. Genuine zero chunks pass and are remembered;
a corrupt one raises ``corrupt_chunk`` (exit 3: the evidence is damaged), naming the segment file, the chunk, its
media offset, its sector range and its offset in the file, never zeros passed off as data.

The two layouts (``ewf.layout`` for EWF v1, ``ewf.layout2`` for EWF2) say where a chunk is stored and how it is
checked; this module holds what they share: the remembered good chunks, the error and its reasons.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from evidence.common.messages import LocalisedImageError, Notice

#: the sector size the "sectors a-b" of a corrupt-chunk error counts in (EWF media are addressed in 512-byte units)
SECTOR = 512


def reason(code: str, **params: object) -> Notice:
    """Why a stored chunk fails (``ewf.chunk.<code>`` in the message catalogue: checksum, inflate, size, ...)."""
    return Notice(f"ewf.chunk.{code}", **params)


def corrupt_chunk(
    path: Path, chunk: int, chunk_size: int, media_size: int, file_offset: int, why: Notice
) -> LocalisedImageError:
    """The error for a stored ``chunk`` that fails its check (``why``), in both languages, exit 3."""
    media_offset = chunk * chunk_size
    end = min(media_offset + chunk_size, media_size)
    return LocalisedImageError(
        "ewf.corrupt_chunk",
        path=path,
        chunk=chunk,
        offset=media_offset,
        first=media_offset // SECTOR,
        last=(end - 1) // SECTOR,
        file_offset=file_offset,
        reason=why,
    )


class StoredChunks:
    """Stored chunks of an EWF set checked on demand, the good ones remembered. Thread-safe.

    A layout sets ``_fds`` (its open segment files) and implements ``_stored_chunk_ok``.
    """

    def __init__(self, paths: list[Path], chunk_size: int, media_size: int) -> None:
        self._paths = paths
        self._chunk_size = chunk_size
        self._media_size = media_size
        self._lock = threading.Lock()
        self._fds: list[int] = []
        #: what the reader did that a user must be told (a damaged table read through its backup copy)
        self.notices: list[Notice] = []
        self._verified = bytearray((self.chunk_count + 7) // 8)

    @property
    def chunk_count(self) -> int:
        """Number of chunks the media needs."""
        return -(-self._media_size // self._chunk_size)

    def expected_size(self, chunk: int) -> int:
        """The media bytes ``chunk`` holds: the chunk size, less for the last chunk."""
        return min(self._chunk_size, self._media_size - chunk * self._chunk_size)

    def _stored_chunk_ok(self, chunk: int) -> tuple[Notice | None, Path, int]:
        """(None if the stored chunk passes its checks else why not, segment path, file offset). Lock held."""
        raise NotImplementedError

    def check(self, chunk: int) -> None:
        """Raise the ``corrupt_chunk`` error if the stored ``chunk`` fails its check (libewf returned zeros)."""
        if chunk < 0 or chunk >= self.chunk_count:
            return
        byte, bit = divmod(chunk, 8)
        with self._lock:
            if self._verified[byte] & (1 << bit):
                return
            why, path, start = self._stored_chunk_ok(chunk)
            if why is None:
                self._verified[byte] |= 1 << bit
                return
        raise corrupt_chunk(path, chunk, self._chunk_size, self._media_size, start, why)

    def check_read(self, chunk: int, zero: bool) -> None:
        """Called for each chunk libewf returned (``zero``: all its bytes are zero): an all-zero one is checked."""
        if zero:
            self.check(chunk)

    def close(self) -> None:
        """Close the segment files. Idempotent."""
        with self._lock:
            fds, self._fds = self._fds, []
        for fd in fds:
            os.close(fd)
