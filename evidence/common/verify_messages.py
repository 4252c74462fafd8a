"""The messages of image verification (``evidence.acquisition.verify``, ``scelle verify``), in English and French.

Part of the evidence catalogue (``evidence.common.messages``), kept in its own module by concept. The words follow
the acquisition log's: « concordance », « discordance », « procès-verbal ».
"""

from __future__ import annotations

from collections.abc import Mapping

VERIFY_MESSAGES: Mapping[str, tuple[str, str]] = {
    "verify.failed": ("{image}: verification failed: {parts}", "{image} : échec de la vérification : {parts}"),
    "verify.expected_got": (
        "{subject}: expected {expected}, got {got}",
        "{subject} : attendue {expected}, obtenue {got}",
    ),
    "verify.nothing": ("nothing", "aucune"),
    "verify.first_mismatch_at": (
        "first mismatch in {subject} bytes [{start}, {end})",
        "première discordance dans {subject}, octets [{start}, {end})",
    ),
    "verify.nothing_to_compare": ("nothing to compare", "rien à comparer"),
    "verify.nothing_to_verify": (
        "no stored hash in the image and no acquisition record next to it: nothing to verify against",
        "aucune empreinte stockée dans l'image et aucun procès-verbal d'acquisition à côté : rien à quoi la comparer",
    ),
    "verify.not_listed": (
        "{image}: not one of the files listed in the acquisition record",
        "{image} : ne figure pas parmi les fichiers listés dans le procès-verbal d'acquisition",
    ),
    "verify.unreadable_segment": ("{path}: {reason}", "{path} : {reason}"),
    "verify.size": (
        "{path}: {size} bytes, the record says {expected}",
        "{path} : {size} octets, le procès-verbal en indique {expected}",
    ),
    "verify.image_size": (
        "{path}: the image holds {size} bytes, the record says {expected}",
        "{path} : l'image contient {size} octets, le procès-verbal en indique {expected}",
    ),
    "verify.no_output": (
        "the acquisition record lists no output file",
        "le procès-verbal d'acquisition ne liste aucun fichier de sortie",
    ),
    "verify.read_failed": ("{reason}", "lecture impossible : {reason}"),
    "verify.no_record": (
        "{image}: no acquisition record next to it (looked for {record})",
        "{image} : aucun procès-verbal d'acquisition à côté (fichier cherché : {record})",
    ),
    "verify.source_needs_record": (
        "{image}: --source needs the acquisition record, none found next to the image",
        "{image} : --source exige le procès-verbal d'acquisition, aucun n'a été trouvé à côté de l'image",
    ),
    "verify.incomplete": (
        "{record}: the acquisition is {status}{reason}; its image cannot be verified",
        "{record} : l'acquisition est {status}{reason} ; son image ne peut pas être vérifiée",
    ),
    "verify.status.incomplete": ("incomplete", "incomplète"),
    "verify.status.failed": ("failed", "échouée"),
    "verify.status.in-progress": ("in-progress", "en cours"),
    "verify.subject.media": ("media", "support"),
    "verify.subject.stored": ("stored in the image", "stockée dans l'image"),
    "verify.subject.expected": ("digest given (--expect)", "empreinte indiquée (--expect)"),
}
