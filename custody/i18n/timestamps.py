"""The messages about RFC 3161 time-stamps (``scelle custody timestamp``, ``custody verify --tsa-cert``), in English
and French; part of ``messages.MESSAGES``. French: « horodatage », « autorité d'horodatage », « empreinte »."""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.words import Pair

TIMESTAMP_MESSAGES: Mapping[str, Pair] = {
    "tsa.one_source": (
        "give exactly one of --tsa URL, --reply FILE or --request-out FILE",
        "indiquez une seule des options --tsa URL, --reply FICHIER ou --request-out FICHIER",
    ),
    "tsa.url": (
        "{url}: a time-stamping authority's address must start with http:// or https://",
        "{url} : l'adresse d'une autorité d'horodatage doit commencer par http:// ou https://",
    ),
    "tsa.http": (
        "{url}: no time-stamp from the time-stamping authority: {detail}",
        "{url} : aucun horodatage reçu de l'autorité d'horodatage : {detail}",
    ),
    "tsa.no_checkpoint": (
        "{subject}: the ledger has no signed checkpoint to time-stamp",
        "{subject} : le registre n'a aucun point de contrôle signé à horodater",
    ),
    "tsa.bad_checkpoint": (
        "a stored checkpoint is not a signed note: {detail}",
        "un point de contrôle enregistré n'est pas une note signée : {detail}",
    ),
    "tsa.unreadable": (
        "not an RFC 3161 time-stamp reply: {detail}",
        "ce n'est pas une réponse d'horodatage RFC 3161 : {detail}",
    ),
    "tsa.not_granted": (
        "the time-stamping authority refused the request (PKIStatus {status})",
        "l'autorité d'horodatage a refusé la demande (PKIStatus {status})",
    ),
    "tsa.not_sha256": (
        "the time-stamp's message imprint is made with {algorithm}, not SHA-256",
        "l'empreinte horodatée est calculée avec {algorithm}, et non avec SHA-256",
    ),
    "tsa.nonce": (
        "the reply answers another request (nonce {got}, expected {expected})",
        "la réponse correspond à une autre demande (nonce {got}, attendu {expected})",
    ),
    "tsa.no_match": (
        "{subject}: the time-stamp covers sha256:{got}, which is none of this ledger's checkpoints",
        "{subject} : l'horodatage porte sur sha256:{got}, qui n'est aucun des points de contrôle de ce registre",
    ),
    "tsa.duplicate": (
        "{subject}: this time-stamp is already stored (checkpoint {size})",
        "{subject} : cet horodatage est déjà enregistré (point de contrôle {size})",
    ),
    "tsa.stored": (
        "{subject}: stored an RFC 3161 time-stamp over checkpoint {size}: time {time} according to {tsa} "
        "(not verified here: check it with custody verify --tsa-cert)",
        "{subject} : horodatage RFC 3161 du point de contrôle {size} enregistré : {time} selon {tsa} "
        "(non vérifié ici : contrôlez-le avec custody verify --tsa-cert)",
    ),
    "tsa.request_written": (
        "{subject}: wrote to {out} the time-stamp request for checkpoint {size} (SHA-256 of the checkpoint note); "
        "store the reply with --reply",
        "{subject} : demande d'horodatage du point de contrôle {size} (SHA-256 de la note du point de contrôle) "
        "écrite dans {out} ; enregistrez la réponse avec --reply",
    ),
    "tsa.cert_file": (
        "{path}: no PEM certificate could be read: {detail}",
        "{path} : aucun certificat PEM lisible : {detail}",
    ),
    "tsa.no_root": (
        "--tsa-cert: no self-signed root certificate given; a time-stamp is trusted through the root CA of its "
        "time-stamping authority",
        "--tsa-cert : aucun certificat racine autosigné fourni ; un horodatage n'est reconnu qu'à travers "
        "l'autorité de certification racine de son autorité d'horodatage",
    ),
    "tsa.other_imprint": (
        "the time-stamp covers sha256:{got}, not this checkpoint (sha256:{expected})",
        "l'horodatage porte sur sha256:{got}, et non sur ce point de contrôle (sha256:{expected})",
    ),
    "tsa.untrusted": (
        "the time-stamp does not verify against the trusted time-stamping certificates (--tsa-cert): {detail}",
        "l'horodatage ne se vérifie pas avec les certificats d'horodatage de confiance (--tsa-cert) : {detail}",
    ),
    "tsa.failed": (
        "time-stamp {index} (checkpoint {size}): {problem}",
        "horodatage {index} (point de contrôle {size}) : {problem}",
    ),
    "tsa.none_stored": (
        "--tsa-cert given, but the ledger holds no RFC 3161 time-stamp",
        "--tsa-cert indiqué, mais le registre ne contient aucun horodatage RFC 3161",
    ),
    "tsa.verified": (
        "checkpoint {size}: time-stamped {time} by {tsa} (RFC 3161, verified against --tsa-cert)",
        "point de contrôle {size} : horodaté le {time} par {tsa} (RFC 3161, vérifié avec --tsa-cert)",
    ),
    "tsa.unchecked.one": (
        "1 RFC 3161 time-stamp stored, NOT checked: give --tsa-cert to check it",
        "1 horodatage RFC 3161 enregistré, NON contrôlé : indiquez --tsa-cert pour le contrôler",
    ),
    "tsa.unchecked": (
        "{count} RFC 3161 time-stamps stored, NOT checked: give --tsa-cert to check them",
        "{count} horodatages RFC 3161 enregistrés, NON contrôlés : indiquez --tsa-cert pour les contrôler",
    ),
}

TIMESTAMP_FINDINGS: Mapping[str, Pair] = {
    "timestamp.ok": (
        "The signed ledger state existed at {time} according to the time-stamping authority {tsa} (RFC 3161 "
        "time-stamp, verified against the trusted TSA certificates)",
        "L'état signé du registre existait le {time} selon l'autorité d'horodatage {tsa} (horodatage RFC 3161, "
        "vérifié avec les certificats d'horodatage de confiance)",
    ),
    "timestamp.bad": (
        "RFC 3161 time-stamp {index} is not accepted: {detail}",
        "L'horodatage RFC 3161 n° {index} est refusé : {detail}",
    ),
    "timestamp.none": (
        "Trusted time-stamping certificates were given, but the bundle carries no RFC 3161 time-stamp of its "
        "ledger state",
        "Des certificats d'horodatage de confiance ont été fournis, mais le dossier ne contient aucun horodatage "
        "RFC 3161 de l'état du registre",
    ),
}
