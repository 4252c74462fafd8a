"""Findings of the legal-authority rules (``custody.rules.authority`` and ``custody.rules.changes``) in English and
French, and the words their parameters are translated with: the fields an instrument requires and the kinds of
change to an authority. ``custody.i18n.findings`` merges them into the one catalogue of findings.

Parameters named ``instrument`` or ``base`` are instrument names, ``categories`` data categories, ``type`` and
``who`` kinds of issuing authority, ``field`` a field of an authority record, ``days`` a number of days: the
catalogue translates them (``custody.i18n.finding``)."""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.words import Pair

FIELDS: Mapping[str, Pair] = {
    "requested_state": ("the requested state", "l'indication de l'État requis"),
    "offence": ("a description of the offence", "la description de l'infraction"),
    "facts": ("a summary of the facts", "l'exposé des faits"),
    "necessity": (
        "a statement of necessity and proportionality",
        "la justification de la nécessité et de la proportionnalité",
    ),
    "mla_to_follow": (
        "notice of a mutual legal assistance request to follow",
        "l'annonce d'une demande d'entraide à venir",
    ),
    "addressee": ("the addressee", "l'indication du destinataire"),
    "consent_by": ("who consented", "l'identité de la personne qui a consenti"),
    "contact": ("a contact point", "les coordonnées d'un point de contact"),
    "emergency": ("a finding of emergency", "la constatation de l'urgence"),
    "issuing_authority_type": ("the kind of issuing authority", "la qualité de l'autorité d'émission"),
    "related": ("the reference of the earlier request", "la référence de la demande antérieure"),
    "scope.identifiers": (
        "the identifiers covered (accounts, devices, IP addresses)",
        "les identifiants visés (comptes, appareils, adresses IP)",
    ),
    "scope.custodian": ("the custodian or location of the data", "le détenteur ou la localisation des données"),
    "scope.categories": ("the data categories covered", "les catégories de données visées"),
}
"""The fields an instrument may require (``custody.rules.instruments``), as each language names what is missing."""

CHANGES: Mapping[str, Pair] = {
    "extend": ("extension", "prolongation"),
    "validate": ("validation", "validation"),
    "revoke": ("revocation", "révocation"),
}
"""The kinds of change to an authority (``custody.model.changes``)."""

CHANGE_LINES: Mapping[str, Pair] = {
    "extend": ("Extended until {until} by {by}, from {at}", "Prolongée jusqu'au {until} par {by}, à compter du {at}"),
    "validate": ("Validated by {by} on {at}", "Validée par {by} le {at}"),
    "revoke": ("Revoked by {by} from {at}", "Révoquée par {by} à compter du {at}"),
}
"""How a report states each change recorded to an authority."""

AUTHORITY_FINDINGS: Mapping[str, Pair] = {
    "ledger.entry": ("entry {seq} ({kind} {id}): {detail}", "entrée {seq} ({kind} {id}) : {detail}"),
    "ledger.text": ("{text}", "{text}"),
    "authority.unsigned": ("its entry is not validly signed", "son entrée n'est pas valablement signée"),
    "authority.record": (
        "authority {reference} ({instrument}): {detail}",
        "Autorisation {reference} ({instrument}) : {detail}",
    ),
    "authority.change": (
        "Change {id} ({change}) of authority {authority}: {detail}",
        "Modification {id} ({change}) de l'autorisation {authority} : {detail}",
    ),
    "instrument.required": (
        "{instrument} requires {field}",
        "{instrument} : il manque {field}",
    ),
    "instrument.option": (
        "{instrument} requires {field} (give {option})",
        "{instrument} : il manque {field} (à indiquer avec {option})",
    ),
    "instrument.categories": (
        "{instrument} does not reach {categories}",
        "{instrument} : ne s'étend pas à ces catégories de données : {categories}",
    ),
    "instrument.same_state": (
        "{instrument} is a request to another State, but both states are {state}",
        "{instrument} : il s'agit d'une demande adressée à un autre État, mais l'État requérant et l'État requis "
        "sont tous deux {state}",
    ),
    "instrument.before_issue": (
        "valid from before its issue date",
        "la validité commence avant la date d'émission",
    ),
    "instrument.not_yet": (
        "issued before {instrument} applies ({date})",
        "{instrument} : émise avant la date d'application de l'instrument ({date})",
    ),
    "instrument.window_short": (
        "validity window is {days} days; {instrument} requires at least {limit} days",
        "la durée de validité est de {days} jours ; {instrument} : au moins {limit} jours sont exigés",
    ),
    "instrument.window_long": (
        "validity window is {days} days; {instrument} allows at most {limit} days",
        "la durée de validité est de {days} jours ; {instrument} : {limit} jours au plus sont permis",
    ),
    "instrument.extension_long": (
        "extends validity by {days} days, more than the {limit} days {instrument} allows",
        "prolonge la validité de {days} jours, au-delà des {limit} jours permis ({instrument})",
    ),
    "instrument.extends_unknown": (
        "extends unknown authority {authority}",
        "prolonge une autorisation inconnue : {authority}",
    ),
    "instrument.not_extendable": (
        "{instrument} cannot be extended",
        "{instrument} : aucune prolongation n'est prévue",
    ),
    "instrument.extends_other": (
        "extends a {base}, not a {instrument}",
        "prolonge un acte d'une autre nature ({base}) que le sien ({instrument})",
    ),
    "instrument.extension_late": (
        "extension issued after {authority} lapsed",
        "prolongation émise après l'expiration de l'autorisation {authority}",
    ),
    "instrument.extensions_max": (
        "{instrument} may be extended {count} time(s) only",
        "{instrument} : nombre maximal de prolongations : {count}",
    ),
    "eu.wrong_validator": (
        "validated by a {type}; this order needs a {who}",
        "validée par une autorité qui n'a pas qualité pour le faire ({type}) ; cette injonction exige : {who}",
    ),
    "eu.validated_late": (
        "emergency order validated more than 48 hours after issue (Art. 4(5))",
        "injonction d'urgence validée plus de 48 heures après son émission (art. 4, § 5)",
    ),
    "eu.offence": (
        "traffic or content data need an offence punishable by at least 3 years or listed in Art. 5(4)(d)",
        "les données relatives au trafic ou de contenu exigent une infraction punie d'une peine d'au moins trois "
        "ans ou visée à l'art. 5, § 4, point d)",
    ),
    "cover.none": (
        "{action} needs a legal authority and none is given",
        "l'acte « {action} » exige une autorisation légale et aucune n'est indiquée",
    ),
    "cover.authority": (
        "{authority} ({reference}, {instrument}): {detail}",
        "{authority} ({instrument}, {reference}) : {detail}",
    ),
    "cover.window": (
        "not valid at {at} (valid {start} to {end})",
        "non valide le {at} (valide du {start} au {end})",
    ),
    "cover.revoked": (
        "revoked from {at} by {by} (decision {reference})",
        "révoquée à compter du {at} par {by} (décision {reference})",
    ),
    "cover.action": (
        "{instrument} does not permit {action}",
        "{instrument} : ne permet pas l'acte « {action} »",
    ),
    "cover.scope": (
        "scope does not include {categories}",
        "sa portée n'inclut pas ces catégories de données : {categories}",
    ),
    "cover.abroad": (
        "{instrument} does not permit handing the evidence to another State ({state})",
        "{instrument} : ne permet pas de remettre la preuve à un autre État ({state})",
    ),
    "cover.state": (
        "evidence goes to {state}, but the requesting State is {requesting}",
        "la preuve est remise à un intervenant de l'État {state}, alors que l'État requérant est {requesting}",
    ),
    "cover.unvalidated": (
        "not yet validated on {at}: this order needs validation by a {who}",
        "pas encore validée le {at} : cette injonction doit être validée par l'autorité judiciaire ({who})",
    ),
    "cover.emergency": (
        "emergency order not validated within 48 hours of issue (Art. 4(5))",
        "injonction d'urgence non validée dans les 48 heures suivant son émission (art. 4, § 5)",
    ),
    "change.unknown": (
        "changes unknown authority {authority} (not recorded before it)",
        "modifie l'autorisation {authority}, inconnue (elle n'est pas enregistrée auparavant)",
    ),
    "change.before_issue": (
        "takes effect on {at}, before the authority was issued ({issued})",
        "prend effet le {at}, avant l'émission de l'autorisation ({issued})",
    ),
    "change.future": (
        "takes effect on {at}, after it is recorded ({recorded}): record a change once it is decided",
        "prend effet le {at}, après son enregistrement ({recorded}) : une modification s'enregistre une fois décidée",
    ),
    "change.revoked": (
        "the authority is revoked from {at}",
        "l'autorisation est révoquée à compter du {at}",
    ),
    "change.lapsed": (
        "extension decided on {at}, after the authority lapsed ({end})",
        "prolongation décidée le {at}, après l'expiration de l'autorisation ({end})",
    ),
    "change.not_later": (
        "the new end of validity {end} is not after the current one ({current})",
        "la nouvelle fin de validité ({end}) n'est pas postérieure à l'actuelle ({current})",
    ),
    "change.no_validation": (
        "{instrument} issued by this authority needs no validation",
        "{instrument} : émise par cette autorité, elle n'a pas à être validée",
    ),
    "change.validated_twice": (
        "already validated on {at}",
        "déjà validée le {at}",
    ),
    "refused.authority": (
        "authority {reference} ({instrument}) refused: {detail}",
        "autorisation {reference} ({instrument}) refusée : {detail}",
    ),
    "refused.extend": (
        "extension of authority {reference} refused: {detail}",
        "prolongation de l'autorisation {reference} refusée : {detail}",
    ),
    "refused.validate": (
        "validation of authority {reference} refused: {detail}",
        "validation de l'autorisation {reference} refusée : {detail}",
    ),
    "refused.revoke": (
        "revocation of authority {reference} refused: {detail}",
        "révocation de l'autorisation {reference} refusée : {detail}",
    ),
}
"""Findings of the authority rules, by message code (``custody.rules.breach.Breach``)."""
