"""Virtual disks made here with qemu-img: scelle's media equals ``qemu-img convert -O raw`` byte for byte."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from evidence.sources import open_image
from tests.support.tools import runs_tools, tool

SIZE = 3 << 20


@pytest.fixture(scope="module")
@runs_tools
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A raw disk of random, repeated and zero 64 KiB stretches (compressible, sparse and not)."""
    rng = random.Random(14)
    parts = [rng.choice([bytes(65536), rng.randbytes(65536), bytes([rng.randrange(256)]) * 65536]) for _ in range(48)]
    path = tmp_path_factory.mktemp("vdisk") / "base.raw"
    path.write_bytes(b"".join(parts))
    return path


def qemu(*args: str | Path) -> None:
    subprocess.run([tool("qemu-img"), *map(str, args)], check=True, capture_output=True)


def assert_same_media(image: Path, fmt: str) -> None:
    out = image.with_name(image.name + ".out")
    qemu("convert", "-f", fmt, "-O", "raw", image, out)
    expected = out.read_bytes()
    with open_image(image) as source:
        assert source.size == len(expected)
        assert source.read_at(0, source.size + 1) == expected
        assert source.read_at(len(expected) - 5000, 7777) == expected[-5000:]


CONVERSIONS = {
    "v3.qcow2": ("qcow2", ["-o", "cluster_size=65536"]),
    "v3c.qcow2": ("qcow2", ["-c", "-o", "cluster_size=512"]),
    "v2c.qcow2": ("qcow2", ["-c", "-o", "compat=0.10"]),
    "sparse.vmdk": ("vmdk", ["-o", "subformat=monolithicSparse"]),
    "stream.vmdk": ("vmdk", ["-o", "subformat=streamOptimized"]),
    "flat.vmdk": ("vmdk", ["-o", "subformat=monolithicFlat"]),
    "dynamic.vhd": ("vpc", []),
    "fixed.vhd": ("vpc", ["-o", "subformat=fixed"]),
    "dynamic.vhdx": ("vhdx", ["-o", "block_size=1M"]),
    "fixed.vhdx": ("vhdx", ["-o", "subformat=fixed"]),
}


@pytest.mark.external
@pytest.mark.parametrize("name", sorted(CONVERSIONS))
def test_converted_images_read_as_qemu_img_reads_them(base: Path, name: str) -> None:
    fmt, options = CONVERSIONS[name]
    image = base.parent / name
    if not image.exists():
        qemu("convert", "-f", "raw", "-O", fmt, *options, base, image)
    assert_same_media(image, fmt)


@pytest.mark.external
@pytest.mark.parametrize("subformat", ["twoGbMaxExtentSparse", "twoGbMaxExtentFlat"])
def test_split_vmdk_over_several_extents(tmp_path: Path, subformat: str) -> None:
    image = tmp_path / "split.vmdk"
    qemu("create", "-f", "vmdk", "-o", f"subformat={subformat}", image, "5G" if "Sparse" in subformat else "5M")
    if "Sparse" in subformat:
        subprocess.run(
            [tool("qemu-io"), "-f", "vmdk", "-c", "write -P 0x11 2147482624 4096", "-c", "write -P 0x22 4G 512", image],
            check=True,
            capture_output=True,
        )
        with open_image(image) as source:
            assert len(source.segments) == 4  # the descriptor and three extents
            assert source.read_at(2147482624, 4096) == b"\x11" * 4096
            assert source.read_at(4 << 30, 1024) == b"\x22" * 512 + bytes(512)
            assert source.size == 5 << 30
        return
    assert_same_media(image, "vmdk")


@pytest.mark.external
def test_qcow2_overlay_chain_on_a_raw_base(base: Path, tmp_path: Path) -> None:
    (tmp_path / "base.raw").write_bytes(base.read_bytes())
    qemu("create", "-f", "qcow2", "-b", "base.raw", "-F", "raw", tmp_path / "mid.qcow2")
    qemu("create", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", tmp_path / "top.qcow2")
    for image, command in (("mid.qcow2", "write -P 0x33 70000 200000"), ("top.qcow2", "write -z 100000 300000")):
        qemu_io = [tool("qemu-io"), "-f", "qcow2", "-c", command, tmp_path / image]
        subprocess.run(qemu_io, check=True, capture_output=True)
    assert_same_media(tmp_path / "top.qcow2", "qcow2")
