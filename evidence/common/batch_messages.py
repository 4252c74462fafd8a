"""The messages of batch verification over an evidence store (``evidence.batch``), in English and French.

Part of the evidence catalogue (``evidence.common.messages``), kept in its own module by concept.
"""

from __future__ import annotations

from collections.abc import Mapping

BATCH_MESSAGES: Mapping[str, tuple[str, str]] = {
    "batch.no_store": (
        "{path}: no such evidence store (give a folder of images, or a manifest listing one image per line)",
        "{path} : dossier de preuves introuvable (indiquez un dossier d'images, ou un manifeste qui liste une "
        "image par ligne)",
    ),
    "batch.manifest_unreadable": (
        "{path}: cannot read the manifest: {reason}",
        "{path} : lecture du manifeste impossible : {reason}",
    ),
    "batch.empty": (
        "{path}: no image in this store (raw, split raw, E01 or an image with its acquisition record)",
        "{path} : aucune image dans ce dossier (image brute, image brute segmentée, E01 ou image accompagnée de "
        "son procès-verbal d'acquisition)",
    ),
    "batch.no_dask": (
        "batch commands need dask.distributed, which is not installed: pip install 'scelle[batch]'",
        "les commandes batch nécessitent dask.distributed, qui n'est pas installé : pip install 'scelle[batch]'",
    ),
    "batch.scheduler": (
        "{address}: cannot reach the Dask scheduler: {reason}",
        "{address} : impossible de joindre l'ordonnanceur Dask : {reason}",
    ),
    "batch.no_workers": (
        "{address}: the Dask cluster has no worker to read the images",
        "{address} : la grappe Dask n'a aucun nœud de calcul pour lire les images",
    ),
    "batch.retried": (
        "the worker reading this image was lost ({lost} time(s)); the image was read again from the start by "
        "another worker",
        "le nœud de calcul qui lisait cette image a été perdu ({lost} fois) ; l'image a été relue depuis le début "
        "par un autre nœud",
    ),
    "batch.given_up": (
        "the worker reading this image was lost {lost} times; Dask gave the image up: {reason}",
        "le nœud de calcul qui lisait cette image a été perdu {lost} fois ; Dask a abandonné l'image : {reason}",
    ),
    "batch.task_failed": (
        "the worker failed on this image: {reason}",
        "le nœud de calcul a échoué sur cette image : {reason}",
    ),
    "batch.report_exists": (
        "{path}: the report already exists; a batch never overwrites a file: name a new one",
        "{path} : le rapport existe déjà ; un traitement par lot n'écrase jamais un fichier : indiquez-en un nouveau",
    ),
}
