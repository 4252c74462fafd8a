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
        "batch: {count} images, Dask scheduler {address} with {workers} worker(s)",
        "lot : {count} images, ordonnanceur Dask {address} avec {workers} nœud(s) de calcul",
    ),
    "batch.summary.verify": (
        "{total} images: {ok} verified, {mismatch} mismatched, {error} could not be verified",
        "{total} images : {ok} vérifiées, {mismatch} non conformes, {error} impossibles à vérifier",
    ),
    "batch.summary.hash": (
        "{total} images: {ok} hashed, {error} could not be read",
        "{total} images : {ok} avec leurs empreintes, {error} illisibles",
    ),
    "batch.summary.retried": (
        "{count} image(s) given to another worker after theirs was lost",
        "{count} image(s) confiée(s) à un autre nœud de calcul après la perte du leur",
    ),
    "batch.custody.recorded": (
        "custody: {count} verified event(s) recorded in {ledger}",
        "chaîne de conservation : {count} événement(s) « vérifié » enregistré(s) dans {ledger}",
    ),
    "batch.custody.failed": (
        "custody: nothing recorded for {image}: {reason}",
        "chaîne de conservation : rien n'a été enregistré pour {image} : {reason}",
    ),
}
