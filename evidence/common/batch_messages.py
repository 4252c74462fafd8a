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
        "the worker holding this image was lost before its result came back ({lost} time(s)); the image was "
        "given to another worker, which read it from the start",
        "le nœud de calcul chargé de cette image a été perdu avant d'en rendre le résultat ({lost} fois) ; "
        "l'image a été confiée à un autre nœud, qui l'a relue depuis le début",
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
    "batch.workers_with_scheduler": (
        "--workers sizes the local cluster; a lab's cluster (--scheduler) has the workers its administrator started",
        "--workers fixe la taille de la grappe locale ; la grappe d'un laboratoire (--scheduler) a les nœuds de "
        "calcul que son administrateur a lancés",
    ),
}
