"""Where the fixture images are, and the media digests recorded for them in fixtures/images/SOURCES.md.

The digests below are copied from SOURCES.md (computed there with TSK's ``img_cat`` and libewf, not by scelle), so a
test comparing scelle's reading with them checks scelle against independent tools.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
IMAGES = ROOT / "fixtures" / "images"
REFERENCE = IMAGES / "_tsk_reference"

#: first segment (relative to fixtures/images) -> (media size, media sha256) as recorded in SOURCES.md
MEDIA_SHA256: dict[str, tuple[int, str]] = {
    "dfvfs/ext2.E01": (4194304, "a6c2f0e39afe6c6ab432ca5465349fcefe8dc944398e97b2d957d3f89dbb5d80"),
    "dfvfs/ext2.split.E01": (4194304, "a6c2f0e39afe6c6ab432ca5465349fcefe8dc944398e97b2d957d3f89dbb5d80"),
    "dfvfs/ext2.splitraw.000": (4194304, "a6c2f0e39afe6c6ab432ca5465349fcefe8dc944398e97b2d957d3f89dbb5d80"),
    "sleuthkit/image.E01": (102400, "0add63db3dc87ee60438e0fb94b526462502ba9f87e7a78bb0efe858668b1108"),
    "sleuthkit/image.dd": (102400, "0add63db3dc87ee60438e0fb94b526462502ba9f87e7a78bb0efe858668b1108"),
    "sleuthkit/imageformat_mmls_1.E01": (
        62915072,
        "e7eb6fca46bebeedc4af4cc5bfe9675691bab8ce471315317b561a28899e7902",
    ),
    "e01-rs/image.E01": (1321472, "cab8049f5fba42e06609c9d0678eb9fff7fcb50afc6c9b531ee6216bbe40a827"),
    "e01-rs/mimage.E01": (884736, "bc730943b2247e11b18caf272b1e78289267864962751549b1722752bf1e2e3d"),
    "pytsk/tsk_volume_system.raw": (1474560, "694da90e9fc6858c6dd77450add177670eb450534c3fecee2633356d6a969b98"),
}


def sha256_file(path: Path) -> str:
    """SHA-256 of a file on disk (to check fixtures are left unchanged)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fixture_digests() -> dict[Path, str]:
    """SHA-256 of every image file under fixtures/images (not the reference outputs)."""
    return {
        path: sha256_file(path)
        for path in sorted(IMAGES.rglob("*"))
        if path.is_file() and REFERENCE not in path.parents and path.suffix not in {".md", ".txt", ".html", ".xml"}
    }
