"""scelle's evidence layer: open images, list volumes and file systems, read and hash their content.

The calls a tool needs::

    source = open_image("disk.E01")                 # raw, split raw or EWF, read-only
    for volume in list_volumes(source): ...         # partitions as mmls lists them
    fs = open_filesystem(source, volume=2)          # a Volume, a partition address, or None for the only one
    for entry in fs.walk(): ...                     # every entry fls -r -p lists, deleted ones included
    data = fs.read("dir/file.txt")                  # or fs.iter_content(entry) for large files
    record = acquire_image("/dev/sdb", "case/disk.raw")  # hashed copy + case/disk.raw.acquisition.json
    verify_image(["case/disk.raw"])                 # raises VerificationError (exit 3) on any mismatch

See docs/library_example.py.

Importing the package is cheap: each name is imported from its module on first use (PEP 562), so a command that
needs only the acquisition path (``scelle acquire``) does not load pytsk3, pyewf or the file-system layer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evidence.acquire import acquire_image
    from evidence.backends import ImageMetadata, ImageSource, open_image
    from evidence.describe import describe_image
    from evidence.digest import DEFAULT_ALGORITHMS, DigestResult, MultiDigest, digest_bytes
    from evidence.entries import Entry, Timestamp
    from evidence.errors import EvidenceError
    from evidence.filesystems import FileSystem
    from evidence.hashing import digest_file, digest_media, digest_stream
    from evidence.reading import hash_media, open_filesystem, open_filesystems
    from evidence.record import AcquisitionRecord, CaseMetadata, load_record
    from evidence.verify import VerificationError, VerificationReport, verify_image
    from evidence.volumes import Volume, list_volumes

_LAZY: dict[str, str] = {
    "acquire_image": "evidence.acquire",
    "ImageMetadata": "evidence.backends",
    "ImageSource": "evidence.backends",
    "open_image": "evidence.backends",
    "DEFAULT_ALGORITHMS": "evidence.digest",
    "DigestResult": "evidence.digest",
    "MultiDigest": "evidence.digest",
    "digest_bytes": "evidence.digest",
    "Entry": "evidence.entries",
    "Timestamp": "evidence.entries",
    "EvidenceError": "evidence.errors",
    "FileSystem": "evidence.filesystems",
    "digest_file": "evidence.hashing",
    "digest_media": "evidence.hashing",
    "digest_stream": "evidence.hashing",
    "describe_image": "evidence.describe",
    "hash_media": "evidence.reading",
    "open_filesystem": "evidence.reading",
    "open_filesystems": "evidence.reading",
    "AcquisitionRecord": "evidence.record",
    "CaseMetadata": "evidence.record",
    "load_record": "evidence.record",
    "VerificationError": "evidence.verify",
    "VerificationReport": "evidence.verify",
    "verify_image": "evidence.verify",
    "Volume": "evidence.volumes",
    "list_volumes": "evidence.volumes",
}
"""Public name -> the module that defines it."""


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first access, then cache it in the package namespace."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'evidence' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "DEFAULT_ALGORITHMS",
    "AcquisitionRecord",
    "CaseMetadata",
    "DigestResult",
    "Entry",
    "EvidenceError",
    "FileSystem",
    "ImageMetadata",
    "ImageSource",
    "MultiDigest",
    "Timestamp",
    "VerificationError",
    "VerificationReport",
    "Volume",
    "acquire_image",
    "describe_image",
    "digest_bytes",
    "digest_file",
    "digest_media",
    "digest_stream",
    "hash_media",
    "list_volumes",
    "load_record",
    "open_filesystem",
    "open_filesystems",
    "open_image",
    "verify_image",
]
