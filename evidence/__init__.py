"""scelle's evidence layer: open images, list volumes and file systems, read and hash their content.

The calls a tool needs::

    source = open_image("disk.E01")                 # raw, split raw or EWF, read-only
    for volume in list_volumes(source): ...         # partitions as mmls lists them
    fs = open_filesystem(source, volume=2)          # a Volume, a partition address, or None for the only one
    for entry in fs.walk(): ...                     # every entry fls -r -p lists, deleted ones included
    data = fs.read("dir/file.txt")                  # or fs.iter_content(entry) for large files

See docs/library_example.py.

The names below are imported on first use (PEP 562), so ``import evidence.errors`` (what the CLI needs before it
knows the command) does not load TSK, libewf and every reading module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evidence.backends import ImageMetadata, ImageSource, open_image
    from evidence.entries import Entry, Timestamp
    from evidence.errors import EvidenceError
    from evidence.filesystems import FileSystem
    from evidence.reading import describe_image, hash_media, open_filesystem, open_filesystems
    from evidence.volumes import Volume, list_volumes

#: public name -> the module that defines it
_WHERE = {
    "Entry": "evidence.entries",
    "EvidenceError": "evidence.errors",
    "FileSystem": "evidence.filesystems",
    "ImageMetadata": "evidence.backends",
    "ImageSource": "evidence.backends",
    "Timestamp": "evidence.entries",
    "Volume": "evidence.volumes",
    "describe_image": "evidence.reading",
    "hash_media": "evidence.reading",
    "list_volumes": "evidence.volumes",
    "open_filesystem": "evidence.reading",
    "open_filesystems": "evidence.reading",
    "open_image": "evidence.backends",
}

__all__ = [
    "Entry",
    "EvidenceError",
    "FileSystem",
    "ImageMetadata",
    "ImageSource",
    "Timestamp",
    "Volume",
    "describe_image",
    "hash_media",
    "list_volumes",
    "open_filesystem",
    "open_filesystems",
    "open_image",
]


def __getattr__(name: str) -> object:
    """Import the module defining ``name`` when it is first asked for."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'evidence' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
