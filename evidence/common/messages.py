"""The image-reading messages a user reads (refusals and warnings), in English and French, in one catalogue.

The evidence layer cannot import ``custody.i18n``, so its own user-facing sentences live here, in the same form:
``code -> (English, French)`` with ``{name}`` parameters. An error raised from a code (``LocalisedImageError``)
prints in English by default (``str(exc)``, the library's language) and gives its French with
``exc.localised("fr")``; the CLI picks the language (``SCELLE_LANG``).
"""

from __future__ import annotations

from collections.abc import Mapping

from evidence.common.errors import ImageError

LANGUAGES = ("en", "fr")

MESSAGES: Mapping[str, tuple[str, str]] = {
    "ewf.truncated_header": (
        "{path}: truncated EWF segment: the file holds {size} of the {needed} bytes of an EWF file header (the "
        "start of an EWF signature); it is not read as a raw image",
        "{path} : segment EWF tronqué : le fichier ne contient que {size} des {needed} octets d'un en-tête de "
        "fichier EWF (le début d'une signature EWF) ; il n'est pas lu comme une image brute",
    ),
    "ewf.damaged_signature": (
        "{path}: damaged EWF signature: the first bytes {found} differ from the {kind} signature {expected} by "
        "{bits} bit(s); the file is refused rather than read as a raw image",
        "{path} : signature EWF endommagée : les premiers octets {found} diffèrent de la signature {kind} "
        "{expected} de {bits} bit(s) ; le fichier est refusé plutôt que lu comme une image brute",
    ),
    "ewf.named_without_signature": (
        "{path}: named as an EWF segment ({suffix}) but has no EWF signature (first bytes {found}): damaged or "
        "not an EWF file; if it is really a raw image, open it under a raw name (ln -s {name} {stem}.raw)",
        "{path} : nommé comme un segment EWF ({suffix}) mais sans signature EWF (premiers octets {found}) : "
        "fichier endommagé ou non EWF ; s'il s'agit vraiment d'une image brute, ouvrez-le sous un nom d'image "
        "brute (ln -s {name} {stem}.raw)",
    ),
    "container.unsupported": (
        "{path}: a {kind} container (signature {found}): scelle does not read this format and will not hash "
        "the container as if it were the media; convert it to raw first ({how})",
        "{path} : conteneur {kind} (signature {found}) : scelle ne lit pas ce format et ne calcule pas "
        "l'empreinte du conteneur comme s'il s'agissait du support ; convertissez-le d'abord en image brute "
        "({how})",
    ),
    "ewf.backup_table": (
        "{path}: the chunk table at offset {offset} is damaged (the Adler-32 of its entries does not match); "
        "chunks {first}-{last} are read through its backup copy (table2), as libewf reads them",
        "{path} : la table des blocs à l'offset {offset} est endommagée (la somme Adler-32 de ses entrées ne "
        "correspond pas) ; les blocs {first} à {last} sont lus par sa copie de secours (table2), comme les lit "
        "libewf",
    ),
    "content.negative_size": (
        "its size, {size} bytes, is negative (a damaged size); its content is not read",
        "sa taille, {size} octets, est négative (taille endommagée) ; son contenu n'est pas lu",
    ),
    "content.larger_than_media": (
        "its size, {size} bytes, is larger than its file system ({fs} bytes) and the whole media ({media} bytes): a "
        "damaged size or a sparse file; its content is not read for digests or extraction (scelle image cat still "
        "outputs it, as icat does)",
        "sa taille, {size} octets, dépasse celle de son système de fichiers ({fs} octets) et celle du support "
        "entier ({media} octets) : taille endommagée ou fichier creux ; son contenu n'est lu ni pour les "
        "empreintes ni pour l'extraction (scelle image cat le restitue néanmoins, comme icat)",
    ),
}


def message(code: str, lang: str = "en", **params: object) -> str:
    """One catalogue message in ``lang`` (``en`` or ``fr``) with its parameters filled in."""
    if lang not in LANGUAGES:
        lang = "en"
    return MESSAGES[code][LANGUAGES.index(lang)].format_map({k: str(v) for k, v in params.items()})


class LocalisedImageError(ImageError):
    """An ``ImageError`` whose text comes from the catalogue: English as ``str``, any language via ``localised``."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        #: text added after the message in every language (``noted``)
        self.note = ""
        super().__init__(message(code, "en", **params))

    def localised(self, lang: str) -> str:
        """The message in ``lang``."""
        return message(self.code, lang, **self.params) + self.note

    def noted(self, note: str) -> LocalisedImageError:
        """The same error with ``note`` after its text (a file name, where to find what was done before)."""
        twin = LocalisedImageError(self.code, **self.params)
        twin.note = self.note + note
        twin.args = (f"{self}{note}",)
        return twin


class Notice:
    """Something the library did that its user must be told without it being an error (a warning)."""

    __slots__ = ("code", "params")

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params

    def text(self, lang: str = "en") -> str:
        """The notice in ``lang``."""
        return message(self.code, lang, **self.params)

    def __str__(self) -> str:
        return self.text("en")
