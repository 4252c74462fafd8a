"""Hash sets as they arrive: NSRL RDS v3 (SQLite), Project VIC VICS 2.0 (JSON) and plain lists (``sha256sum``).

Each reader yields ``(algorithm, digest bytes, category)`` for every digest of the set; ``evidence.hashing.hashsets``
indexes them. The kind is recognised from the content, not the name:

- **NSRL RDS v3**: an SQLite database with a ``METADATA`` table and a ``FILE`` view (or table) whose ``sha256``,
  ``sha1`` and ``md5`` columns hold upper-case hex. Every digest is "known" (NSRL lists software, not verdicts); the
  set is named after ``METADATA``'s version when there is one. Opened read-only.
- **VICS 2.0**: a JSON object whose ``value`` is a list of Media records with ``MD5`` and/or ``SHA1`` (hex, either
  case) and a ``Category`` (kept as given); the file may begin with a UTF-8 byte-order mark.
- **Plain list**: one digest per line, MD5, SHA-1 or SHA-256 by its length, optionally followed by a file name as
  ``md5sum``/``sha256sum`` write it (``HEX  name`` or ``HEX *name``); empty lines and ``#`` comments are skipped.

A line or record that is not what its kind promises is an error naming the file and the line or record: a hash set
read half-way would report "no match" for files it should have flagged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from evidence.common.errors import EvidenceError

#: digest size in bytes -> algorithm
_SIZES = {16: "md5", 20: "sha1", 32: "sha256"}
SIZES = {name: size for size, name in _SIZES.items()}
_SQLITE_MAGIC = b"SQLite format 3\x00"
KNOWN = "known"


class HashSetError(EvidenceError):
    """A hash set that cannot be read (its kind, or a line or record of it)."""

    kind = "error.kind.hashset"


class Digest(NamedTuple):
    """One digest of a set."""

    algorithm: str
    value: bytes
    category: str


def _digest(text: object, where: str, algorithm: str | None = None) -> tuple[str, bytes]:
    if not isinstance(text, str):
        raise HashSetError(f"{where}: not a hex digest")
    try:
        value = bytes.fromhex(text.strip())
    except ValueError:
        raise HashSetError(f"{where}: not a hex digest: {text[:80]!r}") from None
    found = _SIZES.get(len(value))
    if found is None or (algorithm is not None and found != algorithm):
        raise HashSetError(f"{where}: a digest of {len(value)} bytes is not {algorithm or 'MD5, SHA-1 or SHA-256'}")
    return found, value


def kind_of(path: Path) -> str:
    """``nsrl``, ``vics`` or ``list``, from the first bytes of ``path``."""
    try:
        with path.open("rb") as file:
            head = file.read(64)
    except OSError as exc:
        raise HashSetError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if head.startswith(_SQLITE_MAGIC):
        return "nsrl"
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{"):
        return "vics"
    return "list"


def read_nsrl(path: Path) -> tuple[str, Iterator[Digest]]:
    """The set's name and digests of an NSRL RDS v3 database."""
    import sqlite3  # not at start-up: a listing that only looks digests up never needs it

    try:
        db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        db.row_factory = sqlite3.Row
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    except sqlite3.Error as exc:
        raise HashSetError(f"{path}: not a readable SQLite database: {exc}") from exc
    if not {"METADATA", "FILE"} <= tables:
        db.close()
        raise HashSetError(f"{path}: an SQLite database without the METADATA table and FILE view of NSRL RDS v3")
    try:
        meta = db.execute("SELECT * FROM METADATA LIMIT 1").fetchone()
    except sqlite3.Error as exc:
        db.close()
        raise HashSetError(f"{path}: METADATA cannot be read: {exc}") from exc
    version = str(meta["version"]) if meta is not None and "version" in meta.keys() else ""
    name = f"NSRL {version}".strip()

    def digests() -> Iterator[Digest]:
        try:
            for number, row in enumerate(db.execute("SELECT sha256, sha1, md5 FROM FILE"), start=1):
                for algorithm in ("sha256", "sha1", "md5"):
                    if row[algorithm]:
                        found, value = _digest(row[algorithm], f"{path}: FILE row {number} ({algorithm})", algorithm)
                        yield Digest(found, value, KNOWN)
        except sqlite3.Error as exc:
            raise HashSetError(f"{path}: FILE cannot be read: {exc}") from exc
        finally:
            db.close()

    return name, digests()


def read_vics(path: Path) -> tuple[str, Iterator[Digest]]:
    """The set's name (the file's) and digests of a Project VIC VICS 2.0 JSON file."""
    try:
        document = json.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    except (OSError, ValueError) as exc:
        raise HashSetError(f"{path}: not a readable VICS JSON file: {exc}") from exc
    records = document.get("value") if isinstance(document, dict) else None
    if not isinstance(records, list):
        raise HashSetError(f"{path}: a JSON file without the 'value' list of VICS 2.0 Media records")

    def digests() -> Iterator[Digest]:
        for number, record in enumerate(records, start=1):
            if not isinstance(record, dict):
                raise HashSetError(f"{path}: value[{number - 1}] is not a Media record")
            category = str(record.get("Category", ""))
            found = 0
            for key, algorithm in (("MD5", "md5"), ("SHA1", "sha1")):
                if record.get(key):
                    yield Digest(*_digest(record[key], f"{path}: value[{number - 1}].{key}", algorithm), category)
                    found += 1
            if not found:
                raise HashSetError(f"{path}: value[{number - 1}] has neither MD5 nor SHA1")

    return path.name, digests()


def read_list(path: Path) -> tuple[str, Iterator[Digest]]:
    """The set's name (the file's) and digests of a plain list."""

    def digests() -> Iterator[Digest]:
        try:
            with path.open("rb") as file:
                for number, raw in enumerate(file, start=1):
                    line = raw.strip()
                    if not line or line.startswith(b"#"):
                        continue
                    text = line.split(None, 1)[0].removeprefix(b"\\").decode("ascii", "replace")
                    yield Digest(*_digest(text, f"{path}: line {number}"), "")
        except OSError as exc:
            raise HashSetError(f"{path}: cannot read: {exc.strerror or exc}") from exc

    return path.name, digests()


def read_source(path: Path) -> tuple[str, str, Iterator[Digest]]:
    """``(kind, name, digests)`` of the hash set at ``path``, whatever its kind."""
    kind = kind_of(path)
    reader = {"nsrl": read_nsrl, "vics": read_vics, "list": read_list}[kind]
    name, digests = reader(path)
    return kind, name, digests
