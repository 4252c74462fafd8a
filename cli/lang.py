"""The language of the messages when ``--lang`` is not given: the locale's, as POSIX programs choose it.

``LC_ALL`` wins over ``LC_MESSAGES``, which wins over ``LANG`` (POSIX, "Locale": the first one set and not empty is
used). ``fr``, ``fr_FR.UTF-8``, ``fr_MA`` or ``fr_SN@euro`` give French; anything else, or nothing, English.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def locale_lang(environ: Mapping[str, str] | None = None) -> str:
    """``fr`` when the locale's language is French, else ``en``."""
    env = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        value = env.get(name, "")
        if value:
            return "fr" if value.split("_")[0].split(".")[0].split("@")[0].lower() == "fr" else "en"
    return "en"


_GIVEN = "scelle.lang"  # key in click's ``meta``, shared by every context of one invocation


def given_lang() -> str | None:
    """The ``--lang`` given on the command line of the running invocation, if any (also while its errors are
    stated, after the command's own context has ended)."""
    context = click.get_current_context(silent=True)
    value = context.meta.get(_GIVEN) if context is not None else None
    return str(value) if value else None


def remember_lang(context: click.Context, parameter: click.Parameter, value: str) -> str:
    """A ``--lang`` option's callback: keep the language given on the command line, so that the errors and warnings
    printed outside the command (``cli.main``) are in it too."""
    if parameter.name and context.get_parameter_source(parameter.name) == click.core.ParameterSource.COMMANDLINE:
        context.meta[_GIVEN] = value
    return value


def lang_choice(func: F) -> F:
    """--lang en|fr for the examiner's commands (acquire, verify, image hash), defaulting to the locale."""
    return click.option(
        "--lang",
        type=click.Choice(["en", "fr"]),
        default=locale_lang,
        callback=remember_lang,
        show_default="the locale's: LC_ALL, LC_MESSAGES, LANG",
        help="Language of the messages, progress and acquisition log.",
    )(func)
