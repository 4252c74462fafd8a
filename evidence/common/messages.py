"""The image-reading messages a user reads (refusals and warnings), in English and French, in one catalogue.

The evidence layer cannot import ``custody.i18n``, so its own user-facing sentences live here, in the same form:
``code -> (English, French)`` with ``{name}`` parameters. An error raised from a code (``LocalisedImageError``)
prints in English by default (``str(exc)``, the library's language) and gives its French with
``exc.localised("fr")``; the CLI picks the language (``SCELLE_LANG``).
"""

from __future__ import annotations

from collections.abc import Mapping

from evidence.common.batch_messages import BATCH_MESSAGES
from evidence.common.errors import (
    AcquisitionError,
    DamagedImageError,
    EvidenceError,
    FileSystemError,
    ImageError,
    PartialError,
    UsageError,
)
from evidence.common.info_messages import INFO_MESSAGES
from evidence.common.kind_messages import KIND_MESSAGES
from evidence.common.listing_messages import LISTING_MESSAGES
from evidence.common.os_messages import OS_MESSAGES
from evidence.common.plural import with_forms
from evidence.common.progress_messages import PROGRESS_MESSAGES
from evidence.common.stated import Stated
from evidence.common.usage_messages import USAGE_MESSAGES
from evidence.common.verify_messages import VERIFY_MESSAGES

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
    "ewf.corrupt_chunk": (
        "{path}: corrupt chunk {chunk} (media offset {offset}, sectors {first}-{last}, file offset {file_offset}): "
        "{reason}",
        "{path} : bloc {chunk} corrompu (offset {offset} du support, secteurs {first} à {last}, offset "
        "{file_offset} dans le fichier) : {reason}",
    ),
    "ewf.chunk.checksum": ("Adler-32 checksum mismatch", "la somme de contrôle Adler-32 ne correspond pas"),
    "ewf.chunk.inflate": (
        "compressed data does not decompress ({detail})",
        "les données compressées ne se décompressent pas ({detail})",
    ),
    "ewf.chunk.size": ("holds {size} bytes instead of {expected}", "contient {size} octets au lieu de {expected}"),
    "ewf.chunk.missing": ("no stored data", "aucune donnée conservée"),
    "ewf.chunk.short": ("stored data shorter than the chunk", "données conservées plus courtes que le bloc"),
    "ewf.chunk.past_end": (
        "its stored data runs past the end of the segment file",
        "ses données conservées dépassent la fin du fichier segment",
    ),
    "ewf.chunk.table": (
        "its chunk table is damaged (the Adler-32 of its entries does not match)",
        "sa table des blocs est endommagée (la somme Adler-32 de ses entrées ne correspond pas)",
    ),
    "ewf2.not_ex01": (
        "{path}: not an Ex01 segment file (first bytes {found}) in a set that starts with one",
        "{path} : n'est pas un fichier segment Ex01 (premiers octets {found}) dans un jeu qui commence par un tel "
        "fichier",
    ),
    "ewf2.damaged_section": (
        "{path}: damaged Ex01 segment file: the section descriptor at offset {offset} is corrupt ({what})",
        "{path} : fichier segment Ex01 endommagé : le descripteur de section à l'offset {offset} est corrompu ({what})",
    ),
    "ewf2.section.checksum": ("checksum mismatch", "la somme de contrôle ne correspond pas"),
    "ewf2.section.bounds": ("offsets out of bounds", "offsets hors limites"),
    "ewf2.damaged_table": (
        "{path}: damaged Ex01 segment file: the chunk table at offset {offset} is corrupt ({what})",
        "{path} : fichier segment Ex01 endommagé : la table des blocs à l'offset {offset} est corrompue ({what})",
    ),
    "ewf2.table.checksum": ("header checksum mismatch", "la somme de contrôle de l'en-tête ne correspond pas"),
    "ewf2.table.sequence": (
        "it starts at chunk {found}, chunk {expected} was expected",
        "elle commence au bloc {found}, le bloc {expected} était attendu",
    ),
    "ewf2.incomplete": (
        "{path}: Ex01 set incomplete: its chunk tables list {found} chunks, the media needs {needed}",
        "{path} : jeu Ex01 incomplet : ses tables des blocs recensent {found} blocs, le support en exige {needed}",
    ),
    "luks.damaged": (
        "{path}: damaged LUKS header: {reason}",
        "{path} : en-tête LUKS endommagé : {reason}",
    ),
    "luks.unsupported": (
        "LUKS volume: {what} is not supported by scelle",
        "volume LUKS : {what} n'est pas pris en charge par scelle",
    ),
    "luks.wrong_secret": (
        "{path}: the secret given opens none of the {slots} key slot(s) of this LUKS volume (wrong passphrase or "
        "key file)",
        "{path} : le secret fourni n'ouvre aucun des {slots} emplacements de clé de ce volume LUKS (phrase secrète "
        "ou fichier de clé erroné)",
    ),
    "luks.decrypted": (
        "{path}: LUKS{version} volume decrypted (key slot {slot}, {cipher}): what follows is read from its plaintext",
        "{path} : volume LUKS{version} déchiffré (emplacement de clé {slot}, {cipher}) : la suite est lue dans son "
        "contenu en clair",
    ),
    "luks.damaged_primary": (
        "{path}: the primary copy of the LUKS2 header is damaged; the secondary copy is used",
        "{path} : la copie principale de l'en-tête LUKS2 est endommagée ; la copie de secours est utilisée",
    ),
    "luks.damaged_secondary": (
        "{path}: the secondary copy of the LUKS2 header is damaged; the primary copy is used",
        "{path} : la copie de secours de l'en-tête LUKS2 est endommagée ; la copie principale est utilisée",
    ),
    "luks.locked": (
        "{path}: a LUKS{version} encrypted volume: its file systems can be read with --unlock passphrase (or "
        "--unlock keyfile:FILE); without it, the encrypted bytes are what is read",
        "{path} : volume chiffré LUKS{version} : ses systèmes de fichiers se lisent avec --unlock passphrase (ou "
        "--unlock keyfile:FICHIER) ; sans cette option, ce sont les octets chiffrés qui sont lus",
    ),
    "luks.not_encrypted": (
        "{path}: --unlock was given but this media is not a LUKS volume",
        "{path} : --unlock a été donné mais ce support n'est pas un volume LUKS",
    ),
    "luks.no_secret": (
        "--unlock passphrase: no terminal to ask for it; set SCELLE_UNLOCK_PASSPHRASE or use --unlock keyfile:FILE",
        "--unlock passphrase : aucun terminal pour la demander ; définissez SCELLE_UNLOCK_PASSPHRASE ou utilisez "
        "--unlock keyfile:FICHIER",
    ),
    "zone.unknown": (
        "unknown time zone {label!r} (use an IANA name such as Africa/Casablanca, or an offset like +01:00)",
        "fuseau horaire inconnu : {label!r} (indiquez un nom IANA tel que Africa/Casablanca, ou un décalage tel "
        "que +01:00)",
    ),
    "zone.offset_range": (
        "time zone offset out of range: {label!r} (at most ±23:59)",
        "décalage horaire hors limites : {label!r} (au plus ±23:59)",
    ),
    "acquire.interrupted": (
        "{record}: an earlier acquisition to this output did not finish (its record says {status}, {reason}); "
        "nothing was overwritten. To start again, remove {files}",
        "{record} : une acquisition antérieure vers cette sortie n'a pas abouti (son procès-verbal indique "
        "{status}, {reason}) ; rien n'a été écrasé. Pour recommencer, supprimez {files}",
    ),
    "acquire.interrupted.resumable": (
        "{record}: an earlier acquisition to this output did not finish (its record says {status}, {reason}); "
        "nothing was overwritten. To continue it from the part its record vouches for, run the same command with "
        "--resume; to start again, remove {files}",
        "{record} : une acquisition antérieure vers cette sortie n'a pas abouti (son procès-verbal indique "
        "{status}, {reason}) ; rien n'a été écrasé. Pour la poursuivre à partir de la partie que garantit son "
        "procès-verbal, relancez la même commande avec --resume ; pour recommencer, supprimez {files}",
    ),
    "resume.no_record": (
        "{record}: no readable acquisition record to resume from; start the acquisition without --resume",
        "{record} : aucun procès-verbal d'acquisition lisible à partir duquel reprendre ; lancez l'acquisition "
        "sans --resume",
    ),
    "resume.format": (
        "{record}: the earlier run wrote a {recorded} image: resume with the --format of the first run",
        "{record} : l'acquisition antérieure a produit une image au format {recorded} : reprenez avec le --format "
        "de la première acquisition",
    ),
    "resume.setting": (
        "{record}: the earlier run was made with {option} {recorded}, not {given}; nothing was written: resume with "
        "the options of the first run",
        "{record} : l'acquisition antérieure a été faite avec {option} {recorded}, et non {given} ; rien n'a été "
        "écrit : reprenez avec les options de la première acquisition",
    ),
    "resume.damaged": (
        "{image}: the E01 already written does not hold what its record vouches for (file offset {offset}); "
        "nothing was written: the image was changed or damaged since; remove its files and start again",
        "{image} : le fichier E01 déjà écrit ne contient pas ce que garantit son procès-verbal (position {offset} "
        "dans le fichier) ; rien n'a été écrit : l'image a été modifiée ou endommagée depuis ; supprimez ses "
        "fichiers et recommencez",
    ),
    "resume.cut": (
        "{image}: cannot cut the image back to its verified part ({error}); its record names that part: run the same "
        "command again",
        "{image} : impossible de ramener l'image à sa partie vérifiée ({error}) ; son procès-verbal désigne cette "
        "partie : relancez la même commande",
    ),
    "resume.source_changed": (
        "{source}: the source no longer reads as the record says ({algorithm} of the first {end} bytes); nothing "
        "was written: it was changed since, or it is another medium",
        "{source} : la lecture de la source ne correspond plus au procès-verbal ({algorithm} des {end} premiers "
        "octets) ; rien n'a été écrit : elle a été modifiée depuis, ou il s'agit d'un autre support",
    ),
    "resume.source": (
        "{record}: the source is not the one the record names ({recorded}: path, size, model or serial differ); "
        "nothing was written",
        "{record} : la source n'est pas celle que désigne le procès-verbal ({recorded} : chemin, taille, modèle ou "
        "numéro de série différents) ; rien n'a été écrit",
    ),
    "resume.nothing": (
        "{record}: the record vouches for no part of the image yet (stopped before its first checkpoint, or written "
        "by an older scelle); remove the files it names and start again",
        "{record} : le procès-verbal ne garantit encore aucune partie de l'image (arrêt avant le premier point de "
        "contrôle, ou version antérieure de scelle) ; supprimez les fichiers et recommencez",
    ),
    "resume.short": (
        "{image}: the image holds {size} bytes, fewer than the {needed} its record vouches for; it cannot be "
        "resumed: remove its files and start again",
        "{image} : l'image contient {size} octets, moins que les {needed} que garantit son procès-verbal ; elle ne "
        "peut pas être reprise : supprimez ses fichiers et recommencez",
    ),
    "resume.split": (
        "{image}: the image files are not segments of {split} bytes: resume with the --split of the first run",
        "{image} : les fichiers de l'image ne sont pas des segments de {split} octets : reprenez avec le --split "
        "de la première acquisition",
    ),
    "resume.mismatch": (
        "{image}: the image already written does not match its record ({algorithm} of the first {end} bytes); "
        "nothing was written: the image was changed or damaged since",
        "{image} : l'image déjà écrite ne correspond pas à son procès-verbal ({algorithm} des {end} premiers "
        "octets) ; rien n'a été écrit : l'image a été modifiée ou endommagée depuis",
    ),
    "acquire.done": (
        "{record}: this output was already acquired (its record says {status}); nothing was overwritten: choose "
        "another output name",
        "{record} : cette sortie a déjà fait l'objet d'une acquisition (son procès-verbal indique {status}) ; "
        "rien n'a été écrasé : choisissez un autre nom de sortie",
    ),
    "acquire.unreadable_record": (
        "{record}: a file with this record's name exists and is not a readable acquisition record; nothing was "
        "overwritten: move it away or choose another output name",
        "{record} : un fichier portant le nom de ce procès-verbal existe et n'est pas un procès-verbal "
        "d'acquisition lisible ; rien n'a été écrasé : déplacez-le ou choisissez un autre nom de sortie",
    ),
    **BATCH_MESSAGES,
    **LISTING_MESSAGES,
    **INFO_MESSAGES,
    **KIND_MESSAGES,
    **OS_MESSAGES,
    **USAGE_MESSAGES,
    **PROGRESS_MESSAGES,
    **VERIFY_MESSAGES,
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
    """One catalogue message in ``lang`` (``en`` or ``fr``) with its parameters filled in; a parameter that is
    itself a ``Notice`` or an error is stated in the same language, so that a message built on another never mixes
    two languages."""
    if lang not in LANGUAGES:
        lang = "en"
    template = MESSAGES[code][LANGUAGES.index(lang)]
    if "[[" in template:  # a count's form: [[count|singular|plural]]
        template = with_forms(template, params, lang)
    return Stated(template.format_map({k: _said(v, lang) for k, v in params.items()}))


def _said(value: object, lang: str) -> str:
    if isinstance(value, Notice):
        return value.text(lang)
    if isinstance(value, list | tuple):
        return "; ".join(_said(item, lang) for item in value)
    if isinstance(value, BaseException):
        return " ".join(error_text(value, lang).split())
    return str(value)


class LocalisedError(EvidenceError):
    """An error whose text comes from the catalogue: English as ``str``, any language via ``localised``."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        #: notices added after the message, each in the message's language (``noted``)
        self.notes: tuple[Notice, ...] = ()
        super().__init__(message(code, "en", **params))

    def localised(self, lang: str) -> str:
        """The message in ``lang``."""
        return message(self.code, lang, **self.params) + "".join(note.text(lang) for note in self.notes)

    def noted(self, note: Notice) -> LocalisedError:
        """The same error with ``note`` after its text (where to find what was done before), in its language."""
        twin = type(self)(self.code, **self.params)
        twin.notes = (*self.notes, note)
        twin.args = (f"{self}{note.text('en')}",)
        return twin


class LocalisedImageError(LocalisedError, ImageError):
    """An ``ImageError`` from the catalogue (exit 1; 3 for the codes that say the image itself is cut or damaged)."""

    DAMAGED = frozenset(
        {
            "ewf.truncated_header",
            "ewf.damaged_signature",
            "ewf.corrupt_chunk",
            "ewf2.damaged_section",
            "ewf2.damaged_table",
            "ewf2.incomplete",
            "ewf.truncated_read",
            "ewf.truncated_section",
            "ewf.corrupt_descriptor",
        }
    )
    """Codes that say the image itself is cut or damaged: exit code 3 (``DamagedImageError``), not 1."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, **params)
        if code in self.DAMAGED:
            self.exit_code = DamagedImageError.exit_code


class LocalisedFileSystemError(LocalisedError, FileSystemError):
    """A ``FileSystemError`` from the catalogue: no file system, an unreadable directory or inode."""


class LocalisedPartialError(LocalisedError, PartialError):
    """A ``PartialError`` from the catalogue (exit 4): done, with entries or content left out."""


class LocalisedUsageError(LocalisedError, UsageError):
    """A ``UsageError`` from the catalogue (exit 1): the command cannot run as asked (a batch with no image...)."""


class LocalisedAcquisitionError(AcquisitionError):
    """An ``AcquisitionError`` whose text comes from the catalogue (``message_in`` gives any language)."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(message(code, "en", **params))

    def message_in(self, lang: str) -> str:
        """The message in ``lang``."""
        return message(self.code, lang, **self.params)


def error_text(exc: BaseException, lang: str) -> str:
    """A library error in ``lang``: from this catalogue, a reader's own pair (``message_in``), else as raised in
    English, after what it is about (``EvidenceError.kind``) in ``lang`` when that is not English."""
    if isinstance(exc, LocalisedError):
        return exc.localised(lang)
    message_in = getattr(exc, "message_in", None)
    if callable(message_in):
        return str(message_in(lang))
    if lang == "en" or not isinstance(exc, EvidenceError) or (exc.args and isinstance(exc.args[0], Stated)):
        return str(exc)  # English, or raised with a text the catalogue stated (in the command's language)
    # a detail the library states only in English: what it is about in ``lang``, the detail quoted as it is
    return message("error.untranslated", lang, kind=Notice(exc.kind), detail=str(exc))


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
