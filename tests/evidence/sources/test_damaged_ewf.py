"""Issue 18, finding 2: a damaged EWF file is never read as raw (it was hashed as the container file, exit 0).

The mutants are made here from a real E01 fixture (plaso/image.E01): cut to a few bytes, bits flipped in the
signature, a byte overwritten; and a genuine raw image under an EWF name. ``image hash``, ``image info`` and
``verify`` must all refuse them with one line and exit 1, in English and in French.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from evidence.common.errors import ImageError
from evidence.common.messages import MESSAGES, LocalisedImageError
from evidence.ewf.format import EWF_SIGNATURES
from evidence.sources import open_image
from evidence.sources.containers import ewf_segment_suffix
from evidence.sources.vdisk import ContainerError
from tests.evidence.support.images import IMAGES, ROOT

E01 = IMAGES / "plaso/image.E01"
RAW = IMAGES / "sleuthkit/image.dd"


def _flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def _mutants() -> dict[str, bytes]:
    whole = E01.read_bytes()
    found = {f"cut-{n}": whole[:n] for n in (1, 3, 8, 12)}
    for bit in (0, 9, 21, 30, 45, 63):  # one bit in each region of the 8-byte signature
        found[f"flip-bit-{bit}"] = _flip(whole, bit)
    found["flip-two-bits"] = _flip(_flip(whole, 2), 50)
    found["byte-zeroed"] = whole[:1] + b"\0" + whole[2:]
    found["two-bytes-overwritten"] = b"XY" + whole[2:]
    return found


MUTANTS = _mutants()


@pytest.fixture(scope="module")
def mutant_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("damaged")
    for name, data in MUTANTS.items():
        (directory / f"{name}.E01").write_bytes(data)
        (directory / f"{name}.bin").write_bytes(data)  # no EWF name: the bytes alone must give it away
    return directory


def _invoke(*args: str, lang: str = "en") -> tuple[int, str]:
    result = CliRunner(env={"SCELLE_LANG": lang}).invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("name", sorted(MUTANTS))
@pytest.mark.parametrize("suffix", [".E01", ".bin"])
def test_library_refuses_every_mutant(mutant_dir: Path, name: str, suffix: str) -> None:
    with pytest.raises(ImageError, match=r"EWF") as caught:
        open_image(mutant_dir / f"{name}{suffix}")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("command", [["image", "hash"], ["image", "info"], ["verify"]])
@pytest.mark.parametrize("name", ["cut-1", "flip-bit-9", "two-bytes-overwritten"])
def test_commands_refuse_with_one_line(mutant_dir: Path, command: list[str], name: str) -> None:
    for suffix in (".E01", ".bin"):
        path = mutant_dir / f"{name}{suffix}"
        code, out = _invoke(*command, str(path))
        assert code == 3, out  # a cut or damaged image: the README's "evidence does not match" code (issue 17)
        assert out.count("\n") == 1 and out.startswith("scelle: error: ")
        assert "EWF" in out and hashlib.sha256(path.read_bytes()).hexdigest() not in out


def test_messages_exist_in_french(mutant_dir: Path) -> None:
    code, out = _invoke("image", "hash", str(mutant_dir / "flip-bit-9.E01"), lang="fr")
    assert code == 3 and "signature EWF endommagée" in out and "1 bit(s)" in out
    code, out = _invoke("image", "hash", str(mutant_dir / "cut-1.E01"), lang="fr")
    assert code == 3 and "segment EWF tronqué" in out
    for code_name, (english, french) in MESSAGES.items():
        assert english and french and english != french, code_name


def test_no_traceback_from_the_real_command(mutant_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cli", "image", "hash", str(mutant_dir / "cut-1.E01")],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 3 and done.stdout == b""
    assert b"Traceback" not in done.stderr and done.stderr.count(b"\n") == 1


@pytest.mark.parametrize("suffix", [".E01", ".e01", ".E02", ".Ex01", ".s01", ".L01", ".Lx01"])
def test_a_raw_image_under_an_ewf_name_is_refused_with_the_way_to_open_it(tmp_path: Path, suffix: str) -> None:
    named = tmp_path / f"disk{suffix}"
    named.write_bytes(RAW.read_bytes())
    with pytest.raises(LocalisedImageError, match=r"no EWF signature.*ln -s") as caught:
        open_image(named)
    assert caught.value.code == "ewf.named_without_signature"
    # the documented way: the same file under a raw name is read as raw, byte for byte
    link = tmp_path / "disk.raw"
    os.symlink(named.name, link)
    with open_image(link) as source:
        assert source.format == "raw"
        assert source.read_at(0, source.size) == RAW.read_bytes()


def test_ewf_names_are_recognised_and_others_are_not() -> None:
    for name in ("x.E01", "x.e09", "x.E99", "x.Ex01", "x.s01", "x.L01", "x.Lx12"):
        assert ewf_segment_suffix(name) is not None, name
    for name in ("x.raw", "x.001", "x.E00", "x.E1", "x.exe", "x.E011", "E01", "x.dd", "x.E01.txt"):
        assert ewf_segment_suffix(name) is None, name


@pytest.mark.parametrize("signature", EWF_SIGNATURES)
def test_every_ewf_signature_is_recognised_when_damaged_or_cut(tmp_path: Path, signature: bytes) -> None:
    damaged = tmp_path / "damaged.bin"
    damaged.write_bytes(_flip(signature, 12) + bytes(4096))
    with pytest.raises(LocalisedImageError) as caught:
        open_image(damaged)
    assert caught.value.code == "ewf.damaged_signature"
    cut = tmp_path / "cut.bin"
    cut.write_bytes(signature[:5])
    with pytest.raises(LocalisedImageError) as caught:
        open_image(cut)
    assert caught.value.code == "ewf.truncated_header"


@pytest.mark.parametrize(
    ("offset", "magic"),
    [
        (0, b"QFI\xfb"),
        (0, b"KDMV"),
        (0, b"vhdxfile"),
        (0, b"conectix"),
        (0x40, b"\x7f\x10\xda\xbe"),
        (0, b"AFF10\r\n\0"),
    ],
)
def test_other_containers_are_not_hashed_as_raw(tmp_path: Path, offset: int, magic: bytes) -> None:
    path = tmp_path / "disk.img"
    data = bytearray(8192)
    data[offset : offset + len(magic)] = magic
    path.write_bytes(bytes(data))
    # refused either by a virtual-disk reader (QCOW2, VMDK, VHD, VHDX: a bare signature is a malformed container) or
    # as a container scelle does not read; never opened as raw
    with pytest.raises(ImageError) as caught:
        open_image(path)
    assert isinstance(caught.value, LocalisedImageError | ContainerError)
    assert str(path) in str(caught.value)


def test_ordinary_raw_images_still_open(tmp_path: Path) -> None:
    # first bytes of real disks (zeros, an MBR boot jump, text) are far from every EWF signature
    for head in (bytes(8), b"\xeb\x63\x90\x10\x8e\xd0\xbc\x00", b"\xeb\x52\x90NTFS", b"EVIDENCE", b"EVF is a word"):
        path = tmp_path / "disk.img"
        path.write_bytes(head + bytes(4096))
        with open_image(path) as source:
            assert source.format == "raw"
    with open_image(E01) as source:
        assert source.format == "ewf"
