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
"""

from evidence.acquire import acquire_image
from evidence.backends import ImageMetadata, ImageSource, open_image
from evidence.digest import DEFAULT_ALGORITHMS, DigestResult, MultiDigest, digest_bytes
from evidence.entries import Entry, Timestamp
from evidence.errors import EvidenceError
from evidence.filesystems import FileSystem
from evidence.hashing import digest_file, digest_media, digest_stream
from evidence.reading import describe_image, hash_media, open_filesystem, open_filesystems
from evidence.record import AcquisitionRecord, CaseMetadata, load_record
from evidence.verify import VerificationError, VerificationReport, verify_image
from evidence.volumes import Volume, list_volumes

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
