"""Messages and findings of witnesses, cosignatures, rollback and equivocation checks, in English and French.

Part of the one catalogue: ``custody.i18n.messages.MESSAGES`` and ``custody.i18n.findings.FINDINGS`` include these.
"""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.words import Pair

WITNESS_MESSAGES: Mapping[str, Pair] = {
    "witness.exists": (
        "{subject}: already exists; a witness state is never overwritten",
        "{subject} : existe déjà ; un état de témoin n'est jamais écrasé",
    ),
    "witness.state_bad": (
        "{subject}: not a readable witness state: {detail}",
        "{subject} : état de témoin illisible : {detail}",
    ),
    "witness.created": (
        "created witness state {subject}; witness key {vkey}",
        "état de témoin {subject} créé ; clé du témoin {vkey}",
    ),
    "witness.trusting": (
        "{subject}: the witness trusts {count} ledger keys",
        "{subject} : le témoin fait confiance à {count} clés de registre",
    ),
    "witness.no_trust": (
        "{subject}: the witness trusts no ledger key: give --trust LEDGER_PUBKEY",
        "{subject} : le témoin ne fait confiance à aucune clé de registre : indiquez --trust CLE_PUBLIQUE_REGISTRE",
    ),
    "witness.wrong_key": (
        "{key}: not the key of this witness state ({vkey})",
        "{key} : ce n'est pas la clé de cet état de témoin ({vkey})",
    ),
    "witness.untrusted": (
        "refused: the checkpoint of {origin} is not signed by a ledger key the witness trusts: {detail}",
        "refusé : le point de contrôle de {origin} n'est pas signé par une clé de registre à laquelle le témoin "
        "fait confiance : {detail}",
    ),
    "witness.smaller": (
        "refused: the checkpoint of {origin} has {size} entries (root {root}), fewer than the {old_size} "
        "(root {old_root}) the witness last cosigned",
        "refusé : le point de contrôle de {origin} compte {size} entrées (racine {root}), moins que les "
        "{old_size} (racine {old_root}) que le témoin a cosignées en dernier",
    ),
    "witness.equivocation": (
        "refused: equivocation: two checkpoints of {origin} with {size} entries and different roots\n"
        "cosigned before:\n{old_note}now:\n{note}",
        "refusé : équivocation : deux points de contrôle de {origin} de {size} entrées avec des racines "
        "différentes\ncosigné auparavant :\n{old_note}présenté maintenant :\n{note}",
    ),
    "witness.proof_needed": (
        "refused: {origin} grows from {old_size} to {size} entries: give --proof FILE "
        "(scelle custody prove LEDGER --consistency-from {old_size})",
        "refusé : {origin} passe de {old_size} à {size} entrées : indiquez --proof FICHIER "
        "(scelle custody prove REGISTRE --consistency-from {old_size})",
    ),
    "witness.proof_sizes": (
        "refused: the consistency proof goes from {from_size} to {to_size} entries; the witness needs "
        "{old_size} to {size}",
        "refusé : la preuve de cohérence va de {from_size} à {to_size} entrées ; le témoin attend {old_size} à {size}",
    ),
    "witness.inconsistent": (
        "refused: the checkpoint of {origin} ({size} entries, root {root}) is not consistent with the one "
        "cosigned before ({old_size} entries, root {old_root}): {detail}",
        "refusé : le point de contrôle de {origin} ({size} entrées, racine {root}) n'est pas cohérent avec celui "
        "cosigné auparavant ({old_size} entrées, racine {old_root}) : {detail}",
    ),
    "witness.quorum_usage": (
        "--witness-quorum {quorum} needs at least {quorum} --witness keys (given: {count})",
        "--witness-quorum {quorum} exige au moins {quorum} clés --witness (indiquées : {count})",
    ),
    "proof.file_bad": (
        "{subject}: not a readable consistency proof: {detail}",
        "{subject} : preuve de cohérence illisible : {detail}",
    ),
    "prove.choose": (
        "give either --event ID or --consistency-from N",
        "indiquez soit --event ID, soit --consistency-from N",
    ),
    "cosign.attached": (
        "{subject}: {count} cosignatures attached to the checkpoint of {size} entries",
        "{subject} : {count} cosignatures jointes au point de contrôle de {size} entrées",
    ),
    "cosign.no_checkpoint": (
        "{subject}: no stored checkpoint of {size} entries",
        "{subject} : aucun point de contrôle de {size} entrées n'est enregistré",
    ),
    "cosign.size": (
        "{subject}: the cosigned note given is the checkpoint of {wanted} entries, not of {size}",
        "{subject} : la note cosignée indiquée est le point de contrôle de {wanted} entrées, et non de {size}",
    ),
    "cosign.no_witness": (
        "{subject}: give the key of each witness whose lines are attached (--witness VKEY): only lines that verify "
        "with one are stored",
        "{subject} : indiquez la clé de chaque témoin dont les lignes sont jointes (--witness VKEY) : seules les "
        "lignes valides avec l'une d'elles sont enregistrées",
    ),
    "cosign.unknown": (
        "{subject}: the cosignature by {name} is not by a witness key given with --witness; nothing was stored",
        "{subject} : la cosignature de {name} n'émane d'aucune clé de témoin indiquée par --witness ; rien n'a été "
        "enregistré",
    ),
    "cosign.not_witness": (
        "{subject}: the cosignature by {name} does not verify with the witness key given for it: {detail}",
        "{subject} : la cosignature de {name} n'est pas valide avec la clé de témoin indiquée : {detail}",
    ),
    "since.bundle": (
        "{subject}: --since applies to a ledger, not to a bundle",
        "{subject} : --since s'applique à un registre, pas à un dossier",
    ),
    "since.none": (
        "{subject}: holds no signed checkpoint",
        "{subject} : ne contient aucun point de contrôle signé",
    ),
    "since.bad": (
        "checkpoint seen earlier: {detail}",
        "point de contrôle vu auparavant : {detail}",
    ),
    "since.origin": (
        "no checkpoint seen earlier is of this ledger ({origin}); they are of: {origins}",
        "aucun point de contrôle vu auparavant ne concerne ce registre ({origin}) ; ils concernent : {origins}",
    ),
    "since.rollback": (
        "rollback: the ledger has {size} entries (root {root}), fewer than the {since_size} entries "
        "(root {since_root}) of a checkpoint seen earlier: it was cut back",
        "retour en arrière : le registre compte {size} entrées (racine {root}), moins que les {since_size} "
        "entrées (racine {since_root}) d'un point de contrôle vu auparavant : il a été tronqué",
    ),
    "since.rewritten": (
        "the first {since_size} entries of the ledger ({size} entries, root {root}) hash to {prefix_root}, not to "
        "the root {since_root} of a checkpoint seen earlier: history rewritten",
        "les {since_size} premières entrées du registre ({size} entrées, racine {root}) donnent la racine "
        "{prefix_root}, et non la racine {since_root} d'un point de contrôle vu auparavant : historique réécrit",
    ),
    "since.equivocation": (
        "equivocation: two checkpoints of {origin}, both signed by its key, are not consistent "
        "(seen earlier: {since_size} entries, root {since_root}; in the ledger: {size} entries, root {root})\n"
        "seen earlier:\n{since_note}in the ledger:\n{note}",
        "équivocation : deux points de contrôle de {origin}, tous deux signés par sa clé, ne sont pas cohérents "
        "(vu auparavant : {since_size} entrées, racine {since_root} ; dans le registre : {size} entrées, "
        "racine {root})\nvu auparavant :\n{since_note}dans le registre :\n{note}",
    ),
    "since.twins": (
        "equivocation: two checkpoints of {origin} with {size} entries, both signed by its key, have different "
        "roots\nfirst:\n{note}second:\n{other}",
        "équivocation : deux points de contrôle de {origin} de {size} entrées, tous deux signés par sa clé, ont "
        "des racines différentes\npremier :\n{note}second :\n{other}",
    ),
    "witness.quorum": (
        "the latest checkpoint ({size} entries) has {count} valid cosignatures from trusted witnesses, "
        "{quorum} required; the largest witnessed state has {witnessed} entries",
        "le dernier point de contrôle ({size} entrées) porte {count} cosignatures valides de témoins de "
        "confiance, {quorum} requises ; le plus grand état attesté compte {witnessed} entrées",
    ),
    "witness.bad_cosignature": (
        "checkpoint {size}: the cosignature by the trusted witness {witness} does not verify",
        "point de contrôle {size} : la cosignature du témoin de confiance {witness} n'est pas valide",
    ),
}

WITNESS_FINDINGS: Mapping[str, Pair] = {
    "checkpoint.witnessed": (
        "The ledger state is cosigned by {count} trusted witnesses ({witnesses}); {quorum} required",
        "L'état du registre est cosigné par {count} témoins de confiance ({witnesses}) ; {quorum} requis",
    ),
    "checkpoint.quorum": (
        "The ledger state is cosigned by {count} trusted witnesses, {quorum} required",
        "L'état du registre est cosigné par {count} témoins de confiance, {quorum} requis",
    ),
    "checkpoint.cosignature_bad": (
        "The cosignature of the trusted witness {witness} on the ledger state does not verify",
        "La cosignature du témoin de confiance {witness} sur l'état du registre n'est pas valide",
    ),
}
