"""Every word a prosecutor or judge reads in a bundle report, in English and French, in one place.

Reports go to courts in francophone and anglophone partner states, so labels, action and instrument names, data
categories, verdict words, verification findings and the messages of ``scelle custody verify`` all exist in both
languages here; the report, summary and command code only looks them up. Each entry is ``(English, French)``.
Free text inside records (names, places, offences) is shown as recorded, and details that come from lower layers
(an exception message) stay in English.
"""

from __future__ import annotations

from collections.abc import Mapping

from custody.errors import CustodyError

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
    "stored": ("stored", "entreposé"),
    "transferred": ("handed over", "remis"),
    "accessed": ("accessed", "consulté"),
    "analysed": ("analysed", "analysé"),
    "derived": ("derived data extracted", "données extraites"),
    "exported": ("exported", "exporté"),
    "returned": ("returned", "restitué"),
    "destroyed": ("destroyed", "détruit"),
}

INSTRUMENTS: Mapping[str, Pair] = {
    "domestic-order": ("Domestic warrant or order", "Mandat ou ordonnance de droit interne"),
    "budapest-16": ("Budapest Convention, Art. 16 (expedited preservation)",
                    "Convention de Budapest, art. 16 (conservation rapide)"),
    "budapest-17": ("Budapest Convention, Art. 17 (preservation and partial disclosure of traffic data)",
                    "Convention de Budapest, art. 17 (conservation et divulgation partielle des données relatives "
                    "au trafic)"),
    "budapest-18": ("Budapest Convention, Art. 18 (production order)",
                    "Convention de Budapest, art. 18 (injonction de produire)"),
    "budapest-19": ("Budapest Convention, Art. 19 (search and seizure)",
                    "Convention de Budapest, art. 19 (perquisition et saisie)"),
    "budapest-29": ("Budapest Convention, Art. 29 (expedited preservation)",
                    "Convention de Budapest, art. 29 (conservation rapide)"),
    "budapest-30": ("Budapest Convention, Art. 30 (expedited disclosure of preserved traffic data)",
                    "Convention de Budapest, art. 30 (divulgation rapide de données conservées)"),
    "budapest-31": ("Budapest Convention, Art. 31 (mutual assistance: access to stored data)",
                    "Convention de Budapest, art. 31 (entraide : accès aux données stockées)"),
    "budapest-32a": ("Budapest Convention, Art. 32(a) (publicly available data)",
                     "Convention de Budapest, art. 32 a) (données accessibles au public)"),
    "budapest-32b": ("Budapest Convention, Art. 32(b) (access with lawful consent)",
                     "Convention de Budapest, art. 32 b) (accès avec consentement légal)"),
    "budapest-35": ("Budapest Convention, Art. 35 (24/7 network)", "Convention de Budapest, art. 35 (réseau 24/7)"),
    "sap-6": ("Second Additional Protocol, Art. 6 (domain name registration information)",
              "Deuxième Protocole additionnel, art. 6 (informations sur l'enregistrement de noms de domaine)"),
    "sap-7": ("Second Additional Protocol, Art. 7 (subscriber information)",
              "Deuxième Protocole additionnel, art. 7 (informations relatives aux abonnés)"),
    "sap-8": ("Second Additional Protocol, Art. 8 (giving effect to orders)",
              "Deuxième Protocole additionnel, art. 8 (exécution d'injonctions)"),
    "sap-9": ("Second Additional Protocol, Art. 9 (emergency disclosure)",
              "Deuxième Protocole additionnel, art. 9 (divulgation en situation d'urgence)"),
    "sap-10": ("Second Additional Protocol, Art. 10 (emergency mutual assistance)",
               "Deuxième Protocole additionnel, art. 10 (entraide d'urgence)"),
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
    "court": ("court", "juridiction"), "judge": ("judge", "juge"),
    "investigating-judge": ("investigating judge", "juge d'instruction"), "prosecutor": ("prosecutor", "procureur"),
    "police": ("police", "police"), "other": ("other authority", "autre autorité"),
}

ROLES: Mapping[str, Pair] = {
    "investigator": ("investigator", "enquêteur"), "examiner": ("forensic examiner", "expert en criminalistique"),
    "prosecutor": ("prosecutor", "procureur"), "judge": ("judge", "juge"), "clerk": ("clerk", "greffier"),
    "custodian": ("evidence custodian", "gardien des scellés"), "ledger": ("ledger", "registre"),
}

COUNTRIES: Mapping[str, Pair] = {
    "MA": ("Morocco", "Maroc"), "FR": ("France", "France"), "SN": ("Senegal", "Sénégal"),
    "TN": ("Tunisia", "Tunisie"), "DZ": ("Algeria", "Algérie"), "CI": ("Côte d'Ivoire", "Côte d'Ivoire"),
    "CM": ("Cameroon", "Cameroun"), "BE": ("Belgium", "Belgique"), "LU": ("Luxembourg", "Luxembourg"),
    "CH": ("Switzerland", "Suisse"), "CA": ("Canada", "Canada"), "DE": ("Germany", "Allemagne"),
    "ES": ("Spain", "Espagne"), "IT": ("Italy", "Italie"), "NL": ("Netherlands", "Pays-Bas"),
    "PT": ("Portugal", "Portugal"), "GB": ("United Kingdom", "Royaume-Uni"), "US": ("United States", "États-Unis"),
}


def vocabulary(table: Mapping[str, Pair], value: str, lang: str) -> str:
    """The translation of a vocabulary value, or the value itself when the table does not know it."""
    pair = table.get(value)
    return pick(pair, lang) if pair else value


def country(code: str, lang: str) -> str:
    """``Maroc (MA)``: the country name and its ISO 3166 code."""
    return f"{vocabulary(COUNTRIES, code, lang)} ({code})" if code in COUNTRIES else code


LABELS: Mapping[str, Pair] = {
    "title": ("Chain of custody: verification report", "Chaîne de possession : rapport de vérification"),
    "summary_title": ("Chain of custody bundle", "Paquet de chaîne de possession"),
    "case": ("Case", "Affaire"), "verdict": ("Verdict", "Verdict"), "ledger": ("Ledger", "Registre"),
    "ledger_key": ("Ledger key (trusted)", "Clé du registre (de confiance)"),
    "checkpoint": ("Signed ledger state", "État signé du registre"),
    "entries_count": ("entries", "entrées"), "root": ("Merkle root", "Racine de Merkle"),
    "verified_at": ("Checked on", "Vérifié le"), "tool": ("Tool", "Outil"),
    "findings": ("Checks", "Contrôles"), "ok": ("OK", "OK"), "fail": ("FAILED", "ÉCHEC"),
    "artefacts": ("Evidence items", "Éléments de preuve"), "name": ("Name", "Nom"),
    "size": ("Size", "Taille"), "bytes": ("bytes", "octets"), "digests": ("Digests", "Empreintes"),
    "seals": ("Seals", "Scellés"), "file_check": ("File checked", "Fichier contrôlé"),
    "file_match": ("matches the recorded digests", "correspond aux empreintes enregistrées"),
    "not_checked": ("not checked (no file given)", "non contrôlé (aucun fichier fourni)"),
    "timeline": ("Timeline of custody", "Chronologie de la possession"),
    "when": ("When", "Date et heure"), "who": ("Who", "Qui"), "where": ("Where", "Lieu"),
    "action": ("Action", "Acte"), "authority": ("Legal authority", "Fondement juridique"),
    "received_by": ("Received by", "Reçu par"), "seal": ("Seal", "Scellé"), "purpose": ("Purpose", "Objet"),
    "categories": ("Data", "Données"), "event": ("Event", "Événement"),
    "authorities": ("Legal authorities", "Autorisations légales"), "instrument": ("Instrument", "Instrument"),
    "reference": ("Reference", "Référence"), "issued_by": ("Issued by", "Émise par"),
    "issued": ("Issued", "Date d'émission"), "validity": ("Valid", "Validité"),
    "from": ("from", "du"), "until": ("until", "au"),
    "requesting": ("Requesting State", "État requérant"), "requested": ("Requested State", "État requis"),
    "scope": ("Scope", "Portée"), "offence": ("Offence", "Infraction"), "conditions": ("Conditions", "Conditions"),
    "legal_basis": ("Legal basis", "Base légale"), "extends": ("Extends", "Prolonge"),
    "confidential": ("confidential", "confidentiel"), "use_limitation": ("use limited to", "usage limité à"),
    "handlers": ("Handlers and their keys", "Intervenants et leurs clés"),
    "role": ("Role", "Fonction"), "organisation": ("Organisation", "Service"), "country": ("Country", "Pays"),
    "fingerprint": ("Key fingerprint", "Empreinte de clé"),
    "recheck": ("How to check this independently", "Comment le vérifier de façon indépendante"),
    "limits": ("What this verification does not show", "Ce que cette vérification ne montre pas"),
    "none": ("none", "aucune"), "utc": ("UTC", "UTC"), "local": ("local time", "heure locale"),
    "also_named": ("Other items named by these events", "Autres éléments cités par ces événements"),
    "late_reason": ("Reason for late recording", "Motif de l'enregistrement tardif"),
}


def label(key: str, lang: str) -> str:
    """A report label in ``lang``."""
    return pick(LABELS[key], lang)


RECHECK: Mapping[str, tuple[str, ...]] = {
    "en": (
        "Obtain the ledger's public key through a channel other than this bundle (the central authority, a signed "
        "letter) and compare its fingerprint with {fingerprint}.",
        "Run: scelle custody verify BUNDLE.json --trust LEDGER_KEY --artefact FILE (works offline).",
        "Or without scelle: re-encode each entries[i].leaf with RFC 8785 (JSON Canonicalization Scheme), hash it as "
        "SHA-256(0x00 || leaf) and follow entries[i].proof to the root of the checkpoint (RFC 9162, §2.1.3.2).",
        "Check the checkpoint (C2SP signed note, Ed25519) with the ledger key, and each signature of an entry "
        "(Ed25519 over \"scelle-<kind>-v1\" + newline + the canonical body) with the public key of its key entry.",
        "Hash each evidence file with SHA-256 and BLAKE3 and compare with the digests listed above.",
    ),
    "fr": (
        "Obtenir la clé publique du registre par un autre canal que ce paquet (autorité centrale, courrier signé) et "
        "comparer son empreinte avec {fingerprint}.",
        "Lancer : scelle custody verify PAQUET.json --trust CLE_REGISTRE --artefact FICHIER (fonctionne hors ligne).",
        "Ou sans scelle : réencoder chaque entries[i].leaf selon la RFC 8785 (JSON Canonicalization Scheme), en "
        "calculer SHA-256(0x00 || feuille) et suivre entries[i].proof jusqu'à la racine du point de contrôle "
        "(RFC 9162, § 2.1.3.2).",
        "Vérifier le point de contrôle (note signée C2SP, Ed25519) avec la clé du registre, et chaque signature "
        "d'entrée (Ed25519 sur «\u00a0scelle-<kind>-v1\u00a0», un saut de ligne et le corps canonique) avec la "
        "clé publique de l'entrée de clé correspondante.",
        "Calculer les empreintes SHA-256 et BLAKE3 de chaque fichier de preuve et les comparer à celles ci-dessus.",
    ),
}

LIMITS: Mapping[str, tuple[str, ...]] = {
    "en": (
        "The bundle proves that these entries are in the ledger as signed; it cannot prove that the ledger holds no "
        "other, later event about the same items.",
        "It proves who signed each record with which key; that a key belongs to a person rests on how the key was "
        "registered and handed over.",
        "Times are those the handlers recorded; the ledger checks their order, not the clocks.",
    ),
    "fr": (
        "Le paquet prouve que ces entrées figurent, telles que signées, dans le registre ; il ne peut pas prouver "
        "que le registre ne contient aucun autre événement, postérieur, sur les mêmes éléments.",
        "Il prouve qui a signé chaque enregistrement et avec quelle clé ; le rattachement d'une clé à une personne "
        "repose sur la manière dont la clé a été enregistrée et remise.",
        "Les heures sont celles que les intervenants ont déclarées ; le registre en contrôle l'ordre, pas les "
        "horloges.",
    ),
}

FINDINGS: Mapping[str, Pair] = {
    "checkpoint.ok": ("The ledger state ({size} entries of {origin}) is signed by the trusted ledger key {key}",
                      "L'état du registre ({size} entrées de {origin}) est signé par la clé de confiance {key}"),
    "checkpoint.bad": ("The signed ledger state is not accepted: {detail}",
                       "L'état signé du registre est refusé : {detail}"),
    "checkpoint.foreign": ("The ledger state also carries a signature by an untrusted key: {signer}",
                           "L'état du registre porte aussi la signature d'une clé non reconnue : {signer}"),
    "proofs.ok": ("All {count} entries are in the signed ledger state (Merkle inclusion proofs, {size} entries)",
                  "Les {count} entrées figurent dans l'état signé du registre (preuves d'inclusion de Merkle, "
                  "{size} entrées)"),
    "proof.bad": ("Entry {index}: the inclusion proof fails: {detail}",
                  "Entrée {index} : la preuve d'inclusion échoue : {detail}"),
    "leaf.bad": ("Entry {index} is malformed: {detail}", "L'entrée {index} est mal formée : {detail}"),
    "header.ok": ("Ledger of case {case} ({origin}), ledger key {fingerprint}",
                  "Registre de l'affaire {case} ({origin}), clé du registre {fingerprint}"),
    "header.missing": ("The ledger header (entry 0) is missing", "L'en-tête du registre (entrée 0) est absent"),
    "header.key": ("The ledger key is {got}, not the trusted key {expected}",
                   "La clé du registre est {got} et non la clé de confiance {expected}"),
    "header.origin": ("The signed state is for ledger {got}, the bundle's ledger is {expected}",
                      "L'état signé concerne le registre {got}, celui du paquet est {expected}"),
    "events.none": ("The bundle holds no custody event", "Le paquet ne contient aucun événement de possession"),
    "signatures.ok": ("All signatures verify: events {events} (hand-overs signed by both parties: {transfers}), "
                      "authorities {authorities}, handler keys {keys}",
                      "Toutes les signatures sont valides : événements {events} (remises signées par les deux "
                      "parties : {transfers}), autorisations {authorities}, clés d'intervenants {keys}"),
    "signature.bad": ("Entry {index} ({id}): {detail}", "Entrée {index} ({id}) : signature refusée : {detail}"),
    "identity.bad": ("Event {id}: handler {name} is not the identity registered with that key ({registered})",
                     "Événement {id} : l'intervenant {name} n'est pas l'identité enregistrée avec cette clé "
                     "({registered})"),
    "identity.unregistered": ("Event {id}: the key {key} of {name} is not registered before it",
                              "Événement {id} : la clé {key} de {name} n'est pas enregistrée avant lui"),
    "case.bad": ("Event {id} belongs to case {got}, not to {expected}",
                 "L'événement {id} relève de l'affaire {got} et non de {expected}"),
    "authority.ok": ("Each of the {count} actions that need one is covered by a legal authority in force at the time",
                     "Chacun des {count} actes qui l'exigent est couvert par une autorisation légale en vigueur à "
                     "sa date"),
    "authority.missing": ("Event {id} relies on unknown authority {authority} (not recorded before it)",
                          "L'événement {id} invoque l'autorisation {authority}, inconnue (elle n'est pas "
                          "enregistrée avant lui)"),
    "authority.cover": ("Event {id} ({action}) is not covered by a valid legal authority: {detail}",
                        "L'événement {id} ({action}) n'est couvert par aucune autorisation légale valide : "
                        "{detail}"),
    "order.ok": ("The {count} events are in a consistent time order, each linked to the previous one on the same "
                 "item", "Les {count} événements sont dans un ordre chronologique cohérent, chacun relié au "
                 "précédent sur le même élément"),
    "order.key": ("{id} is signed by {signer} before that key was registered",
                  "{id} est signé par {signer} avant l'enregistrement de cette clé"),
    "order.recorded": ("Event {id} was recorded ({recorded}) before it took place ({occurred}), by more than the "
                       "{skew} minutes allowed for clocks that differ",
                       "L'événement {id} a été enregistré ({recorded}) avant d'avoir eu lieu ({occurred}), avec un "
                       "écart supérieur aux {skew} minutes tolérées entre horloges"),
    "order.ledger": ("Event {id} is recorded ({recorded}) earlier than the event before it ({previous}, {before})",
                     "L'événement {id} est enregistré ({recorded}) avant l'événement qui le précède ({previous}, "
                     "{before})"),
    "order.artefact": ("Event {id} ({action}, {occurred}) takes place before {previous} ({before}), the previous "
                       "event on {artefact}",
                       "L'événement {id} ({action}, {occurred}) a lieu avant {previous} ({before}), l'événement "
                       "précédent sur {artefact}"),
    "chain.links": ("Event {id} names previous events {got}, expected {expected} (an event about this item was "
                    "removed, reordered or is missing)",
                    "L'événement {id} désigne comme événements précédents {got} au lieu de {expected} (un événement "
                    "sur cet élément a été supprimé, déplacé ou manque)"),
    "chain.prev": ("Event {id} does not name {previous}, the previous event on {artefact}",
                   "L'événement {id} ne mentionne pas {previous}, l'événement précédent sur {artefact}"),
    "chain.missing": ("Event {id} follows event {missing}, which is missing from the bundle",
                      "L'événement {id} fait suite à l'événement {missing}, absent du paquet"),
    "selection.extra": ("Event {id} concerns none of the selected items",
                        "L'événement {id} ne concerne aucun des éléments demandés"),
    "selection.missing": ("No event concerns the selected item {artefact}",
                          "Aucun événement ne concerne l'élément demandé {artefact}"),
    "digests.bad": ("Event {id} gives item {artefact} other digests than the events before it",
                    "L'événement {id} donne à l'élément {artefact} d'autres empreintes que les événements "
                    "précédents"),
    "file.ok": ("File {path} matches item {artefact} ({algorithms})",
                "Le fichier {path} correspond à l'élément {artefact} ({algorithms})"),
    "file.bad": ("File {path} matches no item of the bundle (its SHA-256 is {sha256})",
                 "Le fichier {path} ne correspond à aucun élément du paquet (son SHA-256 est {sha256})"),
}

REFUSAL: Mapping[str, Pair] = {
    "refused": ("event refused ({action}): {reasons}", "événement refusé ({action}) : {reasons}"),
    "late": ("if it is written up late on purpose, record why with {how}",
             "s'il est consigné tardivement à dessein, en indiquer le motif avec {how}"),
}
"""Why the ledger refuses to record an event: ``refused`` joins the findings, ``late`` tells how to justify an event
written up after a later one."""


def finding(code: str, params: Mapping[str, str], lang: str) -> str:
    """One verification finding as a sentence in ``lang``."""
    pair = FINDINGS.get(code)
    if pair is None:
        return f"{code}: {', '.join(f'{k}={v}' for k, v in sorted(params.items()))}"
    values = dict(params)
    if "action" in values:
        values["action"] = vocabulary(ACTIONS, values["action"], lang)
    return pick(pair, lang).format_map(values)


MESSAGES: Mapping[str, Pair] = {
    "trust.required": (
        "{subject}: no trusted ledger key: give --trust LEDGER_PUBKEY (the ledger's public key, obtained out of "
        "band), or --unsafe-trust-embedded-key to check a ledger against the key it names itself",
        "{subject} : aucune clé de registre de confiance : indiquez --trust CLE_PUBLIQUE_REGISTRE (la clé publique "
        "du registre, obtenue par un autre canal), ou --unsafe-trust-embedded-key pour vérifier un registre avec "
        "la clé qu'il désigne lui-même"),
    "trust.required.library": (
        "{subject}: no trusted ledger key: pass trust= (the ledger's public key, obtained out of band), or "
        "unsafe_trust_embedded_key=True to check the ledger against the key it names itself",
        "{subject} : aucune clé de registre de confiance : passez trust= (la clé publique du registre, obtenue par "
        "un autre canal), ou unsafe_trust_embedded_key=True pour vérifier le registre avec la clé qu'il désigne "
        "lui-même"),
    "trust.both": ("a trusted key and --unsafe-trust-embedded-key exclude each other: give only one",
                   "une clé de confiance et --unsafe-trust-embedded-key s'excluent : n'indiquez que l'une des deux"),
    "trust.twice": ("give the trusted ledger key once, with --trust (--vkey and --ledger-pub are its former names)",
                    "indiquez la clé de confiance du registre une seule fois, avec --trust (--vkey et --ledger-pub "
                    "en sont les anciens noms)"),
    "trust.unsafe_bundle": ("{subject}: --unsafe-trust-embedded-key applies to a ledger; a bundle is checked only "
                            "against --trust",
                            "{subject} : --unsafe-trust-embedded-key ne s'applique qu'à un registre ; un paquet se "
                            "vérifie uniquement avec --trust"),
    "trust.embedded": ("note: checked against the key the ledger names itself ({vkey}), not against a key obtained "
                       "out of band: this shows the ledger is consistent, not whose it is",
                       "remarque : vérifié avec la clé que le registre désigne lui-même ({vkey}), et non avec une "
                       "clé obtenue par un autre canal : cela montre que le registre est cohérent, pas de qui il "
                       "émane"),
    "ledger.bundle_options": ("{subject}: --artefact, --report and --case-uco apply to a bundle, not to a ledger",
                              "{subject} : --artefact, --report et --case-uco s'appliquent à un paquet, pas à un "
                              "registre"),
    "ledger.verified": ("{subject}: verified {entries} entries ({events} events), {checkpoints} checkpoints",
                        "{subject} : {entries} entrées vérifiées ({events} événements), {checkpoints} points de "
                        "contrôle"),
}


def message(code: str, lang: str = "en", **params: object) -> str:
    """One message of the commands and the library (``MESSAGES``) in ``lang``, with its parameters filled in."""
    return pick(MESSAGES[code], lang).format_map({k: str(v) for k, v in params.items()})
