"""The words of ``scelle image info``'s text for a person, in English and French: labels, the volume table's
header, and the values that are our own words (media type, compression, virtual disk kinds).

Part of the evidence catalogue (``evidence.common.messages``). The JSON keeps the library's identifiers
(``removable``, ``ewf_format``): only the text a person reads is translated. What a lower layer names (TSK's
partition descriptions, a container's own strings such as ``monolithicSparse``) is shown as it gave it.
"""

from __future__ import annotations

from collections.abc import Mapping

INFO_MESSAGES: Mapping[str, tuple[str, str]] = {
    "info.format": ("format:", "format :"),
    "info.media_size": ("media size:", "taille du support :"),
    "info.size": ("{count} bytes", "{count} octets"),
    "info.size_units": ("{count} bytes ({size})", "{count} octets ({size})"),
    "info.sectors": ("{count} sectors of {size} bytes", "{count} secteurs de {size} octets"),
    "info.segments": ("segments:", "fichiers de l'image :"),
    "info.case_number": ("case number:", "numéro de dossier :"),
    "info.evidence_number": ("evidence number:", "numéro de scellé :"),
    "info.examiner": ("examiner:", "examinateur :"),
    "info.description": ("description:", "descriptif :"),
    "info.notes": ("notes:", "observations :"),
    "info.acquisition_date": ("acquisition date:", "date d'acquisition :"),
    "info.system_date": ("system date:", "date système :"),
    "info.acquired_with": ("acquired with:", "logiciel d'acquisition :"),
    "info.acquisition_os": ("acquisition OS:", "système d'exploitation :"),
    "info.model": ("model:", "modèle :"),
    "info.serial_number": ("serial number:", "numéro de série :"),
    "info.media_type": ("media type:", "type de support :"),
    "info.compression": ("compression:", "compression :"),
    "info.chunk_size": ("chunk size:", "taille des blocs :"),
    "info.stored": ("stored {name}:", "empreinte {name} conservée :"),
    "info.local_date": (
        "{value} (local time of the acquiring host; its zone is not recorded)",
        "{value} (heure locale de la machine d'acquisition ; son fuseau n'est pas consigné)",
    ),
    "info.volumes": ("volumes: {table}, {size}-byte sectors", "volumes : {table}, secteurs de {size} octets"),
    "info.volumes.none": ("volumes: no partition table", "volumes : aucune table de partitions"),
    "info.column.index": ("index", "rang"),
    "info.column.slot": ("slot", "entrée"),
    "info.column.start": ("start", "début"),
    "info.column.end": ("end", "fin"),
    "info.column.length": ("length", "longueur"),
    "info.column.description": ("description", "description (TSK)"),
    "info.column.filesystem": ("file system", "système de fichiers"),
    "info.whole_media": ("whole media (no partition table)", "support entier (aucune table de partitions)"),
    # container details (``ImageMetadata.extra``), by the key the library gives them
    "info.extra.ewf_format": ("ewf_format:", "format EWF :"),
    "info.extra.segment_count": ("segment_count:", "nombre de fichiers :"),
    "info.extra.vmdk_type": ("vmdk_type:", "type VMDK :"),
    "info.extra.extent_count": ("extent_count:", "nombre d'étendues :"),
    "info.extra.vhd_type": ("vhd_type:", "type VHD :"),
    "info.extra.vhdx_type": ("vhdx_type:", "type VHDX :"),
    "info.extra.creator": ("creator:", "créé par :"),
    "info.extra.block_size": ("block_size:", "taille de bloc :"),
    "info.extra.qcow2_version": ("qcow2_version:", "version QCOW2 :"),
    "info.extra.cluster_size": ("cluster_size:", "taille de grappe :"),
    "info.extra.backing_file": ("backing_file:", "fichier de base :"),
    "info.extra.encryption": ("encryption:", "chiffrement :"),
    "info.extra.luks_uuid": ("luks_uuid:", "UUID LUKS :"),
    "info.extra.luks_key_slot": ("luks_key_slot:", "emplacement de clé LUKS :"),
    "info.extra.device_label": ("device_label:", "étiquette du support :"),
    "info.extra.process_identifier": ("process_identifier:", "identifiant de processus :"),
    "info.extra.password": ("password:", "empreinte du mot de passe :"),
    # values that are our own words
    "info.value.fixed": ("fixed", "fixe"),
    "info.value.removable": ("removable", "amovible"),
    "info.value.optical": ("optical", "optique"),
    "info.value.memory": ("memory", "mémoire"),
    "info.value.logical": ("logical", "logique"),
    "info.value.unknown": ("unknown", "inconnu"),
    "info.value.none": ("none", "aucune"),
    "info.value.fast": ("fast", "rapide"),
    "info.value.best": ("best", "maximale"),
    "info.value.dynamic": ("dynamic", "dynamique"),
    "info.value.differencing": ("differencing", "différentiel"),
}
