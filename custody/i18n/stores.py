"""Messages about where a ledger is kept (an SQLite file, a lab's PostgreSQL database) and copying it, in English
and French.

Part of the one catalogue: ``custody.i18n.messages.MESSAGES`` includes these.
"""

from __future__ import annotations

from collections.abc import Mapping

from custody.i18n.words import Pair

STORE_MESSAGES: Mapping[str, Pair] = {
    "store.password": (
        "{subject}: a password in the ledger location is refused (it would show in the process list and the "
        "shell's history): give it with PGPASSWORD, ~/.pgpass or a service file",
        "{subject} : un mot de passe dans l'adresse du registre est refusé (il apparaîtrait dans la liste des "
        "processus et l'historique du shell) : fournissez-le par PGPASSWORD, ~/.pgpass ou un fichier de service",
    ),
    "store.ledger_name": (
        "{subject}: name the ledger once in the location: postgresql://HOST/DATABASE?ledger=NAME (letters, digits, "
        "'.', '_' and '-'; one ledger per case)",
        "{subject} : nommez le registre une fois dans l'adresse : postgresql://HOTE/BASE?ledger=NOM (lettres, "
        "chiffres, « . », « _ » et « - » ; un registre par dossier)",
    ),
    "store.no_driver": (
        "{subject}: a ledger in PostgreSQL needs psycopg: install scelle with its postgresql extra",
        "{subject} : un registre dans PostgreSQL nécessite psycopg : installez scelle avec son extra postgresql",
    ),
    "store.connect": (
        "{subject}: cannot connect to the PostgreSQL server: {detail}",
        "{subject} : connexion au serveur PostgreSQL impossible : {detail}",
    ),
    "store.exists": (
        "{subject}: already exists; a ledger is never overwritten",
        "{subject} : existe déjà ; un registre n'est jamais écrasé",
    ),
    "store.missing": (
        "{subject}: no such ledger in this database",
        "{subject} : aucun registre de ce nom dans cette base",
    ),
    "store.not_scelle": (
        "{subject}: this database holds no scelle ledger",
        "{subject} : cette base ne contient aucun registre scelle",
    ),
    "store.format": (
        "{subject}: ledger format {found} is not one this version of scelle reads ({expected})",
        "{subject} : le format de registre {found} n'est pas lu par cette version de scelle ({expected})",
    ),
    "store.fsync": (
        "{subject}: the PostgreSQL server runs with fsync off, so an acknowledged append could be lost in a crash: "
        "appending is refused",
        "{subject} : le serveur PostgreSQL fonctionne avec fsync désactivé ; un ajout confirmé pourrait être perdu "
        "en cas de panne : l'ajout est refusé",
    ),
    "store.failed": (
        "{subject}: the database refused the operation: {detail}",
        "{subject} : la base de données a refusé l'opération : {detail}",
    ),
    "copy.same": (
        "{subject}: source and destination are the same ledger",
        "{subject} : la source et la destination sont le même registre",
    ),
    "copy.done": (
        "copied {entries} entries and {checkpoints} checkpoints from {source} to {target}; latest checkpoint: "
        "size {size}",
        "{entries} entrées et {checkpoints} points de contrôle copiés de {source} vers {target} ; dernier point "
        "de contrôle : taille {size}",
    ),
}
