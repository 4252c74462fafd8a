"""The images of an evidence store: a folder searched recursively, or a manifest listing one image per line.

In a folder, an image is a file named as a first segment (``.E01``, ``.Ex01``, ``.S01``, ``.001``, ``.000``), a raw
or virtual-disk name (``.raw``, ``.dd``, ``.img``, ``.qcow2``, ``.vmdk``, ``.vhd``, ``.vhdx``), or any file with its
acquisition record next to it; later segments, records and logs are not images. A manifest is a text file: each
line not empty and not starting with ``#`` names one image (its first segment), relative to the manifest's folder.
A listed image that is missing is kept: its task reports it, as ``scelle verify`` would.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from pathlib import Path

from evidence.acquisition.record import RECORD_SUFFIX, find_record
from evidence.common.messages import LocalisedUsageError

#: names of a first segment or of a single-file image
IMAGE_NAME = re.compile(r"\.(e01|ex01|s01|001|000|raw|dd|img|qcow2|vmdk|vhd|vhdx)$", re.IGNORECASE)
#: the numbered segments that follow a first segment (``x.002``, ``x.E02``, ``x.Ex02``), for the size estimate
NEXT_SEGMENT = re.compile(r"\.(\d{3}|[EeSs]\d\d|[EeSs][A-Za-z]{2}|[Ee][Xx]\d\d)$")
FIRST_SEGMENT = re.compile(r"\.(000|001|[EeSs]01|[Ee][Xx]01)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreImage:
    """One image of the store: its first segment (absolute path) and the bytes of its files, for progress."""

    path: str
    stored_bytes: int


def list_store(store: str | os.PathLike[str]) -> tuple[StoreImage, ...]:
    """The images of ``store`` (folder or manifest), in a stable order (sorted paths, or the manifest's order)."""
    root = Path(store)
    if root.is_dir():
        paths = sorted(p for p in root.rglob("*") if _is_image(p))
    elif root.is_file():
        paths = _manifest(root)
    else:
        raise LocalisedUsageError("batch.no_store", path=store)
    if not paths:
        raise LocalisedUsageError("batch.empty", path=store)
    return tuple(StoreImage(path=os.path.abspath(p), stored_bytes=_stored_bytes(p)) for p in paths)


def _is_image(path: Path) -> bool:
    if not path.is_file() or path.name.endswith(RECORD_SUFFIX):
        return False
    if NEXT_SEGMENT.search(path.name) and not FIRST_SEGMENT.search(path.name):
        return False  # a later segment: its record, named after the first, is found from it too
    return IMAGE_NAME.search(path.name) is not None or find_record(path) is not None


def _manifest(path: Path) -> list[Path]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise LocalisedUsageError("batch.manifest_unreadable", path=path, reason=reason) from exc
    lines = (line.strip() for line in text.splitlines())
    return [path.parent / line for line in lines if line and not line.startswith("#")]


def _stored_bytes(first: Path) -> int:
    """The size of the image's files (its first segment and the numbered ones after it); 0 when missing."""
    try:
        total = first.stat().st_size
    except OSError:
        return 0
    stem = FIRST_SEGMENT.sub("", first.name)
    if not FIRST_SEGMENT.search(first.name):
        return total
    for sibling in first.parent.glob(glob.escape(stem) + ".*"):
        if sibling != first and NEXT_SEGMENT.search(sibling.name) and sibling.name[len(stem) :].count(".") == 1:
            total += sibling.stat().st_size
    return total
