"""The messages of reading a file system (``image ls``, ``image extract``, ``image info``) and of the command line's
own prefixes, in English and French.

Part of the evidence catalogue (``evidence.common.messages``), kept in its own module by concept. A reason that
comes from a lower layer (TSK's own words, ``{detail}``) stays as that layer gave it.
"""

from __future__ import annotations

from collections.abc import Mapping

LISTING_MESSAGES: Mapping[str, tuple[str, str]] = {
    "cli.error": ("scelle: error: {text}", "scelle: erreur : {text}"),
    "cli.warning": ("scelle: warning: {text}", "scelle: avertissement : {text}"),
    "cli.interrupted": ("scelle: interrupted", "scelle: interrompu"),
    "fs.zone_not_installed": (
        "time zone {zone}: the C library has no zone file for it in {where} (install tzdata): TSK cannot read FAT "
        "or exFAT times in it",
        "fuseau horaire {zone} : la bibliothèque C n'a pas de fichier de fuseau pour lui dans {where} (installez "
        "tzdata) : TSK ne peut pas y lire les dates FAT ou exFAT",
    ),
    "fs.local_times": (
        "note: {context}: {fs} times are local times of the device, not UTC; read in the zone {zone} (--fs-tz)",
        "remarque : {context} : les dates {fs} sont des heures locales de l'appareil, et non UTC ; lues dans le fuseau "
        "{zone} (--fs-tz)",
    ),
    "fs.local_times_unknown": (
        "note: {context}: {fs} times are local times of the device, not UTC; their zone is unknown, so they are "
        "shown as recorded, marked Z (as `fls -z UTC` prints them): give --fs-tz ZONE to convert them to UTC",
        "remarque : {context} : les dates {fs} sont des heures locales de l'appareil, et non UTC ; leur fuseau est "
        "inconnu : elles sont donc montrées telles qu'enregistrées, marquées Z (comme les affiche `fls -z UTC`) ; "
        "indiquez --fs-tz FUSEAU pour les convertir en UTC",
    ),
    "fs.none": (
        "{context}: no file system recognised: {detail}",
        "{context} : aucun système de fichiers reconnu : {detail}",
    ),
    "fs.directory_unreadable": (
        "{context}: cannot read directory {addr}: {detail}",
        "{context} : lecture du répertoire {addr} impossible : {detail}",
    ),
    "fs.no_inode": ("{context}: no inode {addr}: {detail}", "{context} : pas d'inode {addr} : {detail}"),
    "fs.truncated": (
        "{context}: file system truncated: {present} of {needed} bytes present in the image; what lies past the "
        "end is reported as unreadable",
        "{context} : système de fichiers tronqué : {present} des {needed} octets présents dans l'image ; ce qui "
        "se trouve au-delà de la fin est signalé comme illisible",
    ),
    "fs.skipped": ("{label}: skipped: {reason}", "{label} : ignorée : {reason}"),
    "fs.problem": ("{context}: {problem}", "{context} : {problem}"),
    "fs.content_unreadable": (
        "{path} ({inode}): content unreadable: {reason}",
        "{path} ({inode}) : contenu illisible : {reason}",
    ),
    "fs.content_not_hashed": (
        "{path} ({inode}): content not hashed: {reason}",
        "{path} ({inode}) : empreinte du contenu non calculée : {reason}",
    ),
    "fs.walk_directory": ("directory {addr}: {reason}", "répertoire {addr} : {reason}"),
    "fs.orphans": ("$OrphanFiles: {reason}", "$OrphanFiles : {reason}"),
    "fs.walk_budget": (
        "walk stopped at {name}: its budget of {budget} image reads and directory listings ({per_inode} per inode, "
        "at least {least}) is spent, the file system is damaged or built to make a walk endless; the entries below "
        "it and after it are not listed",
        "parcours arrêté à {name} : son budget de {budget} lectures de l'image et listes de répertoires "
        "({per_inode} par inode, au moins {least}) est épuisé ; le système de fichiers est endommagé ou construit "
        "pour rendre le parcours sans fin ; les entrées situées dessous et après ne sont pas listées",
    ),
    "extract.written_before": (
        " (what was written before is listed in {path})",
        " (ce qui a été écrit auparavant est recensé dans {path})",
    ),
    "extract.substitute": ("{path}: written as {written}", "{path} : écrit sous le nom {written}"),
    "fs.problems": (
        "no file system could be opened: {problems}",
        "aucun système de fichiers n'a pu être ouvert : {problems}",
    ),
    "fs.none_open": ("{path}: nothing to open", "{path} : rien à ouvrir"),
    "listing.partial.one": (
        "partial listing: 1 problem (named above): {first}",
        "liste partielle : 1 problème (signalé ci-dessus) : {first}",
    ),
    "listing.partial": (
        "partial listing: {count} problems (each named above), first: {first}",
        "liste partielle : {count} problèmes (chacun signalé ci-dessus), le premier : {first}",
    ),
    "extract.unreadable": (
        "{path}: not extracted: {reason}",
        "{path} : non extrait : {reason}",
    ),
    "extract.partial_one": (
        "partial extraction: 1 problem (recorded in the manifest {manifest}): {first}",
        "extraction partielle : 1 problème (consigné dans le manifeste {manifest}) : {first}",
    ),
    "extract.partial_many": (
        "partial extraction: {count} problems (recorded in the manifest {manifest}), the first: {first}",
        "extraction partielle : {count} problèmes (consignés dans le manifeste {manifest}), le premier : {first}",
    ),
}
