"""The words of the report page's own check (``custody/bundle/verifier.js``), in English and French.

The browser states the findings of ``FINDINGS`` (the same codes as the Python verifier) plus the few below, which only
the page has: what it did not check itself, an entry kind it does not know, a bundle it could not read. The page also
says who produced each verdict: the Python verdict printed at export is the sender's, the browser's is the reader's.
"""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.words import Pair

BROWSER_FINDINGS: Mapping[str, Pair] = {
    "format.bad": (
        "The bundle embedded in this page is not readable: {detail}",
        "Le dossier inclus dans cette page est illisible : {detail}",
    ),
    "browser.kind": (
        "Entry {index}: not verified by the browser: unsupported entry kind {kind}",
        "Entrée {index} : non vérifiée par le navigateur : type d'entrée {kind} non pris en charge",
    ),
    "browser.cosignatures": (
        "Not checked by the browser: the {count} other signature(s) on the signed ledger state, such as witnesses' "
        "cosignatures (scelle custody verify --witness checks them)",
        "Non contrôlé par le navigateur : la ou les {count} autres signatures de l'état signé du registre, comme les "
        "cosignatures de témoins (scelle custody verify --witness les contrôle)",
    ),
    "browser.timestamps": (
        "Not checked by the browser: the {count} RFC 3161 time-stamp(s) of the signed ledger state "
        "(scelle custody verify --tsa-cert checks them)",
        "Non contrôlé par le navigateur : le ou les {count} horodatages RFC 3161 de l'état signé du registre "
        "(scelle custody verify --tsa-cert les contrôle)",
    ),
    "browser.handover_absent": (
        "the offered event is not in the linked history",
        "l'événement de remise ne figure pas dans l'historique lié",
    ),
    "browser.handover_recipient": (
        "it was offered to {name}, not to {got}",
        "la remise était destinée à {name}, non à {got}",
    ),
    "browser.handover_artefacts": (
        "it names artefacts or digests other than those offered",
        "il désigne des éléments ou des empreintes autres que ceux remis",
    ),
    "browser.handover_early": (
        "it was received before it was offered",
        "la réception est antérieure à la remise",
    ),
}

BROWSER_WORDS: Mapping[str, Pair] = {
    "heading": ("Verification by your browser", "Vérification par votre navigateur"),
    "intro": (
        "This page contains the bundle itself (its exact bytes) and a verifier written in JavaScript. When the page "
        "opens, your browser checks the bundle again, offline, against the ledger key whose fingerprint is printed "
        "below. This verdict is your own: it does not rely on the sender's software or on the verdict printed above.",
        "Cette page contient le dossier lui-même (ses octets exacts) et un vérificateur écrit en JavaScript. À "
        "l'ouverture de la page, votre navigateur vérifie de nouveau le dossier, hors ligne, avec la clé du registre "
        "dont l'empreinte figure ci-dessous. Ce verdict est le vôtre : il ne dépend ni du logiciel de l'expéditeur "
        "ni du verdict imprimé plus haut.",
    ),
    "compare": (
        "Compare by another channel (telephone, letter from the central authority) this ledger key fingerprint with "
        "the one the sending authority gives you: {fingerprint}. If they differ, no verdict on this page means "
        "anything.",
        "Comparez par un autre canal (téléphone, courrier de l'autorité centrale) cette empreinte de la clé du "
        "registre avec celle que vous communique l'autorité expéditrice : {fingerprint}. Si elles diffèrent, aucun "
        "verdict de cette page n'a de valeur.",
    ),
    "not_proven": (
        "Whoever could alter the bundle could also alter this page and its verifier. The browser's verdict shows "
        "that the bundle is consistent and signed by the key above; for use in court, also check the bundle with a "
        "verifier you obtained yourself (scelle custody verify, or this verifier whose SHA-256 is {script}).",
        "Quiconque pourrait modifier le dossier pourrait aussi modifier cette page et son vérificateur. Le verdict "
        "du navigateur montre que le dossier est cohérent et signé par la clé ci-dessus ; pour un usage devant une "
        "juridiction, vérifiez aussi le dossier avec un vérificateur obtenu par vous-même (scelle custody verify, ou "
        "ce vérificateur, dont le SHA-256 est {script}).",
    ),
    "running": (
        "No browser verdict yet: the check has not finished (or JavaScript did not run).",
        "Pas encore de verdict du navigateur : le contrôle n'est pas terminé (ou JavaScript ne s'est pas exécuté).",
    ),
    "noscript": (
        "No browser verdict: JavaScript is disabled or not supported, so this page could not check the bundle "
        "itself. Only the verdict printed by scelle above is available, and it is not your own.",
        "Aucun verdict du navigateur : JavaScript est désactivé ou non pris en charge, cette page n'a donc pas pu "
        "vérifier elle-même le dossier. Seul le verdict imprimé par scelle plus haut est disponible, et ce n'est pas "
        "le vôtre.",
    ),
    "passed": ("Browser verdict: VERIFIED", "Verdict du navigateur : VÉRIFIÉ"),
    "passed_partly": (
        "Browser verdict: VERIFIED, except the points marked NOT CHECKED",
        "Verdict du navigateur : VÉRIFIÉ, sauf les points marqués NON CONTRÔLÉ",
    ),
    "failed": ("Browser verdict: NOT VERIFIED", "Verdict du navigateur : NON VÉRIFIÉ"),
    "error": (
        "No browser verdict: the verifier could not run in this browser",
        "Aucun verdict du navigateur : le vérificateur n'a pas pu s'exécuter dans ce navigateur",
    ),
    "mark_ok": ("OK", "OK"),
    "mark_fail": ("FAILED", "ÉCHEC"),
    "mark_unchecked": ("NOT CHECKED", "NON CONTRÔLÉ"),
    "python_sender": (
        "Verdict of scelle on the sender's computer, at export, against the key of the sender's own ledger (file "
        "{source}): it is the sender's statement, not an independent verification",
        "Verdict de scelle sur l'ordinateur de l'expéditeur, à l'export, avec la clé de son propre registre "
        "(fichier {source}) : c'est la déclaration de l'expéditeur, pas une vérification indépendante",
    ),
    "python_reader": (
        "Verdict of scelle on the computer that ran scelle custody verify, against the key given with --trust "
        "({source})",
        "Verdict de scelle sur l'ordinateur qui a lancé scelle custody verify, avec la clé indiquée par --trust "
        "({source})",
    ),
    "unverified_browser": (
        "Warning: your browser did NOT verify the bundle. This table was written from it before the check: do not "
        "rely on it. Rows marked FAILED concern an entry that failed.",
        "Attention : votre navigateur n'a PAS vérifié le dossier. Ce tableau a été établi à partir de celui-ci avant "
        "le contrôle : ne vous y fiez pas. Les lignes marquées ÉCHEC concernent une entrée en échec.",
    ),
    "tables_note": (
        "The tables below were written by scelle from the bundle; your browser checks the embedded bundle, not the "
        "text of the tables. If in doubt, compare them with the bundle itself.",
        "Les tableaux ci-dessous ont été établis par scelle à partir du dossier ; votre navigateur contrôle le dossier "
        "inclus, non le texte des tableaux. En cas de doute, comparez-les au dossier lui-même.",
    ),
    "artefact_heading": ("Check an evidence file yourself", "Contrôler vous-même un fichier de preuve"),
    "artefact_label": (
        "Choose the image or any evidence file: it is hashed (SHA-256) in this browser, nothing is sent anywhere.",
        "Choisissez l'image ou tout fichier de preuve : son empreinte (SHA-256) est calculée dans ce navigateur, "
        "rien n'est envoyé.",
    ),
    "artefact_match": (
        "The file {file} matches the recorded digest of {item} (SHA-256 {sha256}, {seconds} s)",
        "Le fichier {file} correspond à l'empreinte enregistrée de {item} (SHA-256 {sha256}, {seconds} s)",
    ),
    "artefact_nomatch": (
        "The file {file} matches NO item of the bundle: its SHA-256 is {sha256}",
        "Le fichier {file} ne correspond à AUCUN élément du dossier : son SHA-256 est {sha256}",
    ),
    "artefact_unverified": (
        "But the bundle did not verify: the recorded digest itself is not proven.",
        "Mais le dossier n'a pas été vérifié : l'empreinte enregistrée n'est donc pas établie.",
    ),
    "timeline_checked": (
        "Checked by your browser: every row of this table states what the verified bundle holds (time, action, "
        "handlers, place).",
        "Contrôlé par votre navigateur : chaque ligne de ce tableau correspond au dossier vérifié (date, acte, "
        "intervenants, lieu).",
    ),
    "timeline_replaced": (
        "Warning: this table did not match the verified bundle (the page was altered after it was made). Your browser "
        "has replaced it with the events of the verified bundle.",
        "Attention : ce tableau ne correspondait pas au dossier vérifié (la page a été modifiée après sa production). "
        "Votre navigateur l'a remplacé par les événements du dossier vérifié.",
    ),
    "unverified": (
        "Warning: the bundle did NOT verify. This table is built from unverified data: do not rely on it.",
        "Attention : le dossier n'a PAS été vérifié. Ce tableau est construit à partir de données non vérifiées : "
        "ne vous y fiez pas.",
    ),
}
