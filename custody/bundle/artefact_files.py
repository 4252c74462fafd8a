"""The artefact files a bundle's verifier holds: hashed as custody events name them, to match the bundle's items."""

from __future__ import annotations

from pathlib import Path

from custody.errors import CustodyError


class ArtefactFileError(CustodyError):
    """An artefact file given to check against a bundle cannot be read."""

    kind = "error.kind.artefact"


def hash_file(path: str | Path) -> dict[str, str]:
    """SHA-256 and BLAKE3 of an artefact as custody events name it.

    An EWF image (E01...) is named by its *media*, the bytes of the seized disk that its acquisition record and
    the ``acquired`` event carry, not by the bytes of the container file; any other file by its own bytes.
    """
    from evidence.common.errors import EvidenceError
    from evidence.ewf.format import EWF_SIGNATURES
    from evidence.hashing.streams import digest_file, digest_media
    from evidence.sources import open_image

    try:
        with open(path, "rb") as stream:
            magic = stream.read(8)
        if magic in EWF_SIGNATURES:
            with open_image([Path(path)]) as source:
                return digest_media(source, ("sha256", "blake3")).hexdigests()
        return digest_file(path, ("sha256", "blake3")).hexdigests()
    except OSError as exc:
        raise ArtefactFileError(f"{path}: cannot read the artefact file: {exc.strerror or exc}") from exc
    except EvidenceError as exc:
        raise ArtefactFileError(f"{path}: cannot read the artefact file: {exc}") from exc
