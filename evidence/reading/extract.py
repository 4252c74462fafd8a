"""Extract files from an image into a directory, safely whatever the names inside the image say.

Names inside an image are attacker-controlled. Every file lands under the target directory:

* each path component is rewritten to a safe host name: ``.``/``..``/empty become ``_.``/``_..``/``_``; NUL, ``/``,
  control characters (and on Windows ``<>:"\\|?*`` and reserved device names) become ``_``; a component longer than
  255 bytes is cut and given a ``~hash`` suffix; bytes that are not UTF-8 are written as ``\\xNN``;
* two entries that map to the same host name (a deleted and a live ``a.txt``, case variants) get ``~2``, ``~3``…;
* directories are created and files opened relative to their parent's descriptor with ``O_NOFOLLOW``: an existing
  symbolic link anywhere under the target directory is refused, never written through; existing files are never
  overwritten (``O_EXCL``);
* symbolic links inside the image are never followed nor recreated: they are listed in the manifest only.

The manifest (``scelle-manifest.json``, canonical JSON) lists every file with its original path, inode, allocation
state, the relative path written, size, SHA-256 and BLAKE3 of the bytes written. With hash sets, each file's matches
are listed too (``hashsets``), and ``skip_known`` leaves out the files an NSRL set knows: each is read and hashed,
then removed, and the manifest says ``"skipped": "known"`` with its digests.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from evidence.common import canonical
from evidence.common.errors import EvidenceError, ExtractionError
from evidence.common.files import write_atomic
from evidence.common.localised import said
from evidence.common.messages import LocalisedError, LocalisedPartialError, Notice
from evidence.common.progress import NULL_PROGRESS, ProgressObserver
from evidence.common.version import TOOL_NAME, __version__
from evidence.hashing.files import DigestTee, digest_chunks
from evidence.reading.entries import Entry, escape_name
from evidence.reading.filesystems import FileSystem

if TYPE_CHECKING:
    from evidence.hashing.hashsets import HashSets

MANIFEST_NAME = "scelle-manifest.json"
_MAX_COMPONENT = 255
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
#: errors by which a host file system refuses a name itself (not the place or the space)
_NAME_REFUSED = {errno.ENAMETOOLONG, errno.EINVAL, errno.EILSEQ}


def safe_component(raw: bytes, windows: bool = os.name == "nt") -> str:
    """A host file name for one path component of an image, never ``.``, ``..``, empty, nor with a separator."""
    if raw in (b"", b".", b".."):
        return "_" + raw.decode("ascii")
    name = "".join("_" if ch == "/" or ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in escape_name(raw))
    if windows:
        name = "".join("_" if ch in '<>:"\\|?*' else ch for ch in name).rstrip(" .") or "_"
        if name.split(".")[0].upper() in _WINDOWS_RESERVED:
            name = "_" + name
    if len(name.encode("utf-8")) > _MAX_COMPONENT:
        suffix = "~" + hashlib.sha256(raw).hexdigest()[:16]
        cut = name.encode("utf-8")[: _MAX_COMPONENT - len(suffix) - 40].decode("utf-8", "ignore")
        name = cut + suffix
    return name


class _Tree:
    """The output directory: directories created so far, and the names used in each.

    Only the root and the directory in use are kept open; any other directory is reached again from the root one
    component at a time with ``O_NOFOLLOW``, so a symbolic link placed in the tree is never followed.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        if root.is_symlink():
            raise ExtractionError(f"{root}: is a symbolic link; refusing to extract through it")
        try:
            root.mkdir(parents=True, exist_ok=True)
            self._root_fd = os.open(root, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
        except OSError as exc:
            raise ExtractionError(f"{root}: cannot use as output directory: {exc.strerror or exc}") from exc
        if os.path.lexists(root / MANIFEST_NAME):
            os.close(self._root_fd)
            raise said(ExtractionError, "extract.exists", path=root / MANIFEST_NAME)
        self._current: tuple[str, int] | None = None
        self._used: dict[str, set[str]] = {"": {MANIFEST_NAME.casefold()}}
        self._dirs: dict[bytes, str] = {b"": ""}

    def _unique(self, parent: str, name: str) -> str:
        # compared case-insensitively, so case variants stay apart on case-insensitive hosts too
        used = self._used.setdefault(parent, set())
        candidate, count = name, 1
        while candidate.casefold() in used:
            count += 1
            candidate = f"{name}~{count}"
        used.add(candidate.casefold())
        return candidate

    def _fd(self, relative: str) -> int:
        """A descriptor of the created directory ``relative`` (owned by the tree, do not close)."""
        if not relative:
            return self._root_fd
        if self._current is not None and self._current[0] == relative:
            return self._current[1]
        fd = os.dup(self._root_fd)
        try:
            for part in relative.split("/"):
                child = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
                os.close(fd)
                fd = child
        except OSError as exc:
            os.close(fd)
            raise ExtractionError(
                f"{self.root / relative}: refusing to write through a symbolic link or a replaced directory "
                f"({exc.strerror or exc})"
            ) from exc
        if self._current is not None:
            os.close(self._current[1])
        self._current = (relative, fd)
        return fd

    def directory(self, image_dir: bytes) -> str:
        """The host directory (relative, ``/``-separated) for an image directory path, created if needed."""
        missing: list[bytes] = []
        known = image_dir
        while known not in self._dirs:  # iterative: image paths can be deeper than Python's recursion limit
            missing.append(known)
            known = known.rpartition(b"/")[0]
        relative = self._dirs[known]
        for path in reversed(missing):
            name = self._unique(relative, safe_component(path.rpartition(b"/")[2]))
            child = f"{relative}/{name}" if relative else name
            try:
                os.mkdir(name, 0o755, dir_fd=self._fd(relative))
            except OSError as exc:
                raise ExtractionError(
                    f"{self.root / child}: cannot create directory ({exc.strerror or exc}); refusing to write "
                    "through an existing file or symbolic link"
                ) from exc
            self._dirs[path] = relative = child
        return relative

    def _create(self, parent: str, name: str) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
        return os.open(name, flags, 0o644, dir_fd=self._fd(parent))

    def create_file(self, parent: str, leaf: bytes, inode: str) -> tuple[str, int, bool]:
        """A new file (never an existing one, never through a link) in ``parent``: (relative path, fd, substitute).

        A name the host refuses (too long for it, bytes its file system rejects) is replaced by
        ``_scelle-inode-INODE``: ``substitute`` is then true, and the manifest keeps the original name."""
        substitute = False
        while True:
            wanted = f"_scelle-inode-{inode}" if substitute else safe_component(leaf)
            name = self._unique(parent, wanted)
            relative = f"{parent}/{name}" if parent else name
            try:
                return relative, self._create(parent, name), substitute
            except FileExistsError:
                continue  # something already there (not ours): take the next free name
            except OSError as exc:
                if not substitute and exc.errno in _NAME_REFUSED:
                    substitute = True
                    continue
                raise ExtractionError(f"{self.root / relative}: cannot create file: {exc.strerror or exc}") from exc

    def remove_file(self, relative: str) -> None:
        """Remove a file this extraction created (``relative`` as ``create_file`` returned it)."""
        parent, _, name = relative.rpartition("/")
        try:
            os.unlink(name, dir_fd=self._fd(parent))
        except OSError as exc:
            raise ExtractionError(f"{self.root / relative}: cannot remove: {exc.strerror or exc}") from exc

    def write_manifest(self, data: bytes) -> Path:
        """Write the manifest at the top of the output directory (never over an existing file)."""
        try:
            write_atomic(self.root / MANIFEST_NAME, data, mode=0o644, exclusive=True)
        except OSError as exc:
            raise ExtractionError(f"{self.root / MANIFEST_NAME}: cannot create: {exc.strerror or exc}") from exc
        return self.root / MANIFEST_NAME

    def close(self) -> None:
        """Close the directory descriptors."""
        if self._current is not None:
            os.close(self._current[1])
            self._current = None
        os.close(self._root_fd)


def _selected(entry: Entry, wanted: list[str]) -> bool:
    if not wanted:
        return True
    return any(entry.path == w or entry.path.startswith((w + "/", w + ":")) for w in wanted)


def _written(chunks: Iterable[bytes], fd: int, path: str) -> Iterator[bytes]:
    for chunk in chunks:
        view = memoryview(chunk)
        while view:
            try:
                count = os.write(fd, view)
            except OSError as exc:
                raise ExtractionError(f"{path}: write error: {exc.strerror or exc}") from exc
            view = view[count:]
        yield chunk


def _extract_one(
    fs: FileSystem,
    entry: Entry,
    tree: _Tree,
    base: bytes,
    sets: HashSets | None = None,
    skip_known: bool = False,
    unreadable: list[tuple[str, EvidenceError]] | None = None,
) -> dict[str, object]:
    """Write one entry's content under ``tree`` and return its manifest record. An allocated file whose content
    cannot be read is added to ``unreadable`` with the reason (the extraction then ends partial)."""
    record: dict[str, object] = {
        "partition": entry.partition,
        "path": entry.path,
        "inode": entry.inode,
        "allocated": entry.allocated,
        "type": entry.type,
        # a size past JSON's exact integers (a damaged inode) is kept exactly, as a decimal string
        "size": entry.size if entry.size <= canonical.MAX_SAFE_INTEGER else str(entry.size),
    }
    if entry.type == "symlink":
        record["target"] = entry.link_target
        return record
    image_dir, _, leaf = (base + entry.path_bytes).rpartition(b"/")
    parent = tree.directory(image_dir)
    relative, fd, substitute = tree.create_file(parent, leaf, entry.inode)
    record["written"] = relative
    if substitute:
        record["substitute"] = True
        record["name_hex"] = leaf.hex()
    tee = None if sets is None else DigestTee(sets.extra_algorithms)
    try:
        chunks = _written(fs.iter_content(entry), fd, str(tree.root / relative))
        digests = digest_chunks(chunks if tee is None else tee.feed(chunks))
        record["bytes_written"] = os.fstat(fd).st_size
        record.update(digests)
    except ExtractionError:
        raise  # the output side failed (disk full, ...): the extraction stops
    except EvidenceError as exc:
        # content that cannot be read (past the end of a cut image, a damaged size, deleted blocks TSK cannot
        # recover): the file is listed with the reason and nothing is written for it, never a part of its bytes
        # that could pass for the whole; the extraction goes on and ends partial (exit 4) when it was allocated
        os.close(fd)
        fd = -1
        tree.remove_file(relative)
        del record["written"]
        record["error"] = str(exc)
        record["unreadable"] = True
        if entry.allocated and unreadable is not None:
            unreadable.append((entry.path, exc))
        return record
    finally:
        if fd >= 0:
            os.close(fd)
    if sets is not None and tee is not None:
        matches = sets.match({**digests, **tee.result()})
        record["hashsets"] = [match.to_json() for match in matches]
        if skip_known and any(match.known for match in matches):
            tree.remove_file(relative)
            del record["written"]
            record["skipped"] = "known"
    return record


def extract(
    filesystems: list[FileSystem],
    out_dir: Path,
    paths: list[str] | None = None,
    *,
    hashsets: HashSets | None = None,
    skip_known: bool = False,
    progress: ProgressObserver = NULL_PROGRESS,
) -> Path:
    """Extract the files (deleted ones included) of ``filesystems`` under ``out_dir``; return the manifest path.

    ``paths`` limits extraction to those entries (and what is below them), as ``fls -r -p`` names them; ``/`` is the
    whole file system. The manifest is always written once the output directory is in use, with ``status``
    ``complete``, ``partial`` (entries left out: ``PartialError``, exit 4) or ``failed`` (the extraction stopped:
    the error is re-raised), and lists what was written until then. ``hashsets`` and ``skip_known``: see above.
    ``progress`` is told the bytes written so far (no total: the walk finds the files as it goes).
    """
    tree = _Tree(out_dir)
    wanted = [p.strip("/") for p in paths or []]
    if "" in wanted:  # "/" names the root: everything
        wanted = []
    records: list[dict[str, object]] = []
    unreadable: list[tuple[str, EvidenceError]] = []
    partitioned = any(fs.partition is not None for fs in filesystems)
    manifest: dict[str, object] = {
        "tool": TOOL_NAME,
        "version": __version__,
        "image": [str(p) for p in filesystems[0].source.segments] if filesystems else [],
        "files": records,
    }
    written = 0
    progress.started(f"extracting into {out_dir}", None)
    try:
        try:
            for fs in filesystems:
                base = f"p{fs.partition}/".encode() if partitioned else b""
                for entry in fs.walk():
                    if _selected(entry, wanted) and (entry.has_content or entry.type == "symlink"):
                        records.append(_extract_one(fs, entry, tree, base, hashsets, skip_known, unreadable))
                        written += int(records[-1].get("bytes_written", 0))  # type: ignore[call-overload]
                        progress.advanced(written)
            if wanted and not records:
                raise ExtractionError(f"nothing matches {', '.join(wanted)}")
        except EvidenceError as exc:
            manifest.update(status="failed", error=str(exc))
            path = tree.write_manifest(canonical.encode(manifest))
            note = Notice("extract.written_before", path=path)
            # a catalogue error keeps its languages; the others are raised again as their own type with the note
            raise (exc.noted(note) if isinstance(exc, LocalisedError) else type(exc)(f"{exc}{note}")) from exc
        problems = [
            Notice("fs.problem", context=fs.context, problem=problem) for fs in filesystems for problem in fs.errors
        ]
        problems += [
            Notice("extract.substitute", path=r["path"], written=r["written"]) for r in records if r.get("substitute")
        ]
        problems += [Notice("extract.unreadable", path=path, reason=reason) for path, reason in unreadable]
        # a directory left out, a file that could not keep its own name (issue 18), an allocated file that could
        # not be read (issue 14): recorded, exit 4
        manifest["status"] = "partial" if problems else "complete"
        if problems:
            manifest["problems"] = [str(problem) for problem in problems]  # data: in English
        path = tree.write_manifest(canonical.encode(manifest))
        if problems:
            code = "extract.partial_one" if len(problems) == 1 else "extract.partial_many"
            raise LocalisedPartialError(code, count=len(problems), manifest=path, first=problems[0])
        return path
    finally:
        progress.finished()
        tree.close()
