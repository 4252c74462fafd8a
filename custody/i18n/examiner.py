"""The examiner's messages in English and French: progress display, acquisition log, verification, passphrases.

Progress words (units, elapsed, remaining) are here too, so a French examiner reads ``Mio/s`` and ``restant`` on
the bar and in the status lines, as in the rest of the output. Each entry is ``(English, French)``.
"""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.words import Pair

EXAMINER_MESSAGES: Mapping[str, Pair] = {
    # -- progress: the operations the library reports (see cli.progress) and the status line ------------------
    "progress.acquiring": ("acquiring {subject}", "acquisition de {subject}"),
    "progress.verifying": ("verifying {subject}", "vérification de {subject}"),
    "progress.rereading": ("re-reading source {subject}", "relecture de la source {subject}"),
    "progress.hashing": ("hashing {subject}", "calcul des empreintes de {subject}"),
    "progress.reverifying": ("re-reading the image {subject}", "relecture de l'image {subject}"),
    "progress.extracting": ("extracting into {subject}", "extraction dans {subject}"),
    "progress.listing": (
        "listing and hashing the files of {subject}",
        "inventaire et calcul des empreintes des fichiers de {subject}",
    ),
    "progress.line": (
        "{label}: {percent} ({done} of {total}), {rate}, elapsed {elapsed}, remaining {remaining}",
        "{label} : {percent} ({done} sur {total}), {rate}, écoulé {elapsed}, restant {remaining}",
    ),
    "progress.line.unsized": (
        "{label}: {done}, {rate}, elapsed {elapsed}",
        "{label} : {done}, {rate}, écoulé {elapsed}",
    ),
    "progress.done": (
        "{label}: done, {done} in {elapsed} ({rate})",
        "{label} : terminé, {done} en {elapsed} ({rate})",
    ),
    "progress.stopped": (
        "{label}: stopped at {done} after {elapsed}",
        "{label} : arrêté à {done} après {elapsed}",
    ),
    "progress.elapsed": ("elapsed {time}", "écoulé {time}"),
    "progress.remaining": ("remaining {time}", "restant {time}"),
    "progress.units": ("B KiB MiB GiB TiB", "o Kio Mio Gio Tio"),
    "progress.unknown": ("unknown", "inconnu"),
    # -- authority add: a window that does not contain today -------------------------------------------------
    "authority.window.passed": (
        "warning: {reference} expired on {until}: no action recorded after that date can rely on it",
        "avertissement : {reference} a expiré le {until} : aucune opération postérieure ne peut s'appuyer dessus",
    ),
    "authority.window.future": (
        "warning: {reference} is valid only from {start}: no action before that date can rely on it",
        "avertissement : {reference} n'est valable qu'à partir du {start} : aucune opération antérieure ne peut "
        "s'appuyer dessus",
    ),
    # -- the acquisition log beside the image (cli.acquire_log) --------------------------------------------------
    "log.title": ("Acquisition log", "Journal d'acquisition"),
    "log.intro": (
        "A human-readable copy of the acquisition record {record}. The record (canonical JSON, digest below) is "
        "the reference; this log says the same facts for a person.",
        "Copie lisible du procès-verbal d'acquisition {record}. Le procès-verbal (JSON canonique, empreinte "
        "ci-dessous) fait foi ; ce journal en reprend les faits pour un lecteur.",
    ),
    "log.status": ("Status", "État"),
    "log.status.complete": ("complete", "terminée"),
    "log.status.incomplete": ("incomplete", "incomplète"),
    "log.status.failed": ("failed", "échouée"),
    "log.status.in-progress": ("in progress", "en cours"),
    "log.reason": ("Reason", "Motif"),
    "log.tool": ("Tool", "Outil"),
    "log.host": ("Host", "Poste"),
    "log.time_zone": ("Times shown in", "Heures indiquées dans le fuseau"),
    "log.started": ("Started", "Début"),
    "log.ended": ("Ended", "Fin"),
    "log.case_number": ("Case number", "Numéro de dossier"),
    "log.evidence_number": ("Evidence number", "Numéro de scellé"),
    "log.examiner": ("Examiner", "Examinateur"),
    "log.description": ("Description", "Descriptif"),
    "log.notes": ("Notes", "Observations"),
    "log.source": ("Source", "Support d'origine"),
    "log.source.kind.file": ("file", "fichier"),
    "log.source.kind.block-device": ("block device", "périphérique bloc"),
    "log.source.read_only": ("read-only (kernel)", "lecture seule (noyau)"),
    "log.source.writable": ("writable (kernel)", "accessible en écriture (noyau)"),
    "log.source.model": ("Model", "Modèle"),
    "log.source.serial": ("Serial number", "Numéro de série"),
    "log.source.vendor": ("Vendor", "Fabricant"),
    "log.format": ("Image format", "Format de l'image"),
    "log.format_details": ("Format details", "Détails du format"),
    "log.media_size": ("Media size", "Taille du support"),
    "log.bytes": ("{count} bytes", "{count} octets"),
    "log.bytes_acquired": ("Acquired", "Acquis"),
    "log.digests": ("Media digests", "Empreintes du support"),
    "log.piecewise.one": (
        "Piecewise digests: one window of {window} bytes (in the record)",
        "Empreintes par fenêtre : une fenêtre de {window} octets (dans le procès-verbal)",
    ),
    "log.piecewise": (
        "Piecewise digests: {count} windows of {window} bytes (listed in the record)",
        "Empreintes par fenêtre : {count} fenêtres de {window} octets (détaillées dans le procès-verbal)",
    ),
    "log.outputs": ("Files written", "Fichiers écrits"),
    "log.read_errors": ("Read errors", "Erreurs de lecture"),
    "log.unreadable": (
        "Unreadable, written as zeros: bytes [{start}, {end}) ({count} bytes)",
        "Illisible, écrit sous forme de zéros : octets [{start}, {end}) ({count} octets)",
    ),
    "log.none": ("none", "aucune"),
    "log.verification": ("Verification after acquisition", "Vérification après acquisition"),
    "log.verification.image": ("image re-read", "relecture de l'image"),
    "log.verification.source": ("image and source re-read", "relecture de l'image et de la source"),
    "log.verification.ok": ("match", "concordance"),
    "log.verification.mismatch": ("MISMATCH", "DISCORDANCE"),
    "log.verification.not_done": (
        "not done (acquire --verify to re-read the image)",
        "non effectuée (acquire --verify pour relire l'image)",
    ),
    "log.record": ("Acquisition record", "Procès-verbal d'acquisition"),
    "log.written": ("log: {path}", "journal : {path}"),
}
