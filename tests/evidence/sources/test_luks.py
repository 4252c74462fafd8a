"""Issue 14 item 3: LUKS1 and LUKS2 volumes unlocked and read as the plaintext they hold.

Independent tools make every volume here:

- LUKS1: ``qemu-img convert -O luks`` encrypts the ext4 fixture (header, key slot and data all qemu's); libyal's
  ``pyluksde`` reads the same volume as a second opinion.
- LUKS2: ``cryptsetup luksFormat`` writes the header and the key slots (Argon2id, then PBKDF2 added by
  ``luksAddKey``), and ``cryptsetup luksDump --dump-volume-key`` says what the volume key is. No device mapper here,
  so the data is encrypted by this test with the dumped key, in XTS written from IEEE 1619 on plain AES (not the
  ``modes.XTS`` scelle uses), with dm-crypt's IV (sector number in 512-byte units plus ``iv_tweak``).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from cli.main import cli
from evidence.common.messages import LocalisedImageError
from evidence.sources import open_image
from evidence.sources.luks import af_merge
from tests.support.luks import qemu_luks
from tests.support.tools import tool

PLAIN = Path(__file__).resolve().parents[3] / "fixtures" / "generated" / "ext4.raw"
#: non-ASCII, as UTF-8 (what cryptsetup and qemu hash); libluksde opens only ASCII passphrases, so LUKS1 uses ASCII
SECRET = b"mot de passe du scell\xc3\xa9"
ASCII = b"motdepasse-scelle"


def _run(*argv: str) -> bytes:
    result = subprocess.run(argv, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


@pytest.fixture(scope="module")
def luks1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("luks1")
    out = work / "v1.luks"
    return qemu_luks(PLAIN, out, f"secret,id=s0,data={ASCII.decode()}")


def _xts_encrypt(key: bytes, tweak: bytes, data: bytes) -> bytes:
    """AES-XTS (IEEE 1619) from AES-ECB: T = E_K2(tweak), then C_j = E_K1(P_j ^ T_j) ^ T_j, T_{j+1} = T_j * x."""
    half = len(key) // 2
    block = Cipher(algorithms.AES(key[:half]), modes.ECB()).encryptor()  # noqa: S305 - the XTS construction
    mask = int.from_bytes(Cipher(algorithms.AES(key[half:]), modes.ECB()).encryptor().update(tweak), "little")  # noqa: S305
    out = bytearray()
    for start in range(0, len(data), 16):
        t = mask.to_bytes(16, "little")
        piece = bytes(a ^ b for a, b in zip(data[start : start + 16], t, strict=True))
        out += bytes(a ^ b for a, b in zip(block.update(piece), t, strict=True))
        mask = ((mask << 1) ^ (0x87 if mask >> 127 else 0)) & ((1 << 128) - 1)
    return bytes(out)


def _luks2(work: Path, sector_size: int) -> tuple[Path, bytes]:
    """A LUKS2 volume (cryptsetup) holding the ext4 fixture; returns it and the volume key cryptsetup dumps."""
    volume = work / f"v2-{sector_size}.luks"
    first, second = work / "first.key", work / "second.key"
    first.write_bytes(SECRET)
    second.write_bytes(b"autre secret")
    data = PLAIN.read_bytes()
    volume.write_bytes(bytes(16 << 20) + bytes(len(data)))
    cryptsetup = tool("cryptsetup")
    _run(cryptsetup, "luksFormat", "--type", "luks2", "--pbkdf", "argon2id", "--pbkdf-memory", "8192",
         "--pbkdf-force-iterations", "4", "--pbkdf-parallel", "1", "--sector-size", str(sector_size),
         "--key-file", str(first), "-q", str(volume))  # fmt: skip
    _run(cryptsetup, "luksAddKey", "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000", "--key-file", str(first),
         str(volume), str(second))  # fmt: skip
    dump = _run(cryptsetup, "luksDump", "--dump-volume-key", "--key-file", str(first), "-q", str(volume)).decode()
    key = bytes.fromhex("".join(re.findall(r"[0-9a-f]{2}", dump.split("MK dump:")[1])))
    assert len(key) == 64
    header = json.loads(_run(cryptsetup, "luksDump", "--dump-json-metadata", str(volume)))
    segment = header["segments"]["0"]
    offset, tweak = int(segment["offset"]), int(segment["iv_tweak"])
    assert segment["encryption"] == "aes-xts-plain64" and int(segment["sector_size"]) == sector_size
    encrypted = bytearray()
    for start in range(0, len(data), sector_size):
        iv = (tweak + start // 512).to_bytes(16, "little")
        encrypted += _xts_encrypt(key, iv, data[start : start + sector_size])
    with volume.open("r+b") as file:
        file.seek(offset)
        file.write(encrypted)
    return volume, key


@pytest.fixture(scope="module")
def luks2(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, bytes]]:
    work = tmp_path_factory.mktemp("luks2")
    return {size: _luks2(work, size) for size in (512, 4096)}


def _key_file(tmp_path: Path, secret: bytes = SECRET) -> str:
    path = tmp_path / "secret.key"
    path.write_bytes(secret)
    return f"keyfile:{path}"


@pytest.mark.external
def test_luks1_from_qemu_reads_as_its_plaintext_and_as_libyal_reads_it(luks1: Path, tmp_path: Path) -> None:
    with open_image(luks1, unlock=ASCII) as source:
        assert source.format == "luks1" and source.size == PLAIN.stat().st_size
        assert source.read_at(0, source.size) == PLAIN.read_bytes()
        assert source.metadata.extra["luks_key_slot"] == "0"
    pyluksde = pytest.importorskip("pyluksde")
    volume = pyluksde.volume()
    volume.set_password(ASCII.decode())
    volume.open(str(luks1))
    assert volume.read_buffer(volume.get_size()) == PLAIN.read_bytes()
    volume.close()
    unlock = _key_file(tmp_path, ASCII)
    listed = CliRunner().invoke(cli, ["image", "ls", "--unlock", unlock, str(luks1)])
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout == CliRunner().invoke(cli, ["image", "ls", str(PLAIN)]).stdout
    assert "LUKS1 volume decrypted (key slot 0, aes-xts-plain64)" in listed.stderr
    assert ASCII.decode() not in listed.stderr + listed.stdout


@pytest.mark.external
@pytest.mark.parametrize("sector_size", [512, 4096])
def test_luks2_from_cryptsetup_unlocks_with_argon2id_and_pbkdf2_slots(
    luks2: dict[int, tuple[Path, bytes]], sector_size: int, tmp_path: Path
) -> None:
    volume, _key = luks2[sector_size]
    for secret, slot in ((SECRET, "0"), (b"autre secret", "1")):
        with open_image(volume, unlock=secret) as source:
            assert source.format == "luks2" and source.metadata.extra["luks_key_slot"] == slot
            assert source.read_at(0, PLAIN.stat().st_size) == PLAIN.read_bytes()
            assert source.read_at(4096 * 3 + 100, 9000) == PLAIN.read_bytes()[4096 * 3 + 100 : 4096 * 3 + 9100]
    hashed = CliRunner().invoke(cli, ["image", "hash", "--json", "--unlock", _key_file(tmp_path), str(volume)])
    assert hashed.exit_code == 0, hashed.stderr
    plaintext = (PLAIN.read_bytes() + bytes(1 << 20))[: json.loads(hashed.stdout)["size"]]
    assert json.loads(hashed.stdout)["sha256"] == "sha256:" + hashlib.sha256(plaintext).hexdigest()


def test_af_merge_inverts_the_splitter_as_cryptsetup_defines_it() -> None:
    """AF_split: random stripes s_0..s_{n-2}; d = diffuse(d ^ s_i) between them; the last stripe is d ^ key."""
    generator = random.Random(3)
    key = generator.randbytes(32)
    stripes = [generator.randbytes(32) for _ in range(3)]
    buffer = bytes(32)
    for stripe in stripes:
        mixed = bytes(a ^ b for a, b in zip(buffer, stripe, strict=True))
        buffer = b"".join(
            hashlib.sha256(number.to_bytes(4, "big") + mixed[start : start + 32]).digest()
            for number, start in enumerate(range(0, 32, 32))
        )
    last = bytes(a ^ b for a, b in zip(buffer, key, strict=True))
    assert af_merge(b"".join([*stripes, last]), 32, 4, "sha256") == key


@pytest.mark.external
def test_a_wrong_secret_and_a_missing_one_are_one_line_each(luks1: Path, tmp_path: Path) -> None:
    wrong = CliRunner().invoke(cli, ["image", "ls", "--unlock", _key_file(tmp_path, b"faux"), str(luks1)])
    assert wrong.exit_code != 0
    assert wrong.stderr.strip().endswith("opens none of the 1 key slot(s) of this LUKS volume (wrong passphrase or "
                                         "key file)")  # fmt: skip
    assert len(wrong.stderr.strip().splitlines()) == 1
    french = CliRunner().invoke(
        cli, ["image", "ls", "--unlock", _key_file(tmp_path, b"faux"), str(luks1)], env={"SCELLE_LANG": "fr"}
    )
    assert "n'ouvre aucun des 1 emplacements de clé" in french.stderr
    missing = CliRunner().invoke(cli, ["image", "ls", "--unlock", "passphrase", str(luks1)])
    assert missing.exit_code != 0 and "set SCELLE_UNLOCK_PASSPHRASE" in missing.stderr
    from_env = CliRunner().invoke(
        cli, ["image", "hash", "--unlock", "passphrase", str(luks1)], env={"SCELLE_UNLOCK_PASSPHRASE": ASCII.decode()}
    )
    assert from_env.exit_code == 0 and hashlib.sha256(PLAIN.read_bytes()).hexdigest() in from_env.stdout


@pytest.mark.external
def test_without_unlock_the_encrypted_bytes_are_the_media_and_the_user_is_told(luks1: Path) -> None:
    hashed = CliRunner().invoke(cli, ["image", "hash", str(luks1)])
    assert hashed.exit_code == 0
    assert hashlib.sha256(luks1.read_bytes()).hexdigest() in hashed.stdout  # the evidence as seized
    assert "a LUKS1 encrypted volume: its file systems can be read with --unlock" in hashed.stderr
    listed = CliRunner().invoke(cli, ["image", "ls", str(luks1)])
    assert listed.exit_code != 0 and "--unlock" in listed.stderr


def test_unlock_on_a_volume_that_is_not_encrypted_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["image", "ls", "--unlock", _key_file(tmp_path), str(PLAIN)])
    assert result.exit_code != 0 and "is not a LUKS volume" in result.stderr


@pytest.mark.external
def test_a_damaged_luks2_header_copy_is_replaced_by_the_other_and_both_damaged_is_refused(
    luks2: dict[int, tuple[Path, bytes]], tmp_path: Path
) -> None:
    volume, _key = luks2[512]
    data = bytearray(volume.read_bytes())
    data[4096 + 10] ^= 0x20  # in the primary JSON area: its checksum fails
    damaged = tmp_path / "primary.luks"
    damaged.write_bytes(bytes(data))
    with open_image(damaged, unlock=SECRET) as source:
        assert source.read_at(0, 4096) == PLAIN.read_bytes()[:4096]
        assert any("primary copy of the LUKS2 header is damaged" in str(n) for n in source.notices)
    size = int.from_bytes(data[8:16], "big")
    data[size + 4096 + 10] ^= 0x20  # and in the secondary one
    damaged.write_bytes(bytes(data))
    with pytest.raises(LocalisedImageError, match="both LUKS2 header copies are unusable"):
        open_image(damaged, unlock=SECRET)


@pytest.mark.external
def test_mutated_headers_give_a_clear_error_or_the_plaintext(luks1: Path, luks2: dict[int, tuple[Path, bytes]],
                                                              tmp_path: Path) -> None:  # fmt: skip
    """200 seeded mutations of the header areas: each opens to the exact plaintext or fails with a LUKS error."""
    plain = PLAIN.read_bytes()
    generator = random.Random(2026)
    outcomes: dict[str, int] = {}
    for original, span, secret in ((luks1, 4096, ASCII), (luks2[4096][0], 32768, SECRET)):
        data = original.read_bytes()
        for number in range(100):
            mutant = bytearray(data)
            for _ in range(generator.randint(1, 4)):
                mutant[generator.randrange(span)] = generator.randrange(256)
            path = tmp_path / f"m{number}.luks"
            path.write_bytes(bytes(mutant))
            outcome = _in_child(str(path), plain, 20, secret)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            assert outcome in ("same", "clean-error"), (original.name, number, outcome)
    assert outcomes.get("same", 0) > 0 and outcomes.get("clean-error", 0) > 0


_CODES = {0: "same", 1: "clean-error", 3: "misread"}


def _in_child(path: str, plain: bytes, timeout: float, secret: bytes) -> str:
    """Open and read the mutant in a forked child (a hang or a crash cannot take the test run with it)."""
    from evidence.common.errors import EvidenceError

    pid = os.fork()
    if pid == 0:  # the child: exit code = outcome
        code = 70
        try:
            with open_image(path, unlock=secret) as source:
                code = 0 if source.read_at(0, len(plain)) == plain else 3
        except EvidenceError:
            code = 1
        except BaseException:  # noqa: BLE001 - any other exception is the failure this test looks for
            code = 70
        os._exit(code)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            if os.WIFSIGNALED(status):
                return "crash"
            return _CODES.get(os.WEXITSTATUS(status), "traceback")
        time.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return "hang"


@pytest.mark.external
def test_a_header_asking_for_an_unbounded_key_derivation_is_refused_at_once(luks1: Path, tmp_path: Path) -> None:
    data = bytearray(luks1.read_bytes())
    data[208 + 4 : 208 + 8] = (0x7FFFFFFF).to_bytes(4, "big")  # key slot 0: two billion PBKDF2 iterations
    hostile = tmp_path / "hostile.luks"
    hostile.write_bytes(bytes(data))
    started = time.monotonic()
    with pytest.raises(LocalisedImageError, match="key slot 0: 2147483647 PBKDF2 iterations"):
        open_image(hostile, unlock=ASCII)
    assert time.monotonic() - started < 5


@pytest.mark.external
def test_a_luks_partition_of_a_disk_is_listed_beside_the_others(luks1: Path, tmp_path: Path) -> None:
    """A disk (MBR by sfdisk): partition 1 the ext4 fixture in clear, partition 2 the qemu LUKS1 volume."""
    sector = 512
    first, second = PLAIN.read_bytes(), luks1.read_bytes()
    start1 = 2048
    start2 = start1 + -(-len(first) // sector) + 2048
    size2 = -(-len(second) // sector)
    disk = tmp_path / "disk.raw"
    disk.write_bytes(bytes((start2 + size2 + 2048) * sector))
    table = f"label: dos\nstart={start1}, size={len(first) // sector}, type=83\nstart={start2}, size={size2}, type=83\n"
    subprocess.run([tool("sfdisk"), "-q", str(disk)], input=table.encode(), capture_output=True, check=True)
    with disk.open("r+b") as file:
        file.seek(start1 * sector)
        file.write(first)
        file.seek(start2 * sector)
        file.write(second)
    clear = CliRunner().invoke(cli, ["image", "ls", str(PLAIN)]).stdout.splitlines()

    locked = CliRunner().invoke(cli, ["image", "ls", str(disk)])
    assert locked.exit_code == 0, locked.stderr
    assert locked.stdout.splitlines() == clear  # only the partition in clear
    assert "a LUKS1 encrypted volume" in locked.stderr and "--unlock" in locked.stderr

    unlocked = CliRunner().invoke(cli, ["image", "ls", "--unlock", _key_file(tmp_path, ASCII), str(disk)])
    assert unlocked.exit_code == 0, unlocked.stderr
    lines = unlocked.stdout.splitlines()
    assert len(lines) == 2 * len(clear)
    prefixes = sorted({line.split("] ", 1)[0] + "]" for line in lines})
    assert len(prefixes) == 2
    for prefix in prefixes:
        assert [line.split("] ", 1)[1] for line in lines if line.startswith(prefix)] == clear
    luks_partition = prefixes[1].strip("[]p")
    hashed = CliRunner().invoke(
        cli,
        ["image", "ls", "--json", "--hash", "-p", luks_partition, "--unlock", _key_file(tmp_path, ASCII), str(disk)],
    )
    assert hashed.exit_code == 0, hashed.stderr
    plain = CliRunner().invoke(cli, ["image", "ls", "--json", "--hash", str(PLAIN)])
    strip = [json.loads(line) | {"partition": None} for line in hashed.stdout.splitlines()]
    assert strip == [json.loads(line) for line in plain.stdout.splitlines()]
