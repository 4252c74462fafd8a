"""Messages of the commands that record entries (``custody record``, ``custody authority add``) in English and
French: what a person typed wrong, named by the option they typed. Each entry is ``(English, French)``."""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.words import Pair

RECORDING_MESSAGES: Mapping[str, Pair] = {
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
