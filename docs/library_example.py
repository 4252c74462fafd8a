"""List the files of an evidence image with their SHA-256, deleted ones too: python library_example.py x.E01"""
# ruff: noqa: T201 - an example prints

import sys

from evidence import list_volumes, open_filesystems, open_image

with open_image(sys.argv[1:]) as source:  # x.E01 / x.001 / disk.raw: the other segments are found
    print(source.format, source.size, source.metadata.stored_hashes)
    for volume in list_volumes(source):
        print(volume.index, volume.start_sector, volume.sector_count, volume.description)
    for fs in open_filesystems(source).filesystems:
        for entry in fs.walk():  # deleted and orphan files, NTFS streams: all that fls -r -p lists
            sha256 = fs.digest(entry)["sha256"] if entry.has_content and entry.allocated else "-"
            print(entry.partition, entry.inode, entry.allocated, entry.path, sha256)
