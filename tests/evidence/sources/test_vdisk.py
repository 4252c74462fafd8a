"""Virtual disks (QCOW2, VMDK, VHD, VHDX): the media scelle reads is what ``qemu-img convert -O raw`` makes of them.

The fixtures (``fixtures/vdisk``, made by its ``make.sh`` with qemu-img) carry the SHA-256 of qemu-img's output, so
these tests need no qemu-img; ``test_vdisk_qemu.py`` makes images with it and compares bytes.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
from pathlib import Path

import pytest

from evidence.sources import open_image
from evidence.sources.vdisk import ContainerError

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "vdisk"
EXPECTED = {
    line.split()[2]: (line.split()[0], int(line.split()[1]))
    for line in (FIXTURES / "expected.sha256").read_text(encoding="utf-8").splitlines()
}


def media_sha256(path: Path, block: int = 100_000) -> tuple[str, int]:
    digest = hashlib.sha256()
    with open_image(path) as source:
        offset = 0
        while offset < source.size:
            data = source.read_at(offset, block)
            assert data
            digest.update(data)
            offset += len(data)
        return digest.hexdigest(), source.size


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_media_is_what_qemu_img_converts(name: str) -> None:
    assert media_sha256(FIXTURES / name) == EXPECTED[name]


def test_compressed_qcow2_has_odd_offset_clusters_and_reads_them() -> None:
    data = (FIXTURES / "ext4-compressed.qcow2").read_bytes()
    cluster_bits = struct.unpack_from(">I", data, 20)[0]
    l1_size, l1_offset = struct.unpack_from(">IQ", data, 36)
    bits = 62 - (cluster_bits - 8)
    odd = 0
    for (l1,) in struct.iter_unpack(">Q", data[l1_offset : l1_offset + 8 * l1_size]):
        l2 = l1 & 0x00FF_FFFF_FFFF_FE00
        if l2:
            for (entry,) in struct.iter_unpack(">Q", data[l2 : l2 + (1 << cluster_bits)]):
                odd += bool(entry & (1 << 62) and entry & ((1 << bits) - 1) & 1)
    assert odd > 0
    assert media_sha256(FIXTURES / "ext4-compressed.qcow2")[0] == EXPECTED["ext4-v2.qcow2"][0]


def test_formats_and_chain_are_reported() -> None:
    with open_image(FIXTURES / "overlay.qcow2") as source:
        assert source.format == "qcow2"
        assert source.metadata.extra["backing_file"] == "ext4-v2.qcow2"
    with open_image(FIXTURES / "ext4.vhd") as source:
        assert (source.format, source.metadata.extra["vhd_type"]) == ("vhd", "dynamic")
    with open_image(FIXTURES / "ext4-stream.vmdk") as source:
        assert (source.format, source.metadata.extra["vmdk_type"]) == ("vmdk", "streamOptimized")


def error_of(path: Path) -> ContainerError:
    with pytest.raises(ContainerError) as caught:
        open_image(path).close()
    return caught.value


def test_backing_loop_is_one_clear_error_in_both_languages() -> None:
    error = error_of(FIXTURES / "loop-a.qcow2")
    assert error.code == "parent.loop"
    assert "loops" in str(error) and "\n" not in str(error)
    assert "boucle" in error.message_in("fr")


def test_missing_and_absolute_backing_files_are_refused(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "overlay.qcow2", tmp_path / "overlay.qcow2")
    assert error_of(tmp_path / "overlay.qcow2").code == "parent.missing"
    data = bytearray((FIXTURES / "overlay.qcow2").read_bytes())
    offset, _size = struct.unpack_from(">QI", data, 8)
    absolute = str(FIXTURES / "ext4-v2.qcow2").encode()
    data[offset : offset + len(absolute)] = absolute
    struct.pack_into(">I", data, 16, len(absolute))
    (tmp_path / "absolute.qcow2").write_bytes(bytes(data))
    assert error_of(tmp_path / "absolute.qcow2").code == "parent.absolute"
    with open_image(tmp_path / "absolute.qcow2", follow_absolute_parents=True) as source:
        assert source.size == 1048576


def test_truncated_vhd_is_one_clear_error(tmp_path: Path) -> None:
    data = (FIXTURES / "ext4.vhd").read_bytes()
    (tmp_path / "cut.vhd").write_bytes(data[: len(data) // 2])
    error = error_of(tmp_path / "cut.vhd")
    assert error.code == "vhd.footer" and "truncated" in str(error)
    assert "pied de page VHD" in error.message_in("fr")


def test_corrupt_vmdk_grain_table_is_one_clear_error(tmp_path: Path) -> None:
    data = bytearray((FIXTURES / "ext4.vmdk").read_bytes())
    gd_offset = struct.unpack_from("<Q", data, 56)[0] * 512
    gt = struct.unpack_from("<I", data, gd_offset)[0] * 512
    for index in range(512):  # every grain table entry points far past the end of the file
        struct.pack_into("<I", data, gt + 4 * index, 0x7FFFFFF0)
    (tmp_path / "bad.vmdk").write_bytes(bytes(data))
    with open_image(tmp_path / "bad.vmdk") as source, pytest.raises(ContainerError) as caught:
        source.read_at(0, 4096)
    assert caught.value.code == "vmdk.table"
    assert "grain" in str(caught.value) and "table de grains" in caught.value.message_in("fr")


def test_a_split_vmdk_extent_alone_and_cowd_are_refused(tmp_path: Path) -> None:
    data = bytearray((FIXTURES / "ext4.vmdk").read_bytes())
    struct.pack_into("<Q", data, 28, 0)  # no embedded descriptor: one extent of a split set
    (tmp_path / "x-s001.vmdk").write_bytes(bytes(data))
    assert error_of(tmp_path / "x-s001.vmdk").code == "vmdk.descriptor"
    (tmp_path / "snap.vmdk").write_bytes(b"COWD" + bytes(2044))
    assert error_of(tmp_path / "snap.vmdk").code == "vmdk.cowd"


def test_every_message_has_both_languages() -> None:
    from evidence.sources.container_messages import MESSAGES

    for code, (english, french) in MESSAGES.items():
        assert english and french and english != french, code


def test_all_files_of_a_virtual_disk_may_be_given_but_no_others() -> None:
    with open_image([FIXTURES / "ext4.vmdk"]) as source:
        assert source.format == "vmdk"
    with pytest.raises(ContainerError) as caught:
        open_image([FIXTURES / "ext4.vmdk", FIXTURES / "ext4.vhd"])
    assert caught.value.code == "segments"
