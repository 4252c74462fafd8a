"""What the custody commands print for a person about keys and ledger entries (`key show`, `show`, an offer
written), and their own refusals and prompts, in English and French.

Identifiers (entry ids, fingerprints, verifier keys, digests) and what was recorded as free text (names, places)
are shown as they are; the kinds of entries, actions, instruments, changes and roles in the vocabularies of
``custody.i18n.words``.
"""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.words import Pair

SHOW_MESSAGES: Mapping[str, Pair] = {
    "key.identity": ("{name} ({role}, {organisation}, {country})", "{name} ({role}, {organisation}, pays : {country})"),
    "key.fingerprint": ("fingerprint: {value}", "empreinte : {value}"),
    "key.vkey": ("vkey: {value}", "clé de vérification : {value}"),
    "key.exists": (
        "{path}: already exists; a key file is never overwritten",
        "{path} : existe déjà ; un fichier de clé n'est jamais écrasé",
    ),
    "key.missing": ("{path}: no such key file", "{path} : fichier de clé introuvable"),
    "key.wrong_passphrase": (
        "{path}: wrong passphrase, or the private key is damaged",
        "{path} : phrase secrète erronée, ou clé privée endommagée",
    ),
    "key.unreadable": (
        "{path}: cannot read key file: {reason}",
        "{path} : lecture du fichier de clé impossible : {reason}",
    ),
    "key.not_text": (
        "{path}: cannot read key file: not UTF-8 text",
        "{path} : lecture du fichier de clé impossible : ce n'est pas du texte UTF-8",
    ),
    "country.unknown": (
        "unknown country code {value}: expected an ISO 3166-1 alpha-2 code such as MA, FR, SN",
        "code de pays inconnu : {value} : un code ISO 3166-1 alpha-2 est attendu, par exemple MA, FR, SN",
    ),
    "authority.none": (
        "{path}: no authority with id or reference {ref}",
        "{path} : aucune autorisation d'identifiant ou de référence {ref}",
    ),
    "authority.several": (
        "{path}: {count} authorities with id or reference {ref}",
        "{path} : {count} autorisations ont l'identifiant ou la référence {ref}",
    ),
    "offer.unreadable": (
        "{path}: cannot read the offer: {reason}",
        "{path} : lecture de l'offre impossible : {reason}",
    ),
    "receipt.unreadable": (
        "{path}: cannot read the receipt: {reason}",
        "{path} : lecture de l'accusé de réception impossible : {reason}",
    ),
    "offer.unwritable": (
        "{path}: cannot write the offer: {reason}",
        "{path} : écriture de l'offre impossible : {reason}",
    ),
    "receipt.unwritable": (
        "{path}: cannot write the receipt: {reason}",
        "{path} : écriture de l'accusé de réception impossible : {reason}",
    ),
    "artefact.missing": (
        "{path}: no such file (give a file, an acquisition record or sha256:<hex>)",
        "{path} : fichier introuvable (indiquez un fichier, un procès-verbal d'acquisition ou sha256:<hex>)",
    ),
    "key.uncreatable": ("{path}: cannot create: {reason}", "{path} : création impossible : {reason}"),
    "key.empty_refused": (
        "an empty passphrase is not allowed: the key would be stored unprotected",
        "une phrase secrète vide n'est pas admise : la clé serait conservée sans protection",
    ),
    "key.not_json": (
        "{path}: not a scelle key file (not JSON)",
        "{path} : ce n'est pas un fichier de clé scelle (pas du JSON)",
    ),
    "key.not_scelle": (
        "{path}: not a scelle key file (expected format {formats})",
        "{path} : ce n'est pas un fichier de clé scelle (format attendu : {formats})",
    ),
    "key.identity_edited": (
        "{path}: the identity in the key file is not the one the key signed (edited?)",
        "{path} : l'identité inscrite dans le fichier de clé n'est pas celle que la clé a signée (modifiée ?)",
    ),
    "key.identity_unsigned": (
        "{path}: the key file has no identity signature",
        "{path} : le fichier de clé ne porte pas de signature de l'identité",
    ),
    "key.mismatch": (
        "{path}: the private key does not match the public key in the file",
        "{path} : la clé privée ne correspond pas à la clé publique du fichier",
    ),
    "ledger.exists": (
        "{path}: already exists; a ledger is never overwritten",
        "{path} : existe déjà ; un registre n'est jamais écrasé",
    ),
    "ledger.uncreatable": (
        "{path}: cannot create ledger: {reason}",
        "{path} : création du registre impossible : {reason}",
    ),
    "ledger.not_sqlite": (
        "{path}: not a readable SQLite file: {reason}",
        "{path} : ce n'est pas un fichier SQLite lisible : {reason}",
    ),
    "ledger.not_scelle": ("{path}: not a scelle ledger", "{path} : ce n'est pas un registre scelle"),
    "ledger.locked": (
        "{path}: cannot lock the ledger for writing: {reason}",
        "{path} : impossible de verrouiller le registre en écriture : {reason}",
    ),
    "ledger.wrong_key": (
        "{path}: the key given is not this ledger's key ({fingerprint})",
        "{path} : la clé indiquée n'est pas celle de ce registre ({fingerprint})",
    ),
    "ledger.no_event": ("{path}: no event {id}", "{path} : aucun événement {id}"),
    "bundle.unreadable": (
        "{path}: cannot read the bundle: {reason}",
        "{path} : lecture du dossier impossible : {reason}",
    ),
    "ledger.missing": ("{path}: no such ledger file", "{path} : fichier de registre introuvable"),
    "ledger.no_entry": ("{path}: no entry {id}", "{path} : aucune entrée {id}"),
    "key.public_needs_out": ("--public needs --out PUBFILE", "--public exige --out FICHIER_PUBLIC"),
    "key.prompt": ("Passphrase for {label}", "Phrase secrète de {label}"),
    "key.prompt.repeat": ("Repeat for confirmation", "Confirmez en la saisissant de nouveau"),
    "key.prompt.mismatch": (
        "{label}: the two passphrases typed differ; nothing was written",
        "{label} : les deux phrases secrètes saisies diffèrent ; rien n'a été écrit",
    ),
    "key.prompt.new": ("Passphrase for new key {label}", "Phrase secrète de la nouvelle clé {label}"),
    "key.no_terminal": (
        "{label}: no terminal to ask its passphrase: set {env}",
        "{label} : aucun terminal pour demander sa phrase secrète : définissez {env}",
    ),
    "key.empty": ("empty passphrase for {label}", "phrase secrète vide pour {label}"),
    "ledger.key_unknown": (
        "{path}: give --ledger-key (the ledger does not say where its key is)",
        "{path} : indiquez --ledger-key (le registre ne dit pas où se trouve sa clé)",
    ),
    "show.ledger": (
        "ledger {origin} for case {case}, created {at}",
        "registre {origin} de l'affaire {case}, créé le {at}",
    ),
    "show.key": ("key of {who}", "clé de l'intervenant {who}"),
    "show.authority": (
        "{instrument} {reference} by {authority} ({state}), valid {start} to {end}",
        "{instrument} {reference}, émanant de {authority} ({state}), valable du {start} au {end}",
    ),
    "show.change": (
        "{change} {authority}{until} from {at} by {by}",
        "{change} de {authority}{until} à compter du {at}, décidée par {by}",
    ),
    "show.until": (" until {at}", " jusqu'au {at}"),
    "show.event": (
        "{at} [{tz}] {action} {what}{details} by {who}",
        "{at} [{tz}] {action} : {what}{details}, par {who}",
    ),
    "show.from": (" from {ids}", " issu de {ids}"),
    "show.seal": (" seal {seal}", " scellé n° {seal}"),
    "show.at": (" at {location}", " à {location}"),
    "show.under": (" under {ids}", " en vertu de : {ids}"),
    "offer.written": (
        "offer written to {out} (transfer {transfer}); the receiver runs `scelle custody accept` on this ledger, "
        "or `scelle custody receive` on their own",
        "offre écrite dans {out} (remise {transfer}) ; le destinataire exécute `scelle custody accept` sur ce "
        "registre, ou `scelle custody receive` sur le sien",
    ),
    "handover.exists": (
        "{path}: already exists; a handover file is never overwritten",
        "{path} : existe déjà ; un fichier de remise n'est jamais écrasé",
    ),
    "output.exists": (
        "{path}: already exists; an output is never overwritten",
        "{path} : existe déjà ; une sortie n'est jamais écrasée",
    ),
    "file.unreadable": ("{path}: {reason}", "{path} : {reason}"),
    "file.not_utf8": ("{path}: not UTF-8 text", "{path} : ce n'est pas du texte UTF-8"),
    "witness.key_unknown": (
        "{path}: give --key (the state does not say where the witness key is)",
        "{path} : indiquez --key (l'état ne dit pas où se trouve la clé du témoin)",
    ),
    "hashset.indexed": (
        "{target}: {name} ({kind}): {counts}; source sha256 {sha256}",
        "{target} : {name} ({kind}) : {counts} ; empreinte sha256 de la source : {sha256}",
    ),
}
