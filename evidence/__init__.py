"""scelle's evidence layer: open images, list volumes and file systems, hash, acquire and verify.

The public API is exported here; see README.md for an example.
"""

from evidence.acquire import acquire, acquire_image
from evidence.backends import ImageMetadata, ImageSource, open_image
from evidence.digest import DEFAULT_ALGORITHMS, DigestResult, MultiDigest, digest_bytes
from evidence.errors import EvidenceError
from evidence.hashing import digest_file, digest_media, digest_stream
from evidence.record import AcquisitionRecord, CaseMetadata, load_record
from evidence.verify import VerificationError, VerificationReport, verify_image

__all__ = [
    "DEFAULT_ALGORITHMS",
    "AcquisitionRecord",
    "CaseMetadata",
    "DigestResult",
    "EvidenceError",
    "ImageMetadata",
    "ImageSource",
    "MultiDigest",
    "VerificationError",
    "VerificationReport",
    "acquire",
    "acquire_image",
    "digest_bytes",
    "digest_file",
    "digest_media",
    "digest_stream",
    "load_record",
    "open_image",
    "verify_image",
]
