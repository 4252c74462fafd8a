"""The command line's usage errors (exit 2), in English and French: one line naming the option or argument.

Part of the evidence catalogue (``evidence.common.messages``). ``cli.usage`` states click's parsing errors (an
unknown option or command, a missing argument, a bad choice or number) from here instead of click's English
"Usage: ... Try ... Error: ..."; what click says in a case not named here is quoted as click's words in French.
"""

from __future__ import annotations

from collections.abc import Mapping

USAGE_MESSAGES: Mapping[str, tuple[str, str]] = {
    "usage.line": ("scelle: error: {text} (see {command} --help)", "scelle: erreur : {text} (voir {command} --help)"),
    "cli.aborted": (
        "scelle: aborted: a prompt was left without an answer",
        "scelle: abandon : une demande de saisie est restée sans réponse",
    ),
    "usage.no_such_option": ("no such option: {option}", "option inconnue : {option}"),
    "usage.no_such_command": ("no such command: {command}", "commande inconnue : {command}"),
    "usage.did_you_mean": ("{text}; did you mean {names}?", "{text} ; vouliez-vous dire {names} ?"),
    "usage.missing_argument": ("missing argument: {name}", "argument manquant : {name}"),
    "usage.missing_option": ("missing option: {name}", "option obligatoire manquante : {name}"),
    "usage.missing_command": ("missing command", "commande manquante"),
    "usage.choice": (
        "invalid value for {name}: {value} is not one of {choices}",
        "valeur invalide pour {name} : {value} ne fait pas partie des valeurs admises ({choices})",
    ),
    "usage.number": (
        "invalid value for {name}: {value} is not a {kind}",
        "valeur invalide pour {name} : {value} n'est pas un {kind}",
    ),
    "usage.number.integer": ("whole number", "nombre entier"),
    "usage.number.float": ("decimal number", "nombre décimal"),
    "usage.range": (
        "invalid value for {name}: {value} is not in the range {range}",
        "valeur invalide pour {name} : {value} est hors de l'intervalle {range}",
    ),
    "usage.path_missing": (
        "invalid value for {name}: {path} does not exist",
        "valeur invalide pour {name} : {path} n'existe pas",
    ),
    "usage.path_directory": (
        "invalid value for {name}: {path} is a directory",
        "valeur invalide pour {name} : {path} est un répertoire",
    ),
    "usage.path_file": (
        "invalid value for {name}: {path} is a file",
        "valeur invalide pour {name} : {path} est un fichier",
    ),
    "unlock.keyfile": (
        "--unlock {spec}: cannot read the key file: {reason}",
        "--unlock {spec} : lecture du fichier de clé impossible : {reason}",
    ),
    "unlock.spec": (
        "--unlock {spec}: expected passphrase or keyfile:FILE",
        "--unlock {spec} : valeur attendue : passphrase ou keyfile:FICHIER",
    ),
    "size.bad": (
        "bad {what} {text}: expected a number of bytes with an optional unit (4096, 650MB, 2GiB)",
        "{what} invalide : {text} : un nombre d'octets est attendu, avec une unité facultative (4096, 650MB, 2GiB)",
    ),
    "size.unit": (
        "bad {what} {text}: unknown unit {unit} (use B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)",
        "{what} invalide : {text} : unité inconnue : {unit} (B, kB, MB, GB, TB, KiB, MiB, GiB ou TiB)",
    ),
    "size.minimum": (
        "bad {what} {text}: must be at least {minimum} [[minimum|byte|bytes]]",
        "{what} invalide : {text} : au moins {minimum} [[minimum|octet|octets]]",
    ),
    "usage.bad_value": ("invalid value for {name}: {reason}", "valeur invalide pour {name} : {reason}"),
    "usage.needs_value": ("option {option} needs a value", "l'option {option} attend une valeur"),
    "usage.takes_no_value": ("option {option} does not take a value", "l'option {option} n'accepte pas de valeur"),
    "usage.extra_argument": ("unexpected extra argument: {args}", "argument en trop : {args}"),
    "usage.extra_arguments": ("unexpected extra arguments: {args}", "arguments en trop : {args}"),
    "usage.exclusive": ("{options} are exclusive", "{options} s'excluent mutuellement"),
    "usage.not_with": ("{option} is not available with {other}", "{option} n'est pas disponible avec {other}"),
    "usage.hash_bodyfile": (
        "--hash is not available with --bodyfile (its hash field is MD5)",
        "--hash n'est pas disponible avec --bodyfile (son champ d'empreinte est le MD5)",
    ),
    "usage.one_of": ("give exactly one of {options}", "indiquez une et une seule des options {options}"),
    "usage.needs": ("{option} needs {other}", "{option} exige {other}"),
    "usage.required": ("{options} are required", "{options} sont obligatoires"),
    "usage.exists": ("{path}: already exists", "{path} : existe déjà"),
    "usage.transfer": (
        "a transfer needs both handlers: use `scelle custody transfer` or `offer`/`accept`",
        "une remise exige les deux intervenants : utilisez `scelle custody transfer` ou `offer`/`accept`",
    ),
}
