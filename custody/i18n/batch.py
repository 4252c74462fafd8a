"""The words of ``scelle batch``'s summary table and lines, in English and French. Each entry is (English, French)."""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.words import Pair

BATCH_WORDS: Mapping[str, Pair] = {
    "batch.status.match": ("verified", "vérifiée"),
    "batch.status.mismatch": ("MISMATCH", "NON CONFORME"),
    "batch.status.hashed": ("hashed", "empreintes calculées"),
    "batch.status.error": ("NOT READ", "NON LUE"),
    "batch.worker": ("worker {host} pid {pid}", "nœud {host} pid {pid}"),
    "batch.cluster": (
        "batch: {count} [[count|image|images]], Dask scheduler {address} with {workers} [[workers|worker|workers]]",
        "lot : {count} [[count|image|images]], ordonnanceur Dask {address} avec {workers} [[workers|nœud|nœuds]] de "
        "calcul",
    ),
    "batch.summary.verify": (
        "{total} [[total|image|images]]: {ok} verified, {mismatch} mismatched, {error} could not be verified",
        "{total} [[total|image|images]] : {ok} [[ok|vérifiée|vérifiées]], {mismatch} [[mismatch|non conforme|non "
        "conformes]], {error} [[error|impossible|impossibles]] à vérifier",
    ),
    "batch.summary.hash": (
        "{total} [[total|image|images]]: {ok} hashed, {error} could not be read",
        "{total} [[total|image|images]] : {ok} [[ok|avec ses empreintes|avec leurs empreintes]], {error} "
        "[[error|illisible|illisibles]]",
    ),
    "batch.summary.retried": (
        "{count} [[count|image|images]] given to another worker after [[count|its own|theirs]] was lost",
        "{count} [[count|image confiée|images confiées]] à un autre nœud de calcul après la perte du "
        "[[count|sien|leur]]",
    ),
    "batch.custody.recorded": (
        "custody: {count} verified [[count|event|events]] recorded in {ledger}",
        "chaîne de conservation : {count} [[count|événement « vérifié » enregistré|événements « vérifié » "
        "enregistrés]] dans {ledger}",
    ),
    "batch.custody.failed": (
        "custody: nothing recorded for {image}: {reason}",
        "chaîne de conservation : rien n'a été enregistré pour {image} : {reason}",
    ),
}
