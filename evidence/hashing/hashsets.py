"""Hash sets for triage: index a set once into a compact file that opens in milliseconds, then match files against it.

The index (``scelle hashset index``, or built on first use in the cache directory) holds, per algorithm, the set's
digests sorted, each followed by its category number (2 bytes), behind a small JSON header that names the set, its
kind and its source (file name, size, SHA-256). Opening it maps the file and reads the header; a lookup is a binary
search over the map, so a set of tens of millions of digests costs a few microseconds per file and no memory.

Building sorts runs of at most ``RUN_RECORDS`` records in memory and merges them from temporary files, so the memory
used does not grow with the set. Equal records are kept once; one digest may carry several categories.

An index is derived data: the source's SHA-256 in its header says which set it was built from, and an index whose
source has changed (size or modification time) is built again. A file that is not an index, or one whose header or
tables do not fit the file, is refused with a clear message, never half-read.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import struct
import sys
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from evidence.hashing.hashset_sources import KNOWN, SIZES, Digest, HashSetError, read_source

MAGIC = b"SCHSIDX2"
#: records sorted in memory at once while building (about 60 MB of Python objects)
RUN_RECORDS = 1_000_000
_HEADER_LIMIT = 1 << 24
_CATEGORY = struct.Struct("<H")
#: each table is followed by the index of its first record for each value of the digests' first two bytes
#: (65,537 little-endian u32, the last one the record count): a lookup searches only its bucket
BUCKETS = 1 << 16
_BUCKET_BYTES = (BUCKETS + 1) * 4
_BUCKET = struct.Struct("<II")


class Match(NamedTuple):
    """A file found in a hash set."""

    set: str
    kind: str
    category: str
    algorithm: str

    @property
    def known(self) -> bool:
        """True for a match in an NSRL set (software known to be what it says: ``--skip-known`` leaves it out)."""
        return self.kind == "nsrl"

    def to_json(self) -> dict[str, str]:
        return {"set": self.set, "kind": self.kind, "category": self.category, "algorithm": self.algorithm}


def _source_facts(path: Path) -> dict[str, object]:
    stat = path.stat()
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return {"name": path.name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest.hexdigest()}


def _write_run(records: list[bytes], directory: str) -> str:
    import tempfile  # building only: a listing that looks digests up does not load it

    records.sort()
    with tempfile.NamedTemporaryFile("wb", dir=directory, delete=False) as file:
        file.write(b"".join(records))
        return file.name


def _read_run(path: str, size: int) -> Iterator[bytes]:
    with open(path, "rb") as file:
        while block := file.read(size * 8192):
            for start in range(0, len(block), size):
                yield block[start : start + size]


def build_index(source: Path, target: Path) -> Path:
    """Index the hash set ``source`` into ``target`` (written atomically); returns ``target``."""
    import tempfile

    kind, name, digests = read_source(source)
    facts = _source_facts(source)
    categories: dict[str, int] = {}
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".scelle-index-") as work:
        runs: dict[str, list[str]] = {name: [] for name in SIZES}
        pending: dict[str, list[bytes]] = {name: [] for name in SIZES}
        for digest in digests:
            number = categories.setdefault(digest.category, len(categories))
            if number > 0xFFFF:
                raise HashSetError(f"{source}: more than 65,536 categories")
            batch = pending[digest.algorithm]
            batch.append(digest.value + _CATEGORY.pack(number))
            if len(batch) >= RUN_RECORDS:
                runs[digest.algorithm].append(_write_run(batch, work))
                batch.clear()
        tables: list[dict[str, object]] = []
        table_files: list[str] = []
        for algorithm, size in SIZES.items():
            if pending[algorithm]:
                runs[algorithm].append(_write_run(pending[algorithm], work))
            if not runs[algorithm]:
                continue
            count, table = _merge(runs[algorithm], size + 2, work)
            tables.append({"algorithm": algorithm, "count": count})
            table_files.append(table)
        if not tables:
            raise HashSetError(f"{source}: no digest in this hash set")
        header = {"format": 1, "name": name, "kind": kind, "source": facts, "categories": list(categories)}
        _assemble(target, header, tables, table_files, work)
    return target


def _merge(runs: list[str], size: int, work: str) -> tuple[int, str]:
    """Merge sorted runs into one table file without repeats, followed by its bucket array: (record count, path)."""
    import tempfile
    from heapq import merge

    count = 0
    previous = b""
    per_prefix = [0] * BUCKETS
    with tempfile.NamedTemporaryFile("wb", dir=work, delete=False) as out:
        buffer: list[bytes] = []
        for record in merge(*(_read_run(run, size) for run in runs)):
            if record != previous:
                buffer.append(record)
                per_prefix[(record[0] << 8) | record[1]] += 1
                count += 1
                previous = record
                if len(buffer) >= 65536:
                    out.write(b"".join(buffer))
                    buffer.clear()
        out.write(b"".join(buffer))
        starts = array("I", [0]) * (BUCKETS + 1)
        for prefix in range(BUCKETS):
            starts[prefix + 1] = starts[prefix] + per_prefix[prefix]
        out.write(starts.tobytes() if sys.byteorder == "little" else _swapped(starts))
    for run in runs:
        os.unlink(run)
    return count, out.name


def _swapped(values: array[int]) -> bytes:
    copy = array("I", values)
    copy.byteswap()
    return copy.tobytes()


def _assemble(
    target: Path, header: dict[str, object], tables: list[dict[str, object]], table_files: list[str], work: str
) -> None:
    offset = 0
    for table in tables:  # offsets from the end of the header, filled in before the header is written
        table["offset"] = offset
        offset += int(str(table["count"])) * (SIZES[str(table["algorithm"])] + 2) + _BUCKET_BYTES
    text = json.dumps({**header, "tables": tables}, sort_keys=True, separators=(",", ":")).encode()
    partial = Path(work) / "index.partial"
    with partial.open("wb") as out:
        out.write(MAGIC + struct.pack("<I", len(text)) + text)
        for path in table_files:
            with open(path, "rb") as table_file:
                while block := table_file.read(1 << 22):
                    out.write(block)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)


class HashSet:
    """An opened index: ``find`` the categories of a digest."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with path.open("rb") as file:
                head = file.read(12)
                if len(head) < 12 or head[:8] != MAGIC:
                    raise HashSetError(f"{path}: not a scelle hash-set index")
                (length,) = struct.unpack("<I", head[8:])
                if length > _HEADER_LIMIT:
                    raise HashSetError(f"{path}: damaged hash-set index (header of {length} bytes)")
                header = json.loads(file.read(length))
                size = os.fstat(file.fileno()).st_size
                self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        except OSError as exc:
            raise HashSetError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        except ValueError as exc:
            raise HashSetError(f"{path}: damaged hash-set index header: {exc}") from exc
        try:
            self.name = str(header["name"])
            self.kind = str(header["kind"])
            self.source: dict[str, object] = dict(header["source"])
            self.categories = [str(category) for category in header["categories"]]
            base = 12 + length
            self._tables: dict[str, tuple[int, int]] = {}
            for table in header["tables"]:
                algorithm, count, offset = str(table["algorithm"]), int(table["count"]), int(table["offset"])
                width = SIZES[algorithm] + 2
                if count < 0 or offset < 0 or base + offset + count * width + _BUCKET_BYTES > size:
                    raise ValueError(f"table {algorithm} past the end of the file")
                self._tables[algorithm] = (base + offset, count)
        except (KeyError, TypeError, ValueError) as exc:
            raise HashSetError(f"{path}: damaged hash-set index header: {exc}") from exc

    @property
    def algorithms(self) -> tuple[str, ...]:
        """The digests this set holds."""
        return tuple(self._tables)

    @property
    def counts(self) -> dict[str, int]:
        """How many distinct digests (with their category) the set holds, per algorithm."""
        return {algorithm: count for algorithm, (_start, count) in self._tables.items()}

    def find(self, algorithm: str, digest: bytes) -> list[str]:
        """The categories of ``digest`` in this set (empty when it is not in it)."""
        table = self._tables.get(algorithm)
        if table is None or self._map is None:
            return []
        start, count = table
        size = SIZES[algorithm]
        width = size + 2
        view = self._map
        low, high = _BUCKET.unpack_from(view, start + count * width + 4 * ((digest[0] << 8) | digest[1]))
        if not 0 <= low <= high <= count:
            raise HashSetError(f"{self.path}: damaged hash-set index (bucket of {digest[:2].hex()})")
        end = high
        while low < high:
            middle = (low + high) // 2
            at = start + middle * width
            if view[at : at + size] < digest:
                low = middle + 1
            else:
                high = middle
        found: list[str] = []
        at = start + low * width
        while low < end and view[at : at + size] == digest:
            (number,) = _CATEGORY.unpack(view[at + size : at + width])
            if number >= len(self.categories):
                raise HashSetError(f"{self.path}: damaged hash-set index (category {number})")
            found.append(self.categories[number])
            low, at = low + 1, at + width
        return found

    def close(self) -> None:
        if self._map is not None:
            self._map.close()


def cache_directory() -> Path:
    """Where indexes built on first use are kept: ``$XDG_CACHE_HOME/scelle/hashsets`` (``~/.cache`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "scelle" / "hashsets"


def open_hash_set(path: Path) -> HashSet:
    """The hash set at ``path``: an index as it is, any other set through its index (built once, then cached)."""
    try:
        with path.open("rb") as file:
            is_index = file.read(8) == MAGIC
        stat = path.stat()
    except OSError as exc:
        raise HashSetError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if is_index:
        return HashSet(path)
    key = hashlib.sha256(f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0{MAGIC!r}".encode()).hexdigest()
    cached = cache_directory() / f"{key[:32]}.idx"
    if cached.exists():
        try:
            opened = HashSet(cached)
            if opened.source.get("size") == stat.st_size and opened.source.get("mtime_ns") == stat.st_mtime_ns:
                return opened
            opened.close()
        except HashSetError:
            pass  # a damaged cache entry is built again
    return HashSet(build_index(path, cached))


class HashSets:
    """The sets given to one command: which digests they need, and the matches of one file."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self.sets = [open_hash_set(Path(path)) for path in paths]

    @property
    def algorithms(self) -> tuple[str, ...]:
        """Every algorithm some set holds (the digests a file must have to be looked up in all of them)."""
        return tuple(name for name in SIZES if any(name in opened.algorithms for opened in self.sets))

    @property
    def extra_algorithms(self) -> tuple[str, ...]:
        """The digests the sets need that a listing does not compute anyway (SHA-256 is always there)."""
        return tuple(name for name in ("md5", "sha1") if name in self.algorithms)

    def match(self, digests: dict[str, str]) -> tuple[Match, ...]:
        """The sets (and categories) a file with ``digests`` (hex) is in, once per set and category (found by the
        strongest digest the set holds for it)."""
        found: dict[tuple[str, str], Match] = {}
        for opened in self.sets:
            for algorithm in ("sha256", "sha1", "md5"):
                value = digests.get(algorithm)
                if value is None or algorithm not in opened.algorithms:
                    continue
                for category in opened.find(algorithm, bytes.fromhex(value)):
                    found.setdefault((opened.name, category), Match(opened.name, opened.kind, category, algorithm))
        return tuple(found.values())

    def close(self) -> None:
        for opened in self.sets:
            opened.close()


__all__ = ["KNOWN", "Digest", "HashSet", "HashSetError", "HashSets", "Match", "build_index", "open_hash_set"]
