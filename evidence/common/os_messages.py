"""Reasons that come from below scelle (the operating system, TSK, libewf, click), in English and French.

Part of the evidence catalogue (``evidence.common.messages``). An ``OSError`` of a common kind (``ENOENT``,
``EACCES``, ``EISDIR``, ``ENOSPC``, ``EROFS``, ``EIO``...) is stated from here in the user's language; any other keeps
the system's own words, which a French sentence then quotes as such (« ... ») rather than passing them off as its
own. A library's text (TSK's reason a file system is not recognised) is quoted the same way in French.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping

#: errno -> the catalogue code of its reason
OS_REASONS: Mapping[int, str] = {
    errno.ENOENT: "os.enoent",
    errno.EACCES: "os.eacces",
    errno.EPERM: "os.eperm",
    errno.EISDIR: "os.eisdir",
    errno.ENOTDIR: "os.enotdir",
    errno.ENOSPC: "os.enospc",
    errno.EROFS: "os.erofs",
    errno.EIO: "os.eio",
    errno.EEXIST: "os.eexist",
    errno.EDQUOT: "os.edquot",
    errno.ELOOP: "os.eloop",
}

#: the English of each is the C library's own (``strerror``), so that English output reads as it always did
OS_MESSAGES: Mapping[str, tuple[str, str]] = {
    "os.enoent": ("No such file or directory", "fichier ou répertoire introuvable"),
    "os.eacces": ("Permission denied", "accès refusé"),
    "os.eperm": ("Operation not permitted", "opération non autorisée"),
    "os.eisdir": ("Is a directory", "c'est un répertoire"),
    "os.enotdir": ("Not a directory", "un élément du chemin n'est pas un répertoire"),
    "os.enospc": ("No space left on device", "plus d'espace disponible sur le périphérique"),
    "os.erofs": ("Read-only file system", "système de fichiers en lecture seule"),
    "os.eio": ("Input/output error", "erreur d'entrée-sortie"),
    "os.eexist": ("File exists", "existe déjà"),
    "os.edquot": ("Disk quota exceeded", "quota de disque dépassé"),
    "os.eloop": ("Too many levels of symbolic links", "lien symbolique refusé"),
    "os.other": ("{text}", "message du système : « {text} »"),
    "quote.tsk": ("{text}", "message de TSK : « {text} »"),
    "quote.sqlite": ("{text}", "message de SQLite : « {text} »"),
    "quote.click": ("{text}", "message de click : « {text} »"),
    "file.missing": ("{path}: no such file", "{path} : fichier introuvable"),
    "file.directory": ("{path}: is a directory, not an image", "{path} : c'est un répertoire, pas une image"),
    "file.not_regular": (
        "{path}: not a regular file or a device",
        "{path} : ni un fichier ordinaire ni un périphérique",
    ),
    "ewf.read_error": (
        "{path}: read error at offset {offset}: {reason}",
        "{path} : erreur de lecture à l'offset {offset} : {reason}",
    ),
    "ewf.truncated_read": (
        "{path}: truncated EWF segment: needs {length} bytes at offset {offset}",
        "{path} : segment EWF tronqué : {length} octets attendus à l'offset {offset}",
    ),
    "ewf.bad_signature": (
        "{path}: not an EWF segment file (bad signature)",
        "{path} : ce n'est pas un fichier segment EWF (signature invalide)",
    ),
    "ewf.truncated_section": (
        "{path}: truncated EWF segment: section at offset {offset} runs past the end",
        "{path} : segment EWF tronqué : la section à l'offset {offset} dépasse la fin du fichier",
    ),
    "ewf.corrupt_descriptor": (
        "{path}: corrupt EWF section descriptor at offset {offset} (checksum mismatch)",
        "{path} : descripteur de section EWF corrompu à l'offset {offset} (la somme de contrôle ne correspond pas)",
    ),
    "extract.exists": (
        "{path}: already exists; extract into a new or empty directory",
        "{path} : existe déjà ; procédez à l'extraction dans un répertoire nouveau ou vide",
    ),
    "volume.no_table": (
        "{path}: no partition table, so no partition {partition}",
        "{path} : aucune table de partitions, donc aucune partition {partition}",
    ),
    "entry.none": (
        "{context}: no entry {path} (nothing named {part} in {where})",
        "{context} : aucune entrée {path} (rien ne porte le nom {part} dans {where})",
    ),
    "record.unwritable": (
        "{path}: cannot write the acquisition record: {reason}",
        "{path} : écriture du procès-verbal d'acquisition impossible : {reason}",
    ),
    "output.exists": (
        "{path}: output already exists; refusing to overwrite it",
        "{path} : la sortie existe déjà ; elle n'est pas écrasée",
    ),
    "output.no_directory": (
        "{path}: output directory does not exist",
        "{path} : le répertoire de sortie n'existe pas",
    ),
    "source.unopenable": (
        "{path}: cannot open source: {reason}",
        "{path} : ouverture de la source impossible : {reason}",
    ),
    "file.os": ("{path}: {reason}", "{path} : {reason}"),
}
