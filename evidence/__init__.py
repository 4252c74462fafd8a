"""scelle's evidence layer: open images, list volumes and file systems, read and hash their content.

The calls a tool needs::

    source = open_image("disk.E01")                 # raw, split raw or EWF, read-only
    for volume in list_volumes(source): ...         # partitions as mmls lists them
    fs = open_filesystem(source, volume=2)          # a Volume, a partition address, or None for the only one
    for entry in fs.walk(): ...                     # every entry fls -r -p lists, deleted ones included
    data = fs.read("dir/file.txt")                  # or fs.iter_content(entry) for large files

See docs/library_example.py.
"""

from evidence.backends import ImageMetadata, ImageSource, open_image
from evidence.entries import Entry, Timestamp
from evidence.errors import EvidenceError
from evidence.filesystems import FileSystem
from evidence.reading import describe_image, hash_media, open_filesystem, open_filesystems
from evidence.volumes import Volume, list_volumes

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
