"""Usage errors (exit 2) as one line from the catalogue, in the language of the command line.

click states a parsing error in English over three lines ("Usage: ... Try '... --help' for help. Error: No such
option '--bogus'."). ``one_line`` turns it into ``scelle: erreur : option inconnue : --bogus (voir scelle image info
--help)`` naming the option or argument, in French or English. A usage error can come before any command has read
its own ``--lang``, so the language is the one a ``--lang`` anywhere on the command line asks for, else
``SCELLE_LANG`` or the locale (``cli.language``). The ``--help`` text itself stays in English.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, Any

import click
from click.exceptions import (
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchCommand,
    NoSuchOption,
)

from evidence.common.messages import Notice
from evidence.common.messages import message as image_message
from evidence.common.reasons import library_text

#: click's own English for the errors it raises without a class of their own (click 8: core.py, parser.py, types.py)
_EXTRA = re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$")
_NEEDS_VALUE = re.compile(r"^Option '(?P<option>[^']+)' requires an argument\.?$")
_NO_VALUE = re.compile(r"^Option '(?P<option>[^']+)' does not take a value\.?$")
_CHOICE = re.compile(r"^(?P<value>.*) is not one of (?P<choices>.*?)\.?$", re.DOTALL)
_NUMBER = re.compile(r"^(?P<value>.*) is not a valid (?P<kind>integer|float)\.?$", re.DOTALL)
_PATH = re.compile(r"^(?:File|Directory|Path) '(?P<path>.*)' (?P<what>does not exist|is a directory|is a file)\.?$")
_RANGE = re.compile(r"^(?P<value>.*) is not in the range (?P<range>.*?)\.?$", re.DOTALL)


def argv_lang(args: Sequence[str]) -> str | None:
    """The language a ``--lang`` on the command line asks for (the last one, as click keeps it), if any."""
    found = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            found = args[index + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found if found in ("en", "fr") else None


def usage_lang(args: Sequence[str]) -> str:
    """``fr`` or ``en``: ``--lang`` on the command line, else ``SCELLE_LANG``, else the locale."""
    from cli.language import message_language

    return argv_lang(args) or message_language()


def _name(exc: BadParameter) -> str:
    """The option (``--partition / -p``) or argument (``IMAGES...``) the error is about."""
    if exc.param_hint is not None:
        hint = exc.param_hint if isinstance(exc.param_hint, str) else " / ".join(exc.param_hint)
    elif exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx) if exc.ctx is not None else exc.param.human_readable_name
    else:
        hint = "?"
    return hint.replace("'", "")


def _bad_value(exc: BadParameter) -> Notice:
    name = _name(exc)
    text = " ".join(exc.message.split())
    if (match := _CHOICE.match(text)) is not None:
        choices = match["choices"].replace("'", "")
        return Notice("usage.choice", name=name, value=match["value"], choices=choices)
    if (match := _NUMBER.match(text)) is not None:
        kind = Notice(f"usage.number.{match['kind']}")
        return Notice("usage.number", name=name, value=match["value"], kind=kind)
    if (match := _PATH.match(text)) is not None:
        code = {"does not exist": "usage.path_missing", "is a directory": "usage.path_directory"}.get(match["what"])
        return Notice(code or "usage.path_file", name=name, path=match["path"])
    if (match := _RANGE.match(text)) is not None:
        return Notice("usage.range", name=name, value=match["value"], range=match["range"])
    return Notice("usage.bad_value", name=name, reason=library_text("click", text))


def _with_possibilities(notice: Notice, possibilities: Sequence[str] | None) -> Notice:
    if not possibilities:
        return notice
    return Notice("usage.did_you_mean", text=notice, names=", ".join(sorted(possibilities)))


def _said(exc: click.UsageError) -> Notice | str:
    """What the error says, as a catalogue notice; a message of our own (already in its language) as it is."""
    text = " ".join(exc.message.split())
    if isinstance(exc, NoSuchOption):
        return _with_possibilities(Notice("usage.no_such_option", option=exc.option_name), exc.possibilities)
    if isinstance(exc, NoSuchCommand):
        return _with_possibilities(Notice("usage.no_such_command", command=exc.command_name), exc.possibilities)
    if isinstance(exc, MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
        code = "usage.missing_argument" if kind == "argument" else "usage.missing_option"
        return Notice(code, name=_name(exc))
    if isinstance(exc, BadParameter):
        return _bad_value(exc)
    if isinstance(exc, BadOptionUsage):
        if (match := _NEEDS_VALUE.match(text)) is not None:
            return Notice("usage.needs_value", option=match["option"])
        if (match := _NO_VALUE.match(text)) is not None:
            return Notice("usage.takes_no_value", option=match["option"])
        return Notice("usage.bad_value", name=exc.option_name, reason=library_text("click", text))
    if text == "Missing command.":
        return Notice("usage.missing_command")
    if (match := _EXTRA.match(text)) is not None:
        args = match["args"]
        return Notice("usage.extra_argument" if " " not in args else "usage.extra_arguments", args=args)
    return text  # raised by a scelle command with its own message (from the catalogue, in its language)


class OneLineUsageError(click.UsageError):
    """A usage error that shows as one line from the catalogue (exit 2, as click's)."""

    def __init__(self, line: str, ctx: click.Context | None = None) -> None:
        super().__init__(line, ctx)
        self.line = line

    def show(self, file: IO[Any] | None = None) -> None:
        """The line on stderr, without click's usage and hint lines."""
        click.echo(self.line, file=file, err=file is None)


def _command_path(ctx: click.Context | None, args: Sequence[str]) -> str:
    """The command the line names (``scelle image info``), found by walking ``args`` down the groups: click gives
    the context of the enclosing group for some parsing errors."""
    if ctx is None:
        return "scelle"
    root = ctx.find_root()
    command, path = root.command, ["scelle"]  # the program's name, however it was started (python -m cli...)
    for arg in args:
        if not isinstance(command, click.Group):
            break
        if arg.startswith("-"):  # a group's own flag (--version, --help): groups here take no option value
            continue
        found = command.get_command(root, arg)
        if found is None:
            break
        command = found
        path.append(arg)
    return " ".join(path)


def one_line(exc: click.UsageError, args: Sequence[str], ctx: click.Context | None = None) -> click.UsageError:
    """``exc`` as one line in the language of ``args`` (``--lang``) or of the locale; ``--help`` shows as it is."""
    if isinstance(exc, NoArgsIsHelpError | OneLineUsageError):
        return exc
    lang = usage_lang(args)
    said = _said(exc)
    text = said.text(lang) if isinstance(said, Notice) else said
    command = _command_path(exc.ctx or ctx, args)
    return OneLineUsageError(image_message("usage.line", lang, text=text, command=command), exc.ctx or ctx)


def usage_error(code: str, **params: object) -> click.UsageError:
    """A usage error of a scelle command (options that exclude each other...) from the catalogue, as one line in
    the language of the command line."""
    ctx = click.get_current_context(silent=True)
    args = ctx.meta.get("scelle.argv", []) if ctx is not None else []
    lang = usage_lang(args)
    command = " ".join(["scelle", *ctx.command_path.split()[1:]]) if ctx is not None else "scelle"
    text = image_message(code, lang, **params)
    return OneLineUsageError(image_message("usage.line", lang, text=text, command=command), ctx)
