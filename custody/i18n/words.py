"""The words of a report in English and French: languages, verdicts, vocabularies (actions, instruments, categories,
roles, countries) and labels. Each entry is ``(English, French)``."""

from __future__ import annotations

from collections.abc import Mapping

from custody.errors import CustodyError

# the one rule of counts' forms, re-exported for the custody catalogue and the report page
from evidence.common.plural import PLURAL_FORMS as PLURAL_FORMS
from evidence.common.plural import singular as singular
from evidence.common.plural import with_forms as with_forms

LANGUAGES: tuple[str, ...] = ("en", "fr")
Pair = tuple[str, str]


class LanguageError(CustodyError):
    """A report language that scelle does not have."""


def check_lang(lang: str) -> str:
    """Return ``lang`` if reports exist in it (``en`` or ``fr``), else raise ``LanguageError``."""
    if lang not in LANGUAGES:
        raise LanguageError(f"unknown report language {lang!r} (known: {', '.join(LANGUAGES)})")
    return lang


def pick(pair: Pair, lang: str) -> str:
    """The ``lang`` side of an ``(English, French)`` pair."""
    return pair[LANGUAGES.index(check_lang(lang))]


VERDICT: Mapping[bool, Pair] = {True: ("VERIFIED", "VÉRIFIÉ"), False: ("NOT VERIFIED", "NON VÉRIFIÉ")}

ACTIONS: Mapping[str, Pair] = {
    "identified": ("identified", "identifié"),
    "seized": ("seized", "saisi"),
    "sealed": ("sealed", "placé sous scellé"),
    "unsealed": ("unsealed", "scellé ouvert"),
    "acquired": ("forensic copy made", "copie forensique réalisée"),
    "verified": ("verified", "vérifié"),
    "stored": ("stored", "conservé"),
    "transferred": ("handed over", "remis"),
    "offered": ("offered for handover abroad", "proposé à la remise à l'étranger"),
    "received": ("received from abroad", "reçu de l'étranger"),
    "accessed": ("accessed", "consulté"),
    "analysed": ("analysed", "analysé"),
    "derived": ("derived data extracted", "données extraites"),
    "exported": ("exported", "exporté"),
    "returned": ("returned", "restitué"),
    "destroyed": ("destroyed", "détruit"),
}

ENTRY_KINDS: Mapping[str, Pair] = {
    "ledger": ("ledger", "registre"),
    "key": ("key", "clé"),
    "authority": ("authority", "autorisation"),
    "event": ("event", "événement"),
    "authority-change": ("authority-change", "modification d'autorisation"),
}
"""The kinds of ledger entries, as a finding names the entry it is about."""

INSTRUMENTS: Mapping[str, Pair] = {
    "domestic-order": ("Domestic warrant or order", "Mandat ou ordonnance de droit interne"),
    "budapest-16": (
        "Budapest Convention, Art. 16 (expedited preservation)",
        "Convention de Budapest, art. 16 (conservation rapide)",
    ),
    "budapest-17": (
        "Budapest Convention, Art. 17 (preservation and partial disclosure of traffic data)",
        "Convention de Budapest, art. 17 (conservation et divulgation partielle des données relatives au trafic)",
    ),
    "budapest-18": (
        "Budapest Convention, Art. 18 (production order)",
        "Convention de Budapest, art. 18 (injonction de produire)",
    ),
    "budapest-19": (
        "Budapest Convention, Art. 19 (search and seizure)",
        "Convention de Budapest, art. 19 (perquisition et saisie)",
    ),
    "budapest-29": (
        "Budapest Convention, Art. 29 (expedited preservation)",
        "Convention de Budapest, art. 29 (conservation rapide)",
    ),
    "budapest-30": (
        "Budapest Convention, Art. 30 (expedited disclosure of preserved traffic data)",
        "Convention de Budapest, art. 30 (divulgation rapide de données conservées)",
    ),
    "budapest-31": (
        "Budapest Convention, Art. 31 (mutual assistance: access to stored data)",
        "Convention de Budapest, art. 31 (entraide : accès aux données stockées)",
    ),
    "budapest-32a": (
        "Budapest Convention, Art. 32(a) (publicly available data)",
        "Convention de Budapest, art. 32 a) (données accessibles au public)",
    ),
    "budapest-32b": (
        "Budapest Convention, Art. 32(b) (access with lawful consent)",
        "Convention de Budapest, art. 32 b) (accès avec consentement légal)",
    ),
    "budapest-35": ("Budapest Convention, Art. 35 (24/7 network)", "Convention de Budapest, art. 35 (réseau 24/7)"),
    "sap-6": (
        "Second Additional Protocol, Art. 6 (domain name registration information)",
        "Deuxième Protocole additionnel, art. 6 (informations sur l'enregistrement de noms de domaine)",
    ),
    "sap-7": (
        "Second Additional Protocol, Art. 7 (subscriber information)",
        "Deuxième Protocole additionnel, art. 7 (informations relatives aux abonnés)",
    ),
    "sap-8": (
        "Second Additional Protocol, Art. 8 (giving effect to orders)",
        "Deuxième Protocole additionnel, art. 8 (exécution d'injonctions)",
    ),
    "sap-9": (
        "Second Additional Protocol, Art. 9 (emergency disclosure)",
        "Deuxième Protocole additionnel, art. 9 (divulgation en situation d'urgence)",
    ),
    "sap-10": (
        "Second Additional Protocol, Art. 10 (emergency mutual assistance)",
        "Deuxième Protocole additionnel, art. 10 (entraide d'urgence)",
    ),
    "eu-epoc": ("European Production Order (EPOC)", "Injonction européenne de production (EPOC)"),
    "eu-epoc-pr": ("European Preservation Order (EPOC-PR)", "Injonction européenne de conservation (EPOC-PR)"),
    "eio": ("European Investigation Order", "Décision d'enquête européenne"),
    "jit": ("Joint investigation team agreement", "Accord d'équipe commune d'enquête"),
    "consent": ("Consent of the lawful holder", "Consentement du titulaire légitime"),
}

CATEGORIES: Mapping[str, Pair] = {
    "subscriber": ("subscriber data", "données relatives aux abonnés"),
    "identification": ("identification data", "données d'identification"),
    "traffic": ("traffic data", "données relatives au trafic"),
    "content": ("content data", "données de contenu"),
}

AUTHORITY_TYPES: Mapping[str, Pair] = {
    "court": ("court", "juridiction"),
    "judge": ("judge", "juge"),
    "investigating-judge": ("investigating judge", "juge d'instruction"),
    "prosecutor": ("prosecutor", "procureur"),
    "police": ("police", "police"),
    "other": ("other authority", "autre autorité"),
}

ROLES: Mapping[str, Pair] = {
    "investigator": ("investigator", "enquêteur"),
    "examiner": ("forensic examiner", "expert en criminalistique"),
    "prosecutor": ("prosecutor", "procureur"),
    "judge": ("judge", "juge"),
    "clerk": ("clerk", "greffier"),
    "custodian": ("evidence custodian", "gardien des scellés"),
    "ledger": ("ledger", "registre"),
}

COUNTRIES: Mapping[str, Pair] = {
    "MA": ("Morocco", "Maroc"),
    "FR": ("France", "France"),
    "SN": ("Senegal", "Sénégal"),
    "TN": ("Tunisia", "Tunisie"),
    "DZ": ("Algeria", "Algérie"),
    "CI": ("Côte d'Ivoire", "Côte d'Ivoire"),
    "CM": ("Cameroon", "Cameroun"),
    "BE": ("Belgium", "Belgique"),
    "LU": ("Luxembourg", "Luxembourg"),
    "CH": ("Switzerland", "Suisse"),
    "CA": ("Canada", "Canada"),
    "DE": ("Germany", "Allemagne"),
    "ES": ("Spain", "Espagne"),
    "IT": ("Italy", "Italie"),
    "NL": ("Netherlands", "Pays-Bas"),
    "PT": ("Portugal", "Portugal"),
    "GB": ("United Kingdom", "Royaume-Uni"),
    "US": ("United States", "États-Unis"),
}


COUNTED: Mapping[str, tuple[Pair, Pair]] = {
    "entry": (("entry", "entries"), ("entrée", "entrées")),
    "event": (("event", "events"), ("événement", "événements")),
    "checkpoint": (("checkpoint", "checkpoints"), ("point de contrôle", "points de contrôle")),
}
"""Nouns counted in messages: (English singular and plural, French singular and plural)."""


SEMICOLON: Pair = ("; ", " ; ")
"""Between the parts of one sentence: French puts a space before « ; »."""


def counted(count: int, noun: str, lang: str) -> str:
    """``1 event``, ``3 events``; in French the singular also for 0."""
    english, french = COUNTED[noun]
    return f"{count} {(french if lang == 'fr' else english)[0 if singular(count, lang) else 1]}"


def vocabulary(table: Mapping[str, Pair], value: str, lang: str) -> str:
    """The translation of a vocabulary value, or the value itself when the table does not know it."""
    pair = table.get(value)
    return pick(pair, lang) if pair else value


def country(code: str, lang: str) -> str:
    """``Maroc (MA)``: the country name and its ISO 3166 code."""
    return f"{vocabulary(COUNTRIES, code, lang)} ({code})" if code in COUNTRIES else code


LABELS: Mapping[str, Pair] = {
    "title": ("Chain of custody: verification report", "Chaîne de possession : rapport de vérification"),
    "summary_title": ("Chain of custody bundle", "Dossier de chaîne de possession"),
    "case": ("Case", "Affaire"),
    "verdict": ("Verdict", "Verdict"),
    "ledger": ("Ledger", "Registre"),
    "ledger_key": ("Ledger key (trusted)", "Clé du registre (de confiance)"),
    "checkpoint": ("Signed ledger state", "État signé du registre"),
    "checkpoint_state": ("{entries}; Merkle root", "{entries} ; racine de Merkle"),
    "verified_at": ("Checked on", "Vérifié le"),
    "tool": ("Tool", "Outil"),
    "findings": ("Checks", "Contrôles"),
    "ok": ("OK", "OK"),
    "fail": ("FAILED", "ÉCHEC"),
    "artefacts": ("Evidence items", "Éléments de preuve"),
    "name": ("Name", "Nom"),
    "size": ("Size", "Taille"),
    "bytes": ("bytes", "octets"),
    "digests": ("Digests", "Empreintes"),
    "seals": ("Seals", "Scellés"),
    "file_check": ("File checked", "Fichier contrôlé"),
    "file_match": ("matches the recorded digests", "correspond aux empreintes enregistrées"),
    "not_checked": ("not checked (no file given)", "non contrôlé (aucun fichier fourni)"),
    "timeline": ("Timeline of custody", "Chronologie de la possession"),
    "when": ("When", "Date et heure"),
    "who": ("Who", "Qui"),
    "where": ("Where", "Lieu"),
    "action": ("Action", "Acte"),
    "authority": ("Legal authority", "Fondement juridique"),
    "received_by": ("Received by", "Reçu par"),
    "came_from": ("Came across the border from ledger", "Parvenu de l'étranger, du registre"),
    "seal": ("Seal", "Scellé"),
    "purpose": ("Purpose", "Objet"),
    "categories": ("Data", "Données"),
    "event": ("Event", "Événement"),
    "authorities": ("Legal authorities", "Autorisations légales"),
    "instrument": ("Instrument", "Instrument"),
    "reference": ("Reference", "Référence"),
    "issued_by": ("Issued by", "Émise par"),
    "issued": ("Issued", "Date d'émission"),
    "validity": ("Valid", "Validité"),
    "from": ("from", "du"),
    "until": ("until", "au"),
    "requesting": ("Requesting State", "État requérant"),
    "requested": ("Requested State", "État requis"),
    "scope": ("Scope", "Portée"),
    "offence": ("Offence", "Infraction"),
    "conditions": ("Conditions", "Conditions"),
    "legal_basis": ("Legal basis", "Base légale"),
    "extends": ("Extends", "Prolonge"),
    "confidential": ("confidential", "confidentiel"),
    "use_limitation": ("use limited to", "usage limité à"),
    "handlers": ("Handlers and their keys", "Intervenants et leurs clés"),
    "role": ("Role", "Fonction"),
    "organisation": ("Organisation", "Service"),
    "country": ("Country", "Pays"),
    "fingerprint": ("Key fingerprint", "Empreinte de clé"),
    "recheck": ("How to check this independently", "Comment le vérifier de façon indépendante"),
    "limits": ("What this verification does not show", "Ce que cette vérification ne montre pas"),
    "none": ("none", "aucune"),
    "utc": ("UTC", "UTC"),
    "local": ("local time", "heure locale"),
    "original_zone": ("original zone", "fuseau d'origine"),
    "time_zone": ("Times shown in", "Heures indiquées dans le fuseau"),
    "also_named": ("Other items named by these events", "Autres éléments cités par ces événements"),
    "late_reason": ("Reason for late recording", "Motif de l'enregistrement tardif"),
    "derived_from": ("Taken from", "Extrait de"),
}


def label(key: str, lang: str) -> str:
    """A report label in ``lang``."""
    return pick(LABELS[key], lang)
