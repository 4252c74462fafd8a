"""The messages of the virtual disk readers (QCOW2, VMDK, VHD, VHDX), in English and French, in one catalogue.

Each entry is ``(English, French)``; parameters are file names, numbers and names taken from the container, never
sentences, so both lines read whole in their own language. ``evidence.sources.vdisk.ContainerError`` carries a code
from here and renders it in either language.
"""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: Mapping[str, tuple[str, str]] = {
    "truncated": (
        "{path}: truncated {format} image: {length} bytes needed at offset {offset} lie past the end of the file",
        "{path} : image {format} tronquée : {length} octets attendus à la position {offset} sont au-delà de la fin "
        "du fichier",
    ),
    "empty": (
        "{path}: {format} image with an empty media (0 bytes)",
        "{path} : image {format} dont le support est vide (0 octet)",
    ),
    "compressed": (
        "{path}: corrupt {format} image: the compressed data at offset {offset} does not inflate to one whole block",
        "{path} : image {format} corrompue : les données compressées à la position {offset} ne se décompressent pas "
        "en un bloc entier",
    ),
    "segments": (
        "{path}: the files given are not those of this virtual disk; give its first file alone (its files: {files})",
        "{path} : les fichiers indiqués ne sont pas ceux de ce disque virtuel ; indiquez son premier fichier seul "
        "(ses fichiers : {files})",
    ),
    "parent.loop": (
        "{path}: the chain of parent (backing) images loops: {again} appears twice",
        "{path} : la chaîne d'images parentes (de base) boucle : {again} y figure deux fois",
    ),
    "parent.deep": (
        "{path}: the chain of parent (backing) images is longer than {limit} images",
        "{path} : la chaîne d'images parentes (de base) compte plus de {limit} images",
    ),
    "parent.name": (
        "{path}: the name of its parent (backing) image is empty or malformed",
        "{path} : le nom de son image parente (de base) est vide ou mal formé",
    ),
    "parent.absolute": (
        "{path}: its parent (backing) image is named by an absolute path ({name}); scelle follows only names relative "
        "to the image's folder: copy the parent beside it under its file name, or allow absolute parent paths",
        "{path} : son image parente (de base) est désignée par un chemin absolu ({name}) ; scelle ne suit que les "
        "noms relatifs au dossier de l'image : copiez l'image parente à côté sous son nom de fichier, ou autorisez "
        "les chemins absolus",
    ),
    "parent.missing": (
        "{path}: its parent (backing) image {name} is not beside it",
        "{path} : son image parente (de base) {name} ne se trouve pas à côté",
    ),
    "qcow2.version": (
        "{path}: unsupported QCOW version {version} (scelle reads QCOW2 versions 2 and 3)",
        "{path} : version QCOW {version} non prise en charge (scelle lit les versions 2 et 3 de QCOW2)",
    ),
    "qcow2.cluster": (
        "{path}: corrupt QCOW2 header: cluster size of 2^{bits} bytes",
        "{path} : en-tête QCOW2 corrompu : taille de cluster de 2^{bits} octets",
    ),
    "qcow2.encrypted": (
        "{path}: encrypted QCOW2 image: scelle does not decrypt QCOW2",
        "{path} : image QCOW2 chiffrée : scelle ne déchiffre pas QCOW2",
    ),
    "qcow2.l1": (
        "{path}: corrupt QCOW2 header: an L1 table of {entries} entries does not fit the media size",
        "{path} : en-tête QCOW2 corrompu : une table L1 de {entries} entrées ne correspond pas à la taille du support",
    ),
    "qcow2.table": (
        "{path}: corrupt QCOW2 table: offset {offset} is not on a cluster boundary",
        "{path} : table QCOW2 corrompue : la position {offset} n'est pas alignée sur un cluster",
    ),
    "qcow2.backing": (
        "{path}: corrupt QCOW2 header: unreadable backing file name",
        "{path} : en-tête QCOW2 corrompu : nom de fichier de base illisible",
    ),
    "qcow2.feature": (
        "{path}: QCOW2 image with a feature scelle does not read: {feature}",
        "{path} : image QCOW2 utilisant une fonction que scelle ne lit pas : {feature}",
    ),
    "vhd.footer": (
        "{path}: corrupt VHD footer: {field}",
        "{path} : pied de page VHD corrompu : {field}",
    ),
    "vhd.header": (
        "{path}: corrupt VHD dynamic header: {field}",
        "{path} : en-tête dynamique VHD corrompu : {field}",
    ),
    "vhd.type": (
        "{path}: unsupported VHD disk type {kind}",
        "{path} : type de disque VHD {kind} non pris en charge",
    ),
    "vhd.block": (
        "{path}: corrupt VHD block table: block {block} at offset {offset} lies outside the file",
        "{path} : table des blocs VHD corrompue : le bloc {block} à la position {offset} est hors du fichier",
    ),
    "vhd.parent": (
        "{path}: differencing VHD without a usable parent locator",
        "{path} : VHD de différenciation sans localisateur de parent utilisable",
    ),
    "vmdk.descriptor": (
        "{path}: corrupt VMDK descriptor: {line}",
        "{path} : descripteur VMDK corrompu : {line}",
    ),
    "vmdk.extent": (
        "{path}: VMDK extent type {kind} is not supported (scelle reads SPARSE, FLAT and ZERO extents)",
        "{path} : type d'extent VMDK {kind} non pris en charge (scelle lit les extents SPARSE, FLAT et ZERO)",
    ),
    "vmdk.header": (
        "{path}: corrupt VMDK sparse header: {field}",
        "{path} : en-tête VMDK clairsemé corrompu : {field}",
    ),
    "vmdk.table": (
        "{path}: corrupt VMDK grain table: entry for grain {grain} points to sector {sector}, outside the file",
        "{path} : table de grains VMDK corrompue : l'entrée du grain {grain} pointe vers le secteur {sector}, hors "
        "du fichier",
    ),
    "vmdk.size": (
        "{path}: VMDK extents add up to {extents} sectors, the descriptor says {expected}",
        "{path} : les extents VMDK totalisent {extents} secteurs, le descripteur en annonce {expected}",
    ),
    "vmdk.cowd": (
        "{path}: {kind} VMDK (ESX snapshot format) is not supported",
        "{path} : VMDK {kind} (format d'instantané ESX) non pris en charge",
    ),
    "vhdx.binding": (
        "{path}: VHDX images need the libvhdi binding (pip install libvhdi-python), which is not installed",
        "{path} : les images VHDX nécessitent la liaison libvhdi (pip install libvhdi-python), qui n'est pas installée",
    ),
    "vhdx.open": (
        "{path}: not a readable VHDX image: {reason}",
        "{path} : image VHDX illisible : {reason}",
    ),
    "vhdx.read": (
        "{path}: cannot read VHDX media offset {offset}: {reason}",
        "{path} : impossible de lire le support VHDX à la position {offset} : {reason}",
    ),
}

_LANGUAGES = ("en", "fr")


def container_message(code: str, lang: str, params: Mapping[str, str]) -> str:
    """The message ``code`` in ``lang`` (``en`` or ``fr``; anything else gives English) with ``params`` filled in."""
    pair = MESSAGES[code]
    return pair[_LANGUAGES.index(lang) if lang in _LANGUAGES else 0].format_map(params)
