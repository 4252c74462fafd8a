"""scelle's evidence layer: open images, list volumes and file systems, read and hash their content.

The calls a tool needs::

    source = open_image("disk.E01")                 # raw, split raw or EWF, read-only
    for volume in list_volumes(source): ...         # partitions as mmls lists them
    fs = open_filesystem(source, volume=2)          # a Volume, a partition address, or None for the only one
    for entry in fs.walk(): ...                     # every entry fls -r -p lists, deleted ones included
    data = fs.read("dir/file.txt")                  # or fs.open(entry), a seekable file, for large ones
    record = acquire_image("/dev/sdb", "case/disk.raw")  # hashed copy + case/disk.raw.acquisition.json
    verify_image(["case/disk.raw"])                 # raises VerificationError (exit 3) on any mismatch

See docs/library_example.py.

Importing the package is cheap: each name is imported from its module on first use (PEP 562), so a command that
needs only the acquisition path (``scelle acquire``) does not load pytsk3, pyewf or the file-system layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evidence.common.lazy import lazy_exports

if TYPE_CHECKING:
    from evidence.acquisition.acquire import acquire_image
    from evidence.acquisition.record import AcquisitionRecord, CaseMetadata, load_record
    from evidence.acquisition.verify import VerificationReport, verify_image
    from evidence.common.errors import EvidenceError
    from evidence.common.report import Report, VerificationError
    from evidence.hashing.digest import DEFAULT_ALGORITHMS, MultiDigest, digest_bytes
    from evidence.hashing.result import DigestResult
    from evidence.hashing.streams import digest_file, digest_media, digest_stream
    from evidence.reading.describe import describe_image
    from evidence.reading.entries import Entry, Timestamp
    from evidence.reading.filesystems import FileSystem
    from evidence.reading.listing import open_filesystem, open_filesystems
    from evidence.reading.volumes import Volume, list_volumes
    from evidence.sources import ImageMetadata, ImageSource, open_image

_LAZY: dict[str, str] = {
    "acquire_image": "evidence.acquisition.acquire",
    "ImageMetadata": "evidence.sources",
    "ImageSource": "evidence.sources",
    "open_image": "evidence.sources",
    "DEFAULT_ALGORITHMS": "evidence.hashing.digest",
    "DigestResult": "evidence.hashing.result",
    "MultiDigest": "evidence.hashing.digest",
    "digest_bytes": "evidence.hashing.digest",
    "Entry": "evidence.reading.entries",
    "Timestamp": "evidence.reading.entries",
    "EvidenceError": "evidence.common.errors",
    "FileSystem": "evidence.reading.filesystems",
    "digest_file": "evidence.hashing.streams",
    "digest_media": "evidence.hashing.streams",
    "digest_stream": "evidence.hashing.streams",
    "describe_image": "evidence.reading.describe",
    "open_filesystem": "evidence.reading.listing",
    "open_filesystems": "evidence.reading.listing",
    "AcquisitionRecord": "evidence.acquisition.record",
    "CaseMetadata": "evidence.acquisition.record",
    "load_record": "evidence.acquisition.record",
    "Report": "evidence.common.report",
    "VerificationError": "evidence.common.report",
    "VerificationReport": "evidence.acquisition.verify",
    "verify_image": "evidence.acquisition.verify",
    "Volume": "evidence.reading.volumes",
    "list_volumes": "evidence.reading.volumes",
}
"""Public name -> the module that defines it."""


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

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
    "Report",
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
    "list_volumes",
    "load_record",
    "open_filesystem",
    "open_filesystems",
    "open_image",
    "verify_image",
]
