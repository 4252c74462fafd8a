"""Sources: block-device identity from sysfs, real read-only loop devices, outputs refused on the source disk."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from evidence.acquisition.acquire import acquire_image, output_on_source
from evidence.acquisition.media import FileMedia, SourceIdentity, block_device_identity
from evidence.common.errors import AcquisitionError
from tests.evidence.support.acquisition import MiB, make_source
from tests.support.tools import tool


def fake_sysfs(root: Path) -> None:
    """A sysfs-shaped tree for disk 8:16 (sdb) with partition 8:17, as the kernel lays it out."""
    disk = root / "devices" / "pci0000:00" / "ata1" / "block" / "sdb"
    (disk / "device").mkdir(parents=True)
    (disk / "queue").mkdir()
    (disk / "sdb1").mkdir()
    (disk / "ro").write_text("1\n")
    (disk / "size").write_text("2048\n")
    (disk / "dev").write_text("8:16\n")
    (disk / "queue" / "logical_block_size").write_text("4096\n")
    (disk / "device" / "model").write_text("WDC WD10EZEX    \n")
    (disk / "device" / "vendor").write_text("ATA\n")
    (disk / "device" / "serial").write_text("WD-WCC6Y0000000\n")
    (disk / "sdb1" / "partition").write_text("1\n")
    (disk / "sdb1" / "ro").write_text("0\n")
    (disk / "sdb1" / "size").write_text("1024\n")
    (disk / "sdb1" / "dev").write_text("8:17\n")
    (root / "dev" / "block").mkdir(parents=True)
    (root / "dev" / "block" / "8:16").symlink_to(disk)
    (root / "dev" / "block" / "8:17").symlink_to(disk / "sdb1")


def test_identity_of_a_disk_and_of_its_partition(tmp_path: Path) -> None:
    fake_sysfs(tmp_path)
    assert block_device_identity(8, 16, sys_root=tmp_path) == {
        "read_only": True,
        "size": 2048 * 512,
        "logical_block_size": 4096,
        "model": "WDC WD10EZEX",
        "vendor": "ATA",
        "serial": "WD-WCC6Y0000000",
    }
    part = block_device_identity(8, 17, sys_root=tmp_path)
    assert part["read_only"] is False and part["size"] == 1024 * 512
    assert part["model"] == "WDC WD10EZEX" and part["logical_block_size"] == 4096  # inherited from the disk
    assert block_device_identity(9, 9, sys_root=tmp_path) == {}


def test_output_on_a_partition_of_the_source_disk_is_detected(tmp_path: Path) -> None:
    fake_sysfs(tmp_path)
    disk = SourceIdentity(path="/dev/sdb", kind="block-device", size=1, device="8:16")
    here = os.stat(tmp_path).st_dev
    assert not output_on_source(tmp_path, disk, sys_root=tmp_path)
    same = SourceIdentity(path="/dev/x", kind="block-device", size=1, device=f"{os.major(here)}:{os.minor(here)}")
    assert output_on_source(tmp_path, same, sys_root=tmp_path)
    assert not output_on_source(tmp_path, SourceIdentity(path="/f", kind="file", size=1))


def test_this_machines_disks_identity_without_reading_them() -> None:
    nodes = sorted(Path("/sys/block").glob("vd*")) + sorted(Path("/sys/block").glob("sd*"))
    if not nodes:
        pytest.skip("no virtio or SCSI disk on this machine")
    node = nodes[0]
    major, minor = (int(n) for n in (node / "dev").read_text().split(":"))
    info = block_device_identity(major, minor)  # through /sys/dev/block/MAJ:MIN, as for any device
    assert info["size"] == int((node / "size").read_text()) * 512
    assert info["read_only"] == ((node / "ro").read_text().strip() == "1")
    assert info["logical_block_size"] == int((node / "queue" / "logical_block_size").read_text())
    if (node / "serial").exists():  # virtio-blk exposes the serial on the block node itself
        assert info["serial"] == (node / "serial").read_text().strip()
    device = Path("/dev") / node.name
    try:
        os.close(os.open(device, os.O_RDONLY))
    except OSError as exc:
        pytest.skip(f"{device} cannot be opened here ({exc.strerror}); sysfs lookup checked above")
    media = FileMedia(device)  # opens read-only and reads nothing
    try:
        assert media.identity.kind == "block-device"
        assert media.identity.size == info["size"]
        assert media.identity.device == f"{major}:{minor}"
    finally:
        media.close()


@contextmanager
def loop_device(image: Path, *, read_only: bool) -> Iterator[Path]:
    losetup = tool("losetup")
    if os.geteuid() != 0:
        pytest.skip("loop devices need root")
    args = [losetup, "-f", "--show", *(["-r"] if read_only else []), str(image)]
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        pytest.skip(f"cannot attach a loop device here: {proc.stderr.strip()}")
    device = Path(proc.stdout.strip())
    try:
        yield device
    finally:
        subprocess.run([losetup, "-d", str(device)], check=False)


@pytest.mark.external
def test_acquire_a_read_only_loop_device(tmp_path: Path) -> None:
    image = tmp_path / "disk.img"
    data = make_source(image, 3 * MiB)
    with loop_device(image, read_only=True) as device:
        record = acquire_image(device, tmp_path / "loop.raw", window=MiB)
    assert (tmp_path / "loop.raw").read_bytes() == data
    assert record.source.kind == "block-device"
    assert record.source.read_only is True
    assert record.source.size == len(data) and record.source.logical_block_size == 512
    assert record.source.device is not None and record.source.device.startswith("7:")
    assert record.media_digests["sha256"] == hashlib.sha256(data).hexdigest()
    assert image.read_bytes() == data


@pytest.mark.external
def test_refuses_to_write_onto_the_mounted_source(tmp_path: Path) -> None:
    mkfs, mount, umount = tool("mkfs.ext4"), tool("mount"), tool("umount")
    image = tmp_path / "fs.img"
    with image.open("wb") as handle:
        handle.truncate(16 * MiB)
    subprocess.run([mkfs, "-q", str(image)], check=True)
    mountpoint = tmp_path / "mnt"
    mountpoint.mkdir()
    with loop_device(image, read_only=False) as device:
        if subprocess.run([mount, str(device), str(mountpoint)], capture_output=True, check=False).returncode:
            pytest.skip("cannot mount a loop device here")
        try:
            with pytest.raises(AcquisitionError, match="onto the source device"):
                acquire_image(device, mountpoint / "evidence.raw")
            assert not (mountpoint / "evidence.raw").exists()
        finally:
            subprocess.run([umount, str(mountpoint)], check=False)
