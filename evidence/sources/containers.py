"""Which container a file is, from its first bytes and its name, refusing what must not be read as raw.

Anything scelle does not recognise is read as a raw image, so a container mistaken for raw is hashed, listed and
verified as the wrong bytes without any sign of it (issue 18, finding 2: an E01 cut to one byte, or with one bit
flipped in its signature, was hashed as a raw file). Before a file is taken as raw, ``sniff`` refuses, with a
one-line reason:

* a file shorter than an EWF file header (13 bytes) whose bytes are the start of an EWF signature (a cut segment);
* first bytes within a few bits (at most 4 bits, or 2 whole bytes) of an EWF signature: 8 arbitrary bytes land
  that close to one of the four signatures with a probability below 1e-12, so a raw disk is never refused for it;
* a name that says EWF segment (``.E01``, ``.Ex01``, ``.s01``, ``.L01``, ``.Lx01``, any number but 00) without an
  EWF signature: damaged, or a raw image under a misleading name. A genuine raw image named so is opened under
  a raw name (``ln -s x.E01 x.raw``), a deliberate step recorded in the shell history, never a silent guess;
* the signatures of disk containers that reach this point: those scelle does not read (QED, VDI, AFF), and a
  QCOW2, VMDK, VHD or VHDX its own readers (``sources.detect``, asked first) did not take, which would otherwise
  be hashed as if the container were the media.

This module reads nothing but the bytes it is given and imports no binding.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from evidence.common.messages import LocalisedImageError
from evidence.ewf.format import EWF_SIGNATURES, FILE_HEADER_SIZE

LUKS_MAGIC = b"LUKS\xba\xbe"
"""The first bytes of a LUKS1 or LUKS2 header (LUKS On-Disk Format Specification, both versions)."""


def is_luks(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a device) starts with a LUKS signature (version 1 or 2)."""
    return head[:6] == LUKS_MAGIC and head[6:8] in (b"\x00\x01", b"\x00\x02")


#: bytes ``sniff`` needs from the start of the file
SNIFF_BYTES = 72

_EWF_KINDS = dict(zip(EWF_SIGNATURES, ("EVF (E01/S01)", "LVF (L01)", "EVF2 (Ex01)", "LEF2 (Lx01)"), strict=True))
#: at most this many differing bits, or differing bytes, from an EWF signature means a damaged signature
_MAX_BITS = 4
_MAX_BYTES = 2
#: a segment name libewf writes: E01..E99, Ex01.., s01.., L01.., Lx01..
_EWF_NAME = re.compile(r"\.([ELS]x?)(\d\d)", re.IGNORECASE)

_QEMU = "qemu-img convert -O raw IMAGE IMAGE.raw"
#: (offset, magic, name, how to convert) of containers scelle does not read
_OTHER_CONTAINERS = (
    (0, b"QFI\xfb", "QEMU qcow/qcow2", _QEMU),
    (0, b"QED\x00", "QEMU QED", _QEMU),
    (0, b"KDMV", "VMware VMDK (sparse)", _QEMU),
    (0, b"COWD", "VMware VMDK (ESX sparse)", _QEMU),
    (0, b"vhdxfile", "Hyper-V VHDX", _QEMU),
    (0, b"conectix", "Virtual PC VHD (dynamic)", _QEMU),
    (0x40, b"\x7f\x10\xda\xbe", "VirtualBox VDI", _QEMU),
    (0, b"AFF10\r\n\x00", "AFF", "affconvert -r IMAGE"),
)


def _hex(data: bytes) -> str:
    return data.hex(" ") if data else "(none)"


def _distance(data: bytes, signature: bytes) -> tuple[int, int]:
    """(differing bits, differing bytes) between the first bytes of a file and a signature."""
    bits = sum((a ^ b).bit_count() for a, b in zip(data, signature, strict=False))
    count = sum(1 for a, b in zip(data, signature, strict=False) if a != b)
    missing = max(0, len(signature) - len(data))
    return bits + 8 * missing, count + missing


def _check_ewf_damage(path: Path, head: bytes, size: int) -> None:
    start = head[: len(EWF_SIGNATURES[0])]
    if 0 < size < FILE_HEADER_SIZE and any(sig.startswith(start) or start.startswith(sig) for sig in EWF_SIGNATURES):
        raise LocalisedImageError("ewf.truncated_header", path=path, size=size, needed=FILE_HEADER_SIZE)
    if len(start) < len(EWF_SIGNATURES[0]):
        return
    for signature in EWF_SIGNATURES:
        bits, count = _distance(start, signature)
        if bits <= _MAX_BITS or count <= _MAX_BYTES:
            raise LocalisedImageError(
                "ewf.damaged_signature",
                path=path,
                found=_hex(start),
                kind=_EWF_KINDS[signature],
                expected=_hex(signature),
                bits=bits,
            )


def ewf_segment_suffix(name: str) -> str | None:
    """The EWF segment suffix of a file name (``.E01``, ``.Ex02``, ``.s01``), or None."""
    match = _EWF_NAME.search(name)
    if match is None or match.end() != len(name) or match.group(2) == "00":
        return None
    return match.group(0)


def sniff(path: Path, head: bytes, size: int) -> Literal["ewf", "raw"]:
    """``ewf`` or ``raw`` for a file whose first bytes are ``head`` (``SNIFF_BYTES`` of them, or the whole file).

    Raises ``ImageError`` (a ``LocalisedImageError``) for a damaged or truncated EWF file, an EWF name without an
    EWF signature, and a container scelle does not read: none of them is read as raw.
    """
    if head[: len(EWF_SIGNATURES[0])] in EWF_SIGNATURES and size >= FILE_HEADER_SIZE:
        return "ewf"
    _check_ewf_damage(path, head, size)
    for offset, magic, kind, how in _OTHER_CONTAINERS:
        if head[offset : offset + len(magic)] == magic:
            raise LocalisedImageError(
                "container.unsupported", path=path, kind=kind, found=_hex(magic), how=how.replace("IMAGE", path.name)
            )
    suffix = ewf_segment_suffix(path.name)
    if suffix is not None:
        raise LocalisedImageError(
            "ewf.named_without_signature",
            path=path,
            suffix=suffix,
            found=_hex(head[:8]),
            name=path.name,
            stem=path.name[: -len(suffix)],
        )
    return "raw"
