"""Recognising a virtual disk by its signature and opening it with its parents.

Signatures, as each format's specification puts them: ``QFI\\xfb`` (QCOW), ``KDMV`` (VMDK sparse extent),
``# Disk DescriptorFile`` (VMDK descriptor), ``COWD`` and seSparse's ``0xcafebabe`` (ESX snapshot formats, refused),
``conectix`` at the start (dynamic or differencing VHD, whose footer is copied there), ``vhdxfile`` (VHDX), and
``conectix`` in the last 512 bytes with disk type 2 (fixed VHD: raw data followed by its footer; qemu's own probe
misses it and reads the footer as media).
"""

from __future__ import annotations

import os
from pathlib import Path

from evidence.common.errors import ImageError
from evidence.common.files import open_readonly
from evidence.sources.base import ImageSource
from evidence.sources.vdisk import ContainerError, ParentOpener

_DESCRIPTOR = b"# Disk DescriptorFile"
_SESPARSE = b"\xbe\xba\xfe\xca\x00\x00\x00\x00"


def _kind(path: Path) -> str | None:
    """The virtual disk format of ``path`` by its signature, or None for anything else."""
    fd, size = open_readonly(path)
    try:
        head = os.pread(fd, 64, 0)
        tail = os.pread(fd, 512, size - 512) if size >= 1024 else b""
    except OSError as exc:
        raise ImageError(f"{path}: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    if head.startswith(b"QFI\xfb"):
        return "qcow2"
    if head.startswith(b"KDMV"):
        return "vmdk-sparse"
    if head.lstrip(b"\xef\xbb\xbf").startswith(_DESCRIPTOR):
        return "vmdk-descriptor"
    if head.startswith(b"COWD"):
        raise ContainerError("vmdk.cowd", path, kind="COWD")
    if head.startswith(_SESPARSE):
        raise ContainerError("vmdk.cowd", path, kind="seSparse")
    if head.startswith(b"conectix"):
        return "vhd"
    if head.startswith(b"vhdxfile"):
        return "vhdx"
    if tail.startswith(b"conectix") and tail[60:64] == b"\x00\x00\x00\x02":
        return "vhd"
    return None


def _open_kind(kind: str, path: Path, opener: ParentOpener) -> ImageSource:
    if kind == "qcow2":
        from evidence.sources.qcow2 import Qcow2Source

        return Qcow2Source(path, opener)
    if kind in ("vmdk-sparse", "vmdk-descriptor"):
        from evidence.sources.vmdk import open_vmdk

        return open_vmdk(path, opener, descriptor=kind == "vmdk-descriptor")
    if kind == "vhd":
        from evidence.sources.vhd import VhdSource

        return VhdSource(path, opener)
    from evidence.sources.vhdx import VhdxSource

    return VhdxSource(path)


def _open_layer(path: Path, opener: ParentOpener) -> ImageSource:
    """A parent image: a virtual disk (with its own parents), an EWF set, or raw."""
    inner = opener.enter(path)
    kind = _kind(path)
    if kind is not None:
        return _open_kind(kind, path, inner)
    from evidence.ewf.format import EWF_SIGNATURES

    fd, _size = open_readonly(path)
    try:
        signature = os.pread(fd, 8, 0)
    finally:
        os.close(fd)
    if signature in EWF_SIGNATURES:
        from evidence.sources.ewf import EwfSource, find_segments

        return EwfSource(find_segments(path))
    from evidence.sources.raw import RawSource

    return RawSource([path])


def open_virtual_disk(path: Path, *, follow_absolute: bool = False) -> ImageSource | None:
    """Open ``path`` if it is a virtual disk (with its parents); None if it is not one."""
    kind = _kind(path)
    if kind is None:
        return None
    opener = ParentOpener(_open_layer, follow_absolute=follow_absolute).enter(path)
    return _open_kind(kind, path, opener)
