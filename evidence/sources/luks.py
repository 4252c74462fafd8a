"""An unlocked LUKS1 or LUKS2 volume as an image source: its plaintext, decrypted sector by sector as it is read.

Unlocking (cryptsetup's procedure, written on ``cryptography``): for each key slot, the KDF (PBKDF2, or Argon2id for
LUKS2) turns the secret into the key of the slot's key material; the material (``key size x stripes`` bytes, read
from the slot's area) is decrypted with the area's cipher, 512-byte sectors numbered from 0; the anti-forensic
splitter's merge (``AF_merge``: XOR each stripe into a buffer diffused with the AF hash between stripes) gives a
candidate volume key; it is the volume key when PBKDF2 of it gives the header's digest. A wrong secret opens no slot:
one clear error, and nothing else is said about the slots.

Reading: the data segment starts at the header's offset; each sector of ``sector_size`` bytes is decrypted with the
segment's cipher and an IV from its number counted in 512-byte units plus ``iv_tweak``, as dm-crypt does for LUKS
(cryptsetup does not set ``iv_large_sectors`` for LUKS2). Supported ciphers: AES in XTS (``plain64``, ``plain``) and
CBC (``essiv:sha256``, ``plain64``, ``plain``) modes, the ones cryptsetup has used by default.

The secret never leaves this module: the source says which key slot opened the volume (``unlocked_slot``), never
with what.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from evidence.common.errors import ImageError
from evidence.common.messages import LocalisedImageError, Notice
from evidence.sources.base import ImageMetadata, ImageSource
from evidence.sources.luks_header import Keyslot, LuksHeader, read_header

#: bytes decrypted per read of the underlying source at most
_READ = 1 << 20


def _pbkdf2(hash_name: str, secret: bytes, salt: bytes, iterations: int, length: int) -> bytes:
    return hashlib.pbkdf2_hmac(hash_name, secret, salt, iterations, length)


def _derive(slot: Keyslot, secret: bytes) -> bytes:
    kdf = slot.kdf
    if kdf.type == "pbkdf2":
        return _pbkdf2(kdf.hash, secret, kdf.salt, kdf.iterations, slot.area_key_size)
    if kdf.type == "argon2id":
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        return Argon2id(
            salt=kdf.salt,
            length=slot.area_key_size,
            iterations=kdf.iterations,
            lanes=kdf.parallel,
            memory_cost=kdf.memory,
        ).derive(secret)
    raise LocalisedImageError("luks.unsupported", what=f"key derivation {kdf.type}")


def _diffuse(block: bytes, hash_name: str) -> bytes:
    size = hashlib.new(hash_name).digest_size
    out = bytearray()
    for number, start in enumerate(range(0, len(block), size)):
        piece = block[start : start + size]
        out += hashlib.new(hash_name, number.to_bytes(4, "big") + piece).digest()[: len(piece)]
    return bytes(out)


def af_merge(material: bytes, key_size: int, stripes: int, hash_name: str) -> bytes:
    """The key the anti-forensic splitter spread over ``stripes`` stripes of ``key_size`` bytes."""
    buffer = bytes(key_size)
    for stripe in range(stripes - 1):
        piece = material[stripe * key_size : (stripe + 1) * key_size]
        buffer = _diffuse(bytes(a ^ b for a, b in zip(buffer, piece, strict=True)), hash_name)
    last = material[(stripes - 1) * key_size : stripes * key_size]
    return bytes(a ^ b for a, b in zip(buffer, last, strict=True))


class SectorCipher:
    """Decrypts sectors of one cipher specification (``aes-xts-plain64``...) with one key."""

    def __init__(self, spec: str, key: bytes) -> None:
        name, _, mode = spec.lower().partition("-")
        mode_name, _, iv_name = mode.partition("-")
        if name != "aes" or mode_name not in ("xts", "cbc") or iv_name not in ("plain64", "plain", "essiv:sha256"):
            raise LocalisedImageError("luks.unsupported", what=f"cipher {spec}")
        if mode_name == "xts" and iv_name == "essiv:sha256":
            raise LocalisedImageError("luks.unsupported", what=f"cipher {spec}")
        self._xts = mode_name == "xts"
        self._key = key
        self._iv_name = iv_name
        self._essiv = None
        if iv_name == "essiv:sha256":
            salt = hashlib.sha256(key).digest()
            self._essiv = Cipher(algorithms.AES(salt), modes.ECB()).encryptor()  # noqa: S305 - ESSIV's IV cipher

    def _iv(self, number: int) -> bytes:
        if self._iv_name == "plain":
            return (number & 0xFFFFFFFF).to_bytes(4, "little") + bytes(12)
        iv = number.to_bytes(8, "little") + bytes(8)
        if self._essiv is not None:
            return self._essiv.update(iv)
        return iv

    def decrypt(self, data: bytes, first_iv: int, sector_size: int) -> bytes:
        """``data`` (whole sectors), its first sector's IV number being ``first_iv`` (in 512-byte units)."""
        out = bytearray()
        step = sector_size // 512
        for index, start in enumerate(range(0, len(data), sector_size)):
            iv = self._iv(first_iv + index * step)
            mode = modes.XTS(iv) if self._xts else modes.CBC(iv)
            decryptor = Cipher(algorithms.AES(self._key), mode).decryptor()
            out += decryptor.update(data[start : start + sector_size]) + decryptor.finalize()
        return bytes(out)


def unlock(source: ImageSource, header: LuksHeader, secret: bytes) -> tuple[int, bytes]:
    """(key slot number, volume key) of the first key slot ``secret`` opens; ``LocalisedImageError`` when none."""
    for slot in header.keyslots:
        checks = [digest for digest in header.digests if slot.number in digest.keyslots]
        if not checks:
            continue
        key = _derive(slot, secret)
        size = slot.key_size * slot.stripes
        area = source.read_at(slot.area_offset, (size + 511) // 512 * 512)
        if len(area) < size:
            raise LocalisedImageError("luks.damaged", path=source.segments[0], reason=f"key slot {slot.number} cut")
        material = SectorCipher(slot.area_cipher, key).decrypt(area, 0, 512)[:size]
        candidate = af_merge(material, slot.key_size, slot.stripes, slot.af_hash)
        for digest in checks:
            if _pbkdf2(digest.hash, candidate, digest.salt, digest.iterations, len(digest.value)) == digest.value:
                return slot.number, candidate
    raise LocalisedImageError("luks.wrong_secret", path=source.segments[0], slots=len(header.keyslots))


class LuksSource(ImageSource):
    """The plaintext of a LUKS volume held by ``inner`` (any image source), unlocked with ``secret``.

    ``format`` is ``luks1`` or ``luks2``; ``segments`` are the container's files. The container's stored hashes
    are not the plaintext's and are not carried over.
    """

    def __init__(self, inner: ImageSource, secret: bytes) -> None:
        self._inner = inner
        self.header = header = read_header(inner)
        self.unlocked_slot, key = unlock(inner, header, secret)
        self._cipher = SectorCipher(header.cipher, key)
        self.format = f"luks{header.version}"
        self.segments = inner.segments
        end = inner.size if header.data_size is None else min(inner.size, header.data_offset + header.data_size)
        self.size = (end - header.data_offset) // header.sector_size * header.sector_size
        if self.size <= 0:
            raise LocalisedImageError("luks.damaged", path=inner.segments[0], reason="no data after the header")
        self.metadata = ImageMetadata(
            sector_size=header.sector_size,
            extra={
                "encryption": f"LUKS{header.version} {header.cipher}",
                "luks_uuid": header.uuid,
                "luks_key_slot": str(self.unlocked_slot),
            },
        )
        notices = [
            Notice(
                "luks.decrypted",
                path=inner.segments[0],
                version=header.version,
                slot=self.unlocked_slot,
                cipher=header.cipher,
            )
        ]
        if header.damaged_copy:
            notices.append(Notice(f"luks.damaged_{header.damaged_copy}", path=inner.segments[0]))
        self.notices = tuple(notices)

    def read_at(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0:
            raise ImageError(f"{self.segments[0]}: invalid read at {offset}")
        length = min(length, self.size - offset)
        if length <= 0:
            return b""
        sector = self.header.sector_size
        first = offset // sector
        last = (offset + length + sector - 1) // sector
        out = bytearray()
        for start in range(first, last, _READ // sector):
            count = min(_READ // sector, last - start)
            data = self._inner.read_at(self.header.data_offset + start * sector, count * sector)
            if len(data) < count * sector:
                raise ImageError(f"{self.segments[0]}: encrypted data cut at sector {start}")
            iv = self.header.iv_tweak + start * (sector // 512)
            out += self._cipher.decrypt(data, iv, sector)
        skip = offset - first * sector
        return bytes(out[skip : skip + length])

    def close(self) -> None:
        self._inner.close()
