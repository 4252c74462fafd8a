"""Verification findings and refusals in English and French: one sentence per message code, with its parameters."""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.authorities import AUTHORITY_FINDINGS, CHANGES, FIELDS
from custody.i18n.timestamps import TIMESTAMP_FINDINGS
from custody.i18n.witnessing import WITNESS_FINDINGS
from custody.i18n.words import (
    ACTIONS,
    AUTHORITY_TYPES,
    CATEGORIES,
    ENTRY_KINDS,
    INSTRUMENTS,
    Pair,
    pick,
    vocabulary,
    with_forms,
)
from evidence.common.stated import Stated
from evidence.common.zones import shown_stored

RECHECK: Mapping[str, tuple[str, ...]] = {
    "en": (
        "Obtain the ledger's public key through a channel other than this bundle (the central authority, a signed "
        "letter) and compare its fingerprint with {fingerprint}.",
        "Run: scelle custody verify BUNDLE.json --trust LEDGER_KEY --artefact FILE (works offline).",
        "Or without scelle: re-encode each entries[i].leaf with RFC 8785 (JSON Canonicalization Scheme), hash it as "
        "SHA-256(0x00 || leaf) and follow entries[i].proof to the root of the checkpoint (RFC 9162, §2.1.3.2).",
        "Check the checkpoint (C2SP signed note, Ed25519) with the ledger key, and each signature of an entry "
        '(Ed25519 over "scelle-<kind>-v1" + newline + the canonical body) with the public key of its key entry.',
        "Hash each evidence file with SHA-256 and BLAKE3 and compare with the digests listed above.",
    ),
    "fr": (
        "Obtenir la clé publique du registre par un autre canal que ce dossier (autorité centrale, courrier signé) et "
        "comparer son empreinte avec {fingerprint}.",
        "Lancer : scelle custody verify DOSSIER.json --trust CLE_REGISTRE --artefact FICHIER (fonctionne hors ligne).",
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
        "Le dossier prouve que ces entrées figurent, telles que signées, dans le registre ; il ne peut pas prouver "
        "que le registre ne contient aucun autre événement, postérieur, sur les mêmes éléments.",
        "Il prouve qui a signé chaque enregistrement et avec quelle clé ; le rattachement d'une clé à une personne "
        "repose sur la manière dont la clé a été enregistrée et remise.",
        "Les heures sont celles que les intervenants ont déclarées ; le registre en contrôle l'ordre, pas les "
        "horloges.",
    ),
}

FINDINGS: Mapping[str, Pair] = {
    **TIMESTAMP_FINDINGS,
    "checkpoint.ok": (
        "The ledger state ({size} entries of {origin}) is signed by the trusted ledger key {key}",
        "L'état du registre ({size} entrées de {origin}) est signé par la clé de confiance {key}",
    ),
    "checkpoint.bad": (
        "The signed ledger state is not accepted: {detail}",
        "L'état signé du registre est refusé : {detail}",
    ),
    "proofs.ok": (
        "[[count|The entry is|All {count} entries are]] in the signed ledger state (Merkle inclusion proofs, "
        "[[size|1 entry|{size} entries]])",
        "[[count|L'entrée figure|Les {count} entrées figurent]] dans l'état signé du registre (preuves d'inclusion "
        "de Merkle, [[size|{size} entrée|{size} entrées]])",
    ),
    "proof.bad": (
        "Entry {index}: the inclusion proof fails: {detail}",
        "Entrée {index} : la preuve d'inclusion échoue : {detail}",
    ),
    "leaf.bad": ("Entry {index} is malformed: {detail}", "L'entrée {index} est mal formée : {detail}"),
    "header.ok": (
        "Ledger of case {case} ({origin}), ledger key {fingerprint}",
        "Registre de l'affaire {case} ({origin}), clé du registre {fingerprint}",
    ),
    "header.missing": ("The ledger header (entry 0) is missing", "L'en-tête du registre (entrée 0) est absent"),
    "header.key": (
        "The ledger key is {got}, not the trusted key {expected}",
        "La clé du registre est {got} et non la clé de confiance {expected}",
    ),
    "header.origin": (
        "The signed state is for ledger {got}, the bundle's ledger is {expected}",
        "L'état signé concerne le registre {got}, celui du dossier est {expected}",
    ),
    "events.none": ("The bundle holds no custody event", "Le dossier ne contient aucun événement de possession"),
    "signatures.ok": (
        "All signatures verify: [[events|1 event|{events} events]] ([[transfers|1 hand-over|{transfers} "
        "hand-overs]] signed by both parties), [[authorities|1 authority|{authorities} authorities]], "
        "[[keys|1 handler key|{keys} handler keys]]",
        "Toutes les signatures sont valides : [[events|{events} événement|{events} événements]] (dont "
        "[[transfers|{transfers} remise signée|{transfers} remises signées]] par les deux parties), "
        "[[authorities|{authorities} autorisation|{authorities} autorisations]], "
        "[[keys|{keys} clé d'intervenant|{keys} clés d'intervenants]]",
    ),
    "detail.proof_root": (
        "the proof does not lead to the signed root",
        "la preuve ne mène pas à la racine signée",
    ),
    "detail.signers": (
        "signed by {signers}; expected {expected}",
        "signée par {signers} ; attendu : {expected}",
    ),
    "detail.unsigned": ("not signed", "aucune signature"),
    "detail.checkpoint_signature": (
        "the signature by the trusted key {name} does not verify",
        "la signature de la clé de confiance {name} n'est pas valide",
    ),
    "detail.checkpoint_unsigned": (
        "it is not signed by the trusted key {name}",
        "il n'est pas signé par la clé de confiance {name}",
    ),
    "detail.signer_unknown": (
        "signed by {key}, whose key entry is not in the bundle",
        "signée par {key}, dont l'entrée de clé ne figure pas dans le dossier",
    ),
    "detail.signature_bad": (
        "the signature by {key} does not verify",
        "la signature de {key} n'est pas valide",
    ),
    "signature.bad": ("Entry {index} ({id}): {detail}", "Entrée {index} ({id}) : signature refusée : {detail}"),
    "identity.bad": (
        "Event {id}: handler {name} is not the identity registered with that key ({registered})",
        "Événement {id} : l'intervenant {name} n'est pas l'identité enregistrée avec cette clé ({registered})",
    ),
    "identity.unregistered": (
        "Event {id}: the key {key} of {name} is not registered before it",
        "Événement {id} : la clé {key} de {name} n'est pas enregistrée avant lui",
    ),
    "case.bad": (
        "Event {id} belongs to case {got}, not to {expected}",
        "L'événement {id} relève de l'affaire {got} et non de {expected}",
    ),
    "authority.ok": (
        "Actions that need a legal authority: {count}, each covered by one in force at the time",
        "Actes qui exigent une autorisation légale : {count}, chacun couvert par une autorisation en vigueur à sa date",
    ),
    "authority.missing": (
        "Event {id} relies on unknown authority {authority} (not recorded before it)",
        "L'événement {id} invoque l'autorisation {authority}, inconnue (elle n'est pas enregistrée avant lui)",
    ),
    "authority.cover": (
        "Event {id} ({action}) is not covered by a valid legal authority: {detail}",
        "L'événement {id} ({action}) n'est couvert par aucune autorisation légale valide : {detail}",
    ),
    "order.ok": (
        "[[count|The event is in a consistent time order|The {count} events are in a consistent time order, "
        "each linked to the previous one on the same item]]",
        "[[count|L'événement est dans un ordre chronologique cohérent|Les {count} événements sont dans un ordre "
        "chronologique cohérent, chacun relié au précédent sur le même élément]]",
    ),
    "order.key": (
        "{id} is signed by {signer} before that key was registered",
        "{id} est signé par {signer} avant l'enregistrement de cette clé",
    ),
    "order.recorded": (
        "Event {id} was recorded ({recorded}) before it took place ({occurred}), by more than the "
        "{skew} minutes allowed for clocks that differ",
        "L'événement {id} a été enregistré ({recorded}) avant d'avoir eu lieu ({occurred}), avec un "
        "écart supérieur aux {skew} minutes tolérées entre horloges",
    ),
    "order.ledger": (
        "Event {id} is recorded ({recorded}) earlier than the event before it ({previous}, {before})",
        "L'événement {id} est enregistré ({recorded}) avant l'événement qui le précède ({previous}, {before})",
    ),
    "order.signed": (
        "Transfer {id} was signed ({signed}) before {previous} was recorded ({before}), the previous event on its item",
        "Le transfert {id} a été signé ({signed}) avant l'enregistrement de {previous} ({before}), l'événement "
        "précédent sur son élément",
    ),
    "offer.pending": (
        "Event {id}: {artefact} is offered to {recipient} (event {offer}) and the handover is not complete; only the "
        "transfer that completes it, or a new offer, may follow",
        "Événement {id} : {artefact} est proposé à la remise à {recipient} (événement {offer}) et la remise n'est "
        "pas achevée ; seul le transfert qui l'achève, ou une nouvelle proposition, peut lui succéder",
    ),
    "order.artefact": (
        "Event {id} ({action}, {occurred}) takes place before {previous} ({before}), the previous event on {artefact}",
        "L'événement {id} ({action}, {occurred}) a lieu avant {previous} ({before}), l'événement "
        "précédent sur {artefact}",
    ),
    "chain.links": (
        "Event {id} names previous events {got}, expected {expected} (an event about this item was "
        "removed, reordered or is missing)",
        "L'événement {id} désigne comme événements précédents {got} au lieu de {expected} (un événement "
        "sur cet élément a été supprimé, déplacé ou manque)",
    ),
    "chain.prev": (
        "Event {id} does not name {previous}, the previous event on {artefact}",
        "L'événement {id} ne mentionne pas {previous}, l'événement précédent sur {artefact}",
    ),
    "chain.missing": (
        "Event {id} follows event {missing}, which is missing from the bundle",
        "L'événement {id} fait suite à l'événement {missing}, absent du dossier",
    ),
    "chain.source": (
        "Event {id} (derived data) names {source} as its source, but no earlier event concerns that item",
        "L'événement {id} (données extraites) désigne {source} comme source, alors qu'aucun événement antérieur ne "
        "concerne cet élément",
    ),
    "selection.extra": (
        "Event {id} concerns none of the selected items",
        "L'événement {id} ne concerne aucun des éléments demandés",
    ),
    "selection.missing": (
        "No event concerns the selected item {artefact}",
        "Aucun événement ne concerne l'élément demandé {artefact}",
    ),
    "digests.bad": (
        "Event {id} gives item {artefact} other digests than the events before it",
        "L'événement {id} donne à l'élément {artefact} d'autres empreintes que les événements précédents",
    ),
    "file.ok": (
        "File {path} matches item {artefact} ({algorithms})",
        "Le fichier {path} correspond à l'élément {artefact} ({algorithms})",
    ),
    "file.bad": (
        "File {path} matches no item of the bundle (its SHA-256 is {sha256})",
        "Le fichier {path} ne correspond à aucun élément du dossier (son SHA-256 est {sha256})",
    ),
    **AUTHORITY_FINDINGS,
    "trust.missing": (
        "No trusted key was given for ledger {origin}: give its public key with one more --trust",
        "Aucune clé de confiance n'a été fournie pour le registre {origin} : fournir sa clé publique par un "
        "--trust supplémentaire",
    ),
    "handover.ok": (
        "Border crossed: event {id} received on {at} what event {offer} of ledger {origin} offered",
        "Passage de la frontière : l'événement {id} a reçu le {at} ce que l'événement {offer} du registre "
        "{origin} avait proposé à la remise",
    ),
    "handover.missing": (
        "Event {id} was received from ledger {origin} (state of {size} entries), whose history the bundle lacks",
        "L'événement {id} a été reçu du registre {origin} (état de {size} entrées), dont le dossier ne contient "
        "pas l'historique",
    ),
    "handover.bad": (
        "Event {id} received from ledger {origin} does not match the offer: {detail}",
        "L'événement {id} reçu du registre {origin} ne correspond pas à la remise : {detail}",
    ),
    "link.ok": (
        "The linked history of ledger {origin} ([[events|1 event|{events} events]]) verifies with that ledger's "
        "trusted key",
        "L'historique lié du registre {origin} ([[events|{events} événement|{events} événements]]) est vérifié "
        "avec la clé de confiance de ce registre",
    ),
    "link.bad": (
        "The linked history of ledger {origin} does not verify: {detail}",
        "L'historique lié du registre {origin} n'est pas vérifié : {detail}",
    ),
    "link.unused": (
        "The linked history of ledger {origin} is named by no received event of the bundle",
        "L'historique lié du registre {origin} n'est rattaché à aucun événement de réception du dossier",
    ),
    **WITNESS_FINDINGS,
}

REFUSAL: Mapping[str, Pair] = {
    "refused": ("event refused ({action}): {reasons}", "événement refusé ({action}) : {reasons}"),
    "late": (
        "if it is written up late on purpose, record why with {how}",
        "s'il est consigné tardivement à dessein, en indiquer le motif avec {how}",
    ),
}
"""Why the ledger refuses to record an event: ``refused`` joins the findings, ``late`` tells how to justify an event
written up after a later one."""


def finding(code: str, params: Mapping[str, str], lang: str, zone: str | None = None) -> str:
    """One verification finding as a sentence in ``lang``; with ``zone``, its times (stored UTC instants) are shown
    in that zone with their offset, as every other time of the output that states it."""
    values = {name: shown_stored(value, zone) for name, value in params.items()}
    pair = FINDINGS.get(code)
    if pair is None:
        return f"{code}: {', '.join(f'{k}={v}' for k, v in sorted(values.items()))}"
    for name, (table, joiner) in PARAMETER_WORDS.items():
        if name not in values:
            continue
        if joiner is None:
            values[name] = vocabulary(table, values[name], lang)
        else:
            values[name] = pick(joiner, lang).join(vocabulary(table, value, lang) for value in values[name].split(","))
    if "days" in values and lang == "fr":
        values["days"] = values["days"].replace(".", ",")
    return Stated(with_forms(pick(pair, lang), params, lang).format_map(values))


_OR: Pair = (" or ", " ou ")

PARAMETER_WORDS: Mapping[str, tuple[Mapping[str, Pair], Pair | None]] = {
    "action": (ACTIONS, None),
    "instrument": (INSTRUMENTS, None),
    "base": (INSTRUMENTS, None),
    "field": (FIELDS, None),
    "change": (CHANGES, None),
    "categories": (CATEGORIES, (", ", ", ")),
    "type": (AUTHORITY_TYPES, _OR),
    "who": (AUTHORITY_TYPES, _OR),
    "kind": (ENTRY_KINDS, None),
}
"""Parameters whose values are words of a vocabulary, translated into the language of the finding: one word, or a
comma-separated list joined with the pair's separator (the report page's script translates them from this table)."""
