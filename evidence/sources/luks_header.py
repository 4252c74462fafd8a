"""LUKS1 and LUKS2 headers: what a LUKS volume says about itself, read and checked before any key is tried.

LUKS1 (cryptsetup's format before 2.1): a 592-byte big-endian header (``LUKS\\xba\\xbe``, version 1) with the cipher,
the volume-key digest (PBKDF2) and eight key slots (PBKDF2 parameters, key-material offset in 512-byte sectors, AF
stripes). LUKS2 (the default since cryptsetup 2.1): two copies of a 4,096-byte binary header (``LUKS\\xba\\xbe`` and
``SKUL\\xba\\xbe``, version 2), each followed by its JSON area; the header's checksum (``checksum_alg``, usually
SHA-256) covers the binary header with its checksum field zeroed and the JSON area. The copy whose checksum holds
is used; with both, the higher ``seqid`` (cryptsetup's rule). The JSON holds the key slots (KDF: PBKDF2 or
Argon2id; key-material area and its cipher; AF stripes and hash), the data segment (offset, size, cipher,
``sector_size``, ``iv_tweak``) and the digests that check a volume key.

Everything is validated here (sizes, offsets inside the device, known kinds) so that unlocking never reads past
what the header can justify; a damaged header is one clear error, never a traceback.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from dataclasses import dataclass
from typing import Any

from evidence.common.messages import LocalisedImageError
from evidence.sources.base import ImageSource
from evidence.sources.containers import LUKS_MAGIC, is_luks

MAGIC = LUKS_MAGIC
MAGIC_SECONDARY = b"SKUL\xba\xbe"
#: where cryptsetup may put the LUKS2 secondary header (the primary's size: 16 KiB to 4 MiB)
SECONDARY_OFFSETS = tuple(0x4000 << shift for shift in range(9))
_LUKS1_SLOT_ACTIVE = 0x00AC71F3
_LUKS1 = struct.Struct(">6sH32s32s32sII20s32sI40s")
_LUKS1_SLOT = struct.Struct(">II32sII")
#: the KDF costs scelle runs at most: far above what cryptsetup picks (about 2 s of one core, a few million PBKDF2
#: iterations; Argon2 up to 4 GiB), and a bound on what a damaged or hostile header can make an unlock cost
MAX_PBKDF2_ITERATIONS = 20_000_000
MAX_ARGON2_MEMORY = 4 << 20  # KiB
MAX_ARGON2_TIME = 1000
MAX_ARGON2_LANES = 64


@dataclass(frozen=True, slots=True)
class Kdf:
    """How a key slot turns a passphrase into the key of its key material."""

    type: str  # pbkdf2, argon2id
    salt: bytes
    hash: str = "sha256"
    iterations: int = 0
    memory: int = 0  # KiB (Argon2)
    parallel: int = 1

    def check(self, what: str) -> None:
        """Refuse a cost beyond the bounds above (``ValueError`` naming ``what``)."""
        if self.type == "pbkdf2":
            if not 1 <= self.iterations <= MAX_PBKDF2_ITERATIONS:
                raise ValueError(f"{what}: {self.iterations} PBKDF2 iterations (scelle runs 1 to 20,000,000)")
        elif not (
            1 <= self.iterations <= MAX_ARGON2_TIME
            and 8 <= self.memory <= MAX_ARGON2_MEMORY
            and 1 <= self.parallel <= MAX_ARGON2_LANES
        ):
            raise ValueError(
                f"{what}: Argon2 cost time {self.iterations}, memory {self.memory} KiB, {self.parallel} lanes"
            )


@dataclass(frozen=True, slots=True)
class Keyslot:
    """One key slot: its KDF, where its AF-split key material lies and how it is encrypted."""

    number: int
    kdf: Kdf
    key_size: int
    area_offset: int
    area_cipher: str
    area_key_size: int
    stripes: int
    af_hash: str


@dataclass(frozen=True, slots=True)
class Digest:
    """The check of a candidate volume key: PBKDF2 of the key must give ``value``."""

    hash: str
    iterations: int
    salt: bytes
    value: bytes
    keyslots: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class LuksHeader:
    """A LUKS volume's header, as far as reading its plaintext needs it."""

    version: int
    uuid: str
    cipher: str
    key_size: int
    data_offset: int
    data_size: int | None  # None: to the end of the device
    sector_size: int
    iv_tweak: int
    keyslots: tuple[Keyslot, ...]
    digests: tuple[Digest, ...]
    #: a LUKS2 header copy that failed its checksum (the other one is used)
    damaged_copy: str | None = None


def _damaged(path: object, reason: str) -> LocalisedImageError:
    return LocalisedImageError("luks.damaged", path=path, reason=reason)


def _text(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("ascii", "replace")


def read_header(source: ImageSource) -> LuksHeader:
    """The LUKS header at the start of ``source`` (``LocalisedImageError`` when it is damaged or unsupported)."""
    head = source.read_at(0, 4096)
    path = source.segments[0]
    if not is_luks(head):
        raise _damaged(path, "no LUKS signature")
    if head[7] == 1:
        return _luks1(head, source)
    return _luks2(source)


def _luks1(head: bytes, source: ImageSource) -> LuksHeader:
    path = source.segments[0]
    if len(head) < 592:
        raise _damaged(path, f"LUKS1 header cut at {len(head)} bytes")
    (_, _, name, mode, hash_spec, payload, key_bytes, digest, digest_salt, digest_iter, uuid) = _LUKS1.unpack_from(head)
    hash_name = _text(hash_spec).lower()
    if hash_name not in hashlib.algorithms_available or key_bytes not in (16, 32, 64):
        raise _damaged(path, f"LUKS1 header: hash {hash_name!r}, key of {key_bytes} bytes")
    try:
        Kdf("pbkdf2", b"", hash_name, digest_iter).check("volume key digest")
    except ValueError as exc:
        raise _damaged(path, str(exc)) from None
    cipher = f"{_text(name)}-{_text(mode)}".lower()
    slots = []
    for number in range(8):
        active, iterations, salt, offset, stripes = _LUKS1_SLOT.unpack_from(head, 208 + 48 * number)
        if active != _LUKS1_SLOT_ACTIVE:
            continue
        if iterations < 1 or not 1 <= stripes <= 100_000 or offset * 512 + key_bytes * stripes > source.size:
            raise _damaged(path, f"LUKS1 key slot {number}: material past the end of the device")
        kdf = Kdf("pbkdf2", salt, hash_name, iterations)
        try:
            kdf.check(f"key slot {number}")
        except ValueError as exc:
            raise _damaged(path, str(exc)) from None
        slots.append(Keyslot(number, kdf, key_bytes, offset * 512, cipher, key_bytes, stripes, hash_name))
    if payload * 512 > source.size:
        raise _damaged(path, f"LUKS1 payload offset {payload * 512} past the end of the device")
    check = Digest(hash_name, digest_iter, digest_salt, digest, tuple(slot.number for slot in slots))
    return LuksHeader(1, _text(uuid), cipher, key_bytes, payload * 512, None, 512, 0, tuple(slots), (check,))


_Copy = tuple[int, str, dict[str, object]]


def _copy(source: ImageSource, offset: int, magic: bytes) -> _Copy | str:
    """(seqid, uuid, JSON) of the LUKS2 header copy at ``offset``, or why it cannot be used."""
    binary = source.read_at(offset, 4096)
    if len(binary) < 4096 or binary[:6] != magic or binary[6:8] != b"\x00\x02":
        return "no header there"
    (hdr_size, seqid) = struct.unpack_from(">QQ", binary, 8)
    if hdr_size not in SECONDARY_OFFSETS or offset + hdr_size > source.size:
        return f"header size {hdr_size}"
    algorithm = _text(binary[72:104]).lower()
    if algorithm not in ("sha256", "sha512", "sha1"):
        return f"checksum algorithm {algorithm!r}"
    whole = source.read_at(offset, hdr_size)
    hasher = hashlib.new(algorithm)
    hasher.update(whole[:448] + bytes(64) + whole[512:])
    if hasher.digest() != whole[448 : 448 + hasher.digest_size]:
        return "checksum mismatch"
    try:
        document = json.loads(whole[4096:].split(b"\0", 1)[0])
    except ValueError as exc:
        return f"JSON area: {exc}"
    if not isinstance(document, dict):
        return "JSON area is not an object"
    return seqid, _text(binary[168:208]), document


def _luks2(source: ImageSource) -> LuksHeader:
    path = source.segments[0]
    primary = _copy(source, 0, MAGIC)
    secondary: _Copy | str = "no header found"
    first_size = struct.unpack_from(">Q", source.read_at(8, 8))[0] if source.size >= 16 else 0
    for offset in ((first_size,) if first_size in SECONDARY_OFFSETS else ()) + SECONDARY_OFFSETS:
        secondary = _copy(source, offset, MAGIC_SECONDARY)
        if not isinstance(secondary, str):
            break
    if isinstance(primary, str) and isinstance(secondary, str):
        raise _damaged(path, f"both LUKS2 header copies are unusable (primary: {primary}; secondary: {secondary})")
    damaged = None
    if isinstance(primary, str):
        damaged = "primary"
    elif isinstance(secondary, str) and secondary != "no header found":
        damaged = "secondary"
    copies = [copy for copy in (primary, secondary) if not isinstance(copy, str)]
    _seqid, uuid, document = max(copies, key=lambda copy: copy[0])
    try:
        return _luks2_json(document, uuid, source, damaged)
    except (KeyError, TypeError, ValueError) as exc:
        raise _damaged(path, f"LUKS2 metadata: {type(exc).__name__}: {exc}") from None


def _b64(value: object) -> bytes:
    return base64.b64decode(str(value), validate=True)


def _object(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"an object was expected, not {type(value).__name__}")
    return value


def _luks2_json(document: dict[str, object], uuid: str, source: ImageSource, damaged: str | None) -> LuksHeader:
    segments = _object(document["segments"])
    crypt = [value for value in segments.values() if value.get("type") == "crypt" and not value.get("flags")]
    if len(crypt) != 1:
        raise ValueError(f"{len(crypt)} plain crypt segments (scelle reads one; re-encryption is not supported)")
    segment = crypt[0]
    offset, sector_size = int(segment["offset"]), int(segment.get("sector_size", 512))
    size = None if segment["size"] == "dynamic" else int(segment["size"])
    if sector_size not in (512, 1024, 2048, 4096) or offset % 512 or offset > source.size:
        raise ValueError(f"data segment at {offset}, sectors of {sector_size} bytes")
    slots = []
    keyslots = _object(document["keyslots"])
    for name, slot in sorted(keyslots.items(), key=lambda item: int(item[0])):
        if slot["type"] != "luks2" or slot["af"]["type"] != "luks1":
            continue
        kdf = slot["kdf"]
        if kdf["type"] == "pbkdf2":
            method = Kdf("pbkdf2", _b64(kdf["salt"]), str(kdf["hash"]).lower(), int(kdf["iterations"]))
        else:
            cost = (int(kdf["time"]), int(kdf["memory"]), int(kdf["cpus"]))
            method = Kdf(str(kdf["type"]), _b64(kdf["salt"]), "", *cost)
        method.check(f"key slot {name}")
        if method.type == "pbkdf2" and method.hash not in hashlib.algorithms_available:
            raise ValueError(f"key slot {name}: hash {method.hash!r}")
        area = slot["area"]
        area_offset, stripes, key_size = int(area["offset"]), int(slot["af"]["stripes"]), int(slot["key_size"])
        if not 1 <= stripes <= 100_000 or area_offset + key_size * stripes > source.size:
            raise ValueError(f"key slot {name}: material past the end of the device")
        slots.append(
            Keyslot(
                int(name),
                method,
                key_size,
                area_offset,
                str(area["encryption"]),
                int(area["key_size"]),
                stripes,
                str(slot["af"]["hash"]).lower(),
            )
        )
    digests = []
    for entry in _object(document["digests"]).values():
        if entry["type"] != "pbkdf2":
            continue
        Kdf("pbkdf2", b"", str(entry["hash"]).lower(), int(entry["iterations"])).check("volume key digest")
        if str(entry["hash"]).lower() not in hashlib.algorithms_available:
            raise ValueError(f"digest hash {entry['hash']!r}")
        digests.append(
            Digest(
                str(entry["hash"]).lower(),
                int(entry["iterations"]),
                _b64(entry["salt"]),
                _b64(entry["digest"]),
                tuple(int(number) for number in entry["keyslots"]),
            )
        )
    key_size = slots[0].key_size if slots else 0
    return LuksHeader(
        2,
        uuid,
        str(segment["encryption"]),
        key_size,
        offset,
        size,
        sector_size,
        int(segment.get("iv_tweak", 0)),
        tuple(slots),
        tuple(digests),
        damaged,
    )
