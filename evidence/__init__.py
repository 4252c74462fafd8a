"""scelle's evidence layer: open images, list volumes and file systems, hash, acquire and verify.

The public API is exported here; see README.md for an example.
"""

from evidence.backends import ImageMetadata, ImageSource, open_image
from evidence.errors import EvidenceError

__all__ = ["EvidenceError", "ImageMetadata", "ImageSource", "open_image"]
