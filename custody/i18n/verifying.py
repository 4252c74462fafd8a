"""What `scelle verify` and `scelle acquire` print on the terminal, in English and French; part of
``messages.MESSAGES``. The words follow the acquisition log's (``examiner``): « concordance », « DISCORDANCE »,
« procès-verbal »."""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.words import Pair

VERIFY_MESSAGES: Mapping[str, Pair] = {
    "verify.verified": ("{image}: verified ({format}, {size} bytes)", "{image} : vérifiée ({format}, {size} octets)"),
    "verify.mismatch": (
        "{image}: MISMATCH ({format}, {size} bytes)",
        "{image} : DISCORDANCE ({format}, {size} octets)",
    ),
    "verify.check.ok": ("{subject}: {digest} ok", "{subject} : {digest} concordance"),
    "verify.check.mismatch": (
        "{subject}: {digest} MISMATCH (computed {computed})",
        "{subject} : {digest} DISCORDANCE (calculée : {computed})",
    ),
    "verify.nothing": ("nothing", "aucune"),
    "verify.first_mismatch": (
        "first mismatch in {subject}: window {index}, bytes [{start}, {end})",
        "première discordance dans {subject} : fenêtre {index}, octets [{start}, {end})",
    ),
    "verify.problem": ("problem: {problem}", "problème : {problem}"),
    "verify.note": ("note: {note}", "remarque : {note}"),
    "verify.after": ("verify: {image}: {status}", "vérification : {image} : {status}"),
    "verify.status.ok": ("verified", "vérifiée"),
    "verify.status.mismatch": ("MISMATCH", "DISCORDANCE"),
    "custody.recorded": (
        "custody: recorded {action} {id} in {ledger}",
        "chaîne de possession : événement «\u00a0{action}\u00a0» ({id}) consigné dans {ledger}",
    ),
    "acquire.acquired": ("acquired {source}: {size} ({count} bytes)", "acquis : {source} : {size} ({count} octets)"),
    "acquire.wrote": ("wrote {path} ({count} bytes)", "écrit : {path} ({count} octets)"),
    "acquire.unreadable.one": (
        "unreadable: 1 range, {count} bytes written as zeros (see the record)",
        "illisible : 1 plage, {count} octets écrits sous forme de zéros (voir le procès-verbal)",
    ),
    "acquire.unreadable": (
        "unreadable: {ranges} ranges, {count} bytes written as zeros (see the record)",
        "illisible : {ranges} plages, {count} octets écrits sous forme de zéros (voir le procès-verbal)",
    ),
    "acquire.record": ("record: {path}", "procès-verbal : {path}"),
}
