"""The progress display's words in English and French: the operations the library reports, the status line.

Units, elapsed and remaining time are here too, so a French examiner reads ``Mio/s`` and ``restant`` on the bar and
in the status lines (``cli.progress``), as in the rest of the output. Part of the catalogue of
``evidence.common.messages``; each entry is ``(English, French)``.
"""

from __future__ import annotations

from collections.abc import Mapping

PROGRESS_MESSAGES: Mapping[str, tuple[str, str]] = {
    "progress.acquiring": ("acquiring {subject}", "acquisition de {subject}"),
    "progress.verifying": ("verifying {subject}", "vérification de {subject}"),
    "progress.rereading": ("re-reading source {subject}", "relecture de la source {subject}"),
    "progress.hashing": ("hashing {subject}", "calcul des empreintes de {subject}"),
    "progress.reverifying": ("re-reading the image {subject}", "relecture de l'image {subject}"),
    "progress.extracting": ("extracting into {subject}", "extraction dans {subject}"),
    "progress.listing": (
        "listing and hashing the files of {subject}",
        "inventaire et calcul des empreintes des fichiers de {subject}",
    ),
    "progress.line": (
        "{label}: {percent} ({done} of {total}), {rate}, elapsed {elapsed}, remaining {remaining}",
        "{label} : {percent} ({done} sur {total}), {rate}, écoulé {elapsed}, restant {remaining}",
    ),
    "progress.line.unsized": (
        "{label}: {done}, {rate}, elapsed {elapsed}",
        "{label} : {done}, {rate}, écoulé {elapsed}",
    ),
    "progress.done": (
        "{label}: done, {done} in {elapsed} ({rate})",
        "{label} : terminé, {done} en {elapsed} ({rate})",
    ),
    "progress.stopped": (
        "{label}: stopped at {done} after {elapsed}",
        "{label} : arrêté à {done} après {elapsed}",
    ),
    "progress.elapsed": ("elapsed {time}", "écoulé {time}"),
    "progress.remaining": ("remaining {time}", "restant {time}"),
    "progress.units": ("B KiB MiB GiB TiB", "o Kio Mio Gio Tio"),
    "progress.unknown": ("unknown", "inconnu"),
}
