"""Messages of the commands that record entries (``custody record``, ``custody authority add``) in English and
French: what a person typed wrong, named by the option they typed. Each entry is ``(English, French)``."""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.words import Pair

RECORDING_MESSAGES: Mapping[str, Pair] = {
    "authority.option": ("{option}: {detail}", "{option} : {detail}"),
    "authority.country": (
        "{option} {value}: not an ISO 3166-1 alpha-2 country code (such as MA, FR, SN)",
        "{option} {value} : ce n'est pas un code de pays ISO 3166-1 alpha-2 (tel que MA, FR, SN)",
    ),
    "authority.ident": (
        "{option} {value}: use only letters, digits and the signs . _ : / - (no spaces)",
        "{option} {value} : n'utilisez que des lettres, des chiffres et les signes . _ : / - (sans espace)",
    ),
    "authority.window": (
        "--valid-from is after --valid-until: the authority would never be valid",
        "--valid-from est postérieur à --valid-until : l'autorisation ne serait jamais valable",
    ),
    "authority.data_window": (
        "--data-from is after --data-until: the period of the data is empty",
        "--data-from est postérieur à --data-until : la période des données est vide",
    ),
    "authority.categories": (
        "{option} {value}: unknown data category (known: {known})",
        "{option} {value} : catégorie de données inconnue (connues : {known})",
    ),
    "derived.action": (
        "--derived-from names the source of derived data: use it with --action derived",
        "--derived-from désigne la source de données extraites : à utiliser avec --action derived",
    ),
    "derived.no_event": (
        "--derived-from {ref}: the ledger holds no event with this id (give an event id, an image, an acquisition "
        "record or sha256:<hex>)",
        "--derived-from {ref} : le registre ne contient aucun événement portant cet identifiant (indiquez un "
        "identifiant d'événement, une image, un procès-verbal d'acquisition ou sha256:<hex>)",
    ),
    "derived.self": (
        "--derived-from {source}: an item cannot be derived from itself (it is also given with --artefact)",
        "--derived-from {source} : un élément ne peut pas être extrait de lui-même (il figure aussi dans --artefact)",
    ),
}
