"""What the custody commands say once they have written: the entry appended, the ledger created, the bundle written.

``appended`` ends every such line with the entry's id and place; the ``appended.*`` phrases say what was recorded.
"""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.words import Pair

APPENDED_MESSAGES: Mapping[str, Pair] = {
    "appended": (
        "{what} {id} (entry {index}, ledger size {size})",
        "{what} {id} (entrée {index}, taille du registre : {size})",
    ),
    "appended.event": ("recorded {action}", "enregistré : {action}"),
    "appended.transfer": ("recorded transfer", "remise enregistrée"),
    "appended.authority": ("recorded authority {reference} as", "autorisation {reference} enregistrée sous"),
    "appended.change": (
        "recorded {change} of authority {reference} as",
        "changement de l'autorisation {reference} ({change}) enregistré sous",
    ),
    "appended.accepted": ("accepted transfer", "remise acceptée"),
    "appended.received": (
        "offer verified; receipt written to {out}; recorded received",
        "remise vérifiée ; accusé de réception écrit dans {out} ; réception enregistrée",
    ),
    "appended.completed": ("completed transfer", "remise complétée"),
    "ledger.created": (
        "created {ledger} for case {case}; ledger key {vkey}",
        "registre {ledger} créé pour l'affaire {case} ; clé du registre {vkey}",
    ),
    "bundle.written": ("wrote {out} ({size} bytes, {entries})", "{out} écrit ({size} octets, {entries})"),
    "bundle.also_names": (
        "note: {out} also names artefact {key}: an event about it concerns a selected artefact too",
        "remarque : {out} désigne aussi l'élément {key} : un événement qui le concerne porte aussi sur un élément "
        "sélectionné",
    ),
}
