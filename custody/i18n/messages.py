"""The messages of the custody commands and of the library, in English and French."""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.appended import APPENDED_MESSAGES
from custody.i18n.batch import BATCH_WORDS
from custody.i18n.examiner import EXAMINER_MESSAGES
from custody.i18n.recording import RECORDING_MESSAGES
from custody.i18n.showing import SHOW_MESSAGES
from custody.i18n.stores import STORE_MESSAGES
from custody.i18n.timestamps import TIMESTAMP_MESSAGES
from custody.i18n.verifying import VERIFY_MESSAGES
from custody.i18n.witnessing import WITNESS_MESSAGES
from custody.i18n.words import Pair, pick, with_forms
from evidence.common.stated import Stated

MESSAGES: Mapping[str, Pair] = {
    **TIMESTAMP_MESSAGES,
    "trust.required": (
        "{subject}: no trusted ledger key: give --trust LEDGER_PUBKEY (the ledger's public key, obtained out of "
        "band), or --unsafe-trust-embedded-key to check a ledger against the key it names itself",
        "{subject} : aucune clé de registre de confiance : indiquez --trust CLE_PUBLIQUE_REGISTRE (la clé publique "
        "du registre, obtenue par un autre canal), ou --unsafe-trust-embedded-key pour vérifier un registre avec "
        "la clé qu'il désigne lui-même",
    ),
    "trust.required.library": (
        "{subject}: no trusted ledger key: pass trust= (the ledger's public key, obtained out of band), or "
        "unsafe_trust_embedded_key=True to check the ledger against the key it names itself",
        "{subject} : aucune clé de registre de confiance : passez trust= (la clé publique du registre, obtenue par "
        "un autre canal), ou unsafe_trust_embedded_key=True pour vérifier le registre avec la clé qu'il désigne "
        "lui-même",
    ),
    "trust.both": (
        "a trusted key and --unsafe-trust-embedded-key exclude each other: give only one",
        "une clé de confiance et --unsafe-trust-embedded-key s'excluent : n'indiquez que l'une des deux",
    ),
    "trust.twice": (
        "give the trusted ledger key once, with --trust (--vkey and --ledger-pub are its former names)",
        "indiquez la clé de confiance du registre une seule fois, avec --trust (--vkey et --ledger-pub "
        "en sont les anciens noms)",
    ),
    "trust.unsafe_bundle": (
        "{subject}: --unsafe-trust-embedded-key applies to a ledger; a bundle is checked only against --trust",
        "{subject} : --unsafe-trust-embedded-key ne s'applique qu'à un registre ; un dossier se "
        "vérifie uniquement avec --trust",
    ),
    "trust.embedded": (
        "note: checked against the key the ledger names itself ({vkey}), not against a key obtained "
        "out of band: this shows the ledger is consistent, not whose it is",
        "remarque : vérifié avec la clé que le registre désigne lui-même ({vkey}), et non avec une "
        "clé obtenue par un autre canal : cela montre que le registre est cohérent, pas de qui il "
        "émane",
    ),
    "bundle.changed": (
        "{subject}: the bundle file changed while it was being verified: verify a copy that nobody writes to",
        "{subject} : le fichier du dossier a été modifié pendant sa vérification : vérifiez une copie que personne "
        "ne modifie",
    ),
    "ledger.bundle_options": (
        "{subject}: --artefact, --report and --case-uco apply to a bundle, not to a ledger",
        "{subject} : --artefact, --report et --case-uco s'appliquent à un dossier, pas à un registre",
    ),
    "ledger.verified": (
        "{subject}: verified {entries} ({events}), {checkpoints}",
        "{subject} : registre vérifié : {entries} ({events}), {checkpoints}",
    ),
    "ledger.failed": ("{subject}: {finding}", "{subject} : {finding}"),
    "ledger.failed.one_more": ("{subject}: {finding} (and 1 more)", "{subject} : {finding} (et 1 autre constat)"),
    "ledger.failed.more": (
        "{subject}: {finding} (and {count} more)",
        "{subject} : {finding} (et {count} autres constats)",
    ),
    "ledger.no_finding": ("no finding", "aucun constat"),
    "bundle.failed.one": (
        "{subject}: bundle NOT VERIFIED: 1 check failed ({codes}){reasons}",
        "{subject} : dossier NON VÉRIFIÉ : 1 contrôle a échoué ({codes}){reasons}",
    ),
    "bundle.failed": (
        "{subject}: bundle NOT VERIFIED: {count} checks failed ({codes}){reasons}",
        "{subject} : dossier NON VÉRIFIÉ : {count} contrôles ont échoué ({codes}){reasons}",
    ),
    "bundle.nothing_verified": ("nothing was verified", "rien n'a été vérifié"),
    **WITNESS_MESSAGES,
    "key.permissions": (
        "warning: {path}: key file is readable by group or others (mode {mode}); restrict it with "
        "chmod 600 (set SCELLE_STRICT_KEY_PERMISSIONS=1 to refuse such keys)",
        "avertissement : {path} : le fichier de clé est lisible par le groupe ou par d'autres (mode {mode}) ; "
        "restreignez-le avec chmod 600 (SCELLE_STRICT_KEY_PERMISSIONS=1 pour refuser de telles clés)",
    ),
    "key.permissions.refused": (
        "{path}: key file is readable by group or others (mode {mode}); refused because "
        "SCELLE_STRICT_KEY_PERMISSIONS=1: restrict it with chmod 600",
        "{path} : le fichier de clé est lisible par le groupe ou par d'autres (mode {mode}) ; refusé car "
        "SCELLE_STRICT_KEY_PERMISSIONS=1 : restreignez-le avec chmod 600",
    ),
    **EXAMINER_MESSAGES,
    **APPENDED_MESSAGES,
    **RECORDING_MESSAGES,
    **BATCH_WORDS,
    **STORE_MESSAGES,
    **VERIFY_MESSAGES,
    **SHOW_MESSAGES,
}


def message(code: str, lang: str = "en", **params: object) -> str:
    """One message of the commands and the library (``MESSAGES``) in ``lang``, with its parameters filled in."""
    template = pick(MESSAGES[code], lang)
    if "[[" in template:  # a count's form: [[count|singular|plural]]
        template = with_forms(template, params, lang)
    return Stated(template.format_map({k: str(v) for k, v in params.items()}))
