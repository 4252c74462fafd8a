"""The examiner's messages in English and French: acquisition log, verification, passphrases.

The progress display's words are in ``evidence.common.progress_messages`` (a listing shows them without loading the
custody catalogue). Each entry is ``(English, French)``.
"""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.words import Pair

EXAMINER_MESSAGES: Mapping[str, Pair] = {
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
