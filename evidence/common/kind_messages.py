"""What an error is about, in both languages: the command line states it before an error text the library states
only in English (a parser's or a format reader's detail), so a French reader is told in French what went wrong
(``evidence.common.messages.error_text``). One code per ``kind`` of the error classes (``EvidenceError.kind``)."""

from __future__ import annotations

from collections.abc import Mapping

KIND_MESSAGES: Mapping[str, tuple[str, str]] = {
    "error.untranslated": (  # English states the detail alone (error_text): this form is for other callers
        "{kind}: {detail}",
        "{kind} (détail technique, en anglais : « {detail} »)",
    ),
    "error.kind.other": ("error", "erreur"),
    "error.kind.usage": ("invalid option or argument", "option ou argument invalide"),
    "error.kind.image": ("image unreadable", "image illisible"),
    "error.kind.damaged": ("image damaged or cut short", "image endommagée ou tronquée"),
    "error.kind.volume": ("partition table unreadable", "table des partitions illisible"),
    "error.kind.fs": ("file system unreadable", "système de fichiers illisible"),
    "error.kind.not_found": ("no such entry", "entrée introuvable"),
    "error.kind.extraction": ("extraction refused", "extraction refusée"),
    "error.kind.acquisition": ("acquisition failed", "échec de l'acquisition"),
    "error.kind.integrity": ("integrity not established", "intégrité non établie"),
    "error.kind.partial": ("result incomplete", "résultat incomplet"),
    "error.kind.acquisition_record": ("acquisition record refused", "procès-verbal d'acquisition refusé"),
    "error.kind.canonical": ("JSON not in canonical form", "JSON hors de sa forme canonique"),
    "error.kind.hashset": ("hash set unreadable", "jeu d'empreintes illisible"),
    "error.kind.custody": ("custody error", "erreur de la chaîne de possession"),
    "error.kind.proof": ("Merkle proof refused", "preuve de Merkle refusée"),
    "error.kind.signature": ("signature refused", "signature refusée"),
    "error.kind.tampered": ("ledger altered", "registre altéré"),
    "error.kind.authority": ("legal authority refused", "autorisation légale refusée"),
    "error.kind.key": ("key file refused", "fichier de clé refusé"),
    "error.kind.record": ("ledger record refused", "enregistrement du registre refusé"),
    "error.kind.bundle": ("bundle malformed", "dossier mal formé"),
    "error.kind.selection": ("artefact selection refused", "sélection des pièces refusée"),
    "error.kind.handover": ("handover file refused", "fichier de remise refusé"),
    "error.kind.note": ("signed note malformed", "note signée mal formée"),
    "error.kind.ledger": ("ledger unreadable", "registre illisible"),
    "error.kind.timestamp": ("time-stamp refused", "horodatage refusé"),
    "error.kind.witness": ("witness refused", "témoin refusé"),
    "error.kind.artefact": ("artefact file refused", "fichier de pièce refusé"),
    "error.kind.trust": ("trust anchor missing", "ancre de confiance manquante"),
}
