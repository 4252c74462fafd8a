"""What the `scelle custody` commands share: passphrases, keys, opening a ledger to append, times, JSON output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cli.lang import locale_lang, remember_lang
from cli.zone import user_zone
from custody.i18n.said import SaidUsageError
from evidence.common.errors import UsageError

if TYPE_CHECKING:
    from custody.ledger.acquired import AcquisitionCustody
    from custody.ledger.drafts import Appended
    from custody.ledger.ledger import Ledger
    from custody.model.keys import KeyPair

F = TypeVar("F", bound=Callable[..., Any])
PASSPHRASE_ENV = "SCELLE_PASSPHRASE"  # noqa: S105 - the name of a variable, not a secret
LEDGER_PASSPHRASE_ENV = "SCELLE_LEDGER_PASSPHRASE"  # noqa: S105


def passphrase(label: str, *, env: str = PASSPHRASE_ENV, confirm: bool = False) -> bytes:
    """The passphrase from ``env`` when set, else typed at a hidden prompt (never echoed, never an argument)."""
    value = os.environ.get(env)
    if value is None and env == LEDGER_PASSPHRASE_ENV:
        value = os.environ.get(PASSPHRASE_ENV)
    if value is None:
        if not _has_terminal():  # getpass would warn (GetPassWarning) and read the passphrase echoed from stdin
            raise SaidUsageError("key.no_terminal", label=label, env=env)
        value = _typed(label, confirm)
    if not value:
        raise SaidUsageError("key.empty", label=label)
    return value.encode("utf-8")


def _typed(label: str, confirm: bool) -> str:
    """The passphrase typed at a hidden prompt naming ``label``, twice for a new key, in the language of the
    messages (``--lang``, else the locale): the prompts, and the refusal when the two differ, from the catalogue
    rather than click's English."""
    from cli.language import message_language
    from custody.i18n.messages import message

    lang = message_language()
    suffix = " : " if lang == "fr" else ": "
    text = message("key.prompt.new" if confirm else "key.prompt", lang, label=label)
    value = str(click.prompt(text, hide_input=True, err=True, prompt_suffix=suffix))
    if confirm:
        again = click.prompt(message("key.prompt.repeat", lang), hide_input=True, err=True, prompt_suffix=suffix)
        if again != value:
            raise SaidUsageError("key.prompt.mismatch", label=label)
    return value


def _has_terminal() -> bool:
    """A hidden prompt is possible: a controlling terminal, or a stdin replaced in-process (a test runner)."""
    if sys.stdin is not sys.__stdin__ or (sys.stdin is not None and sys.stdin.isatty()):
        return True
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
    except OSError:
        return False
    return True


def load_key(path: str, *, env: str = PASSPHRASE_ENV) -> KeyPair:
    """Decrypt a private key file (the passphrase comes from ``env`` or a prompt)."""
    from custody.model.keys import load_private_key

    if not Path(path).is_file():
        raise SaidUsageError("key.missing", path=path)
    _check_key_permissions(Path(path))
    return load_private_key(path, passphrase(path, env=env))


def _check_key_permissions(path: Path) -> None:
    """Warn, as ssh does, on a private key readable by group or others; refuse it when strict mode is asked."""
    from custody.errors import KeyFileError
    from custody.i18n.messages import message

    mode = path.stat().st_mode & 0o777
    if not mode & 0o077:
        return
    context = click.get_current_context(silent=True)
    lang = str(context.params.get("lang") or "en") if context is not None else "en"
    if os.environ.get("SCELLE_STRICT_KEY_PERMISSIONS") == "1":
        raise KeyFileError(message("key.permissions.refused", lang, path=path, mode=f"{mode:04o}"))
    click.echo(message("key.permissions", lang, path=path, mode=f"{mode:04o}"), err=True)


@contextmanager
def ledger_for_append(path: str, ledger_key: str | None, *, loaded: KeyPair | None = None) -> Iterator[Ledger]:
    """Open a ledger with its key: ``--ledger-key``, else the key file named when the ledger was created.

    ``loaded`` is reused when it is the ledger key itself (one person running a small ledger)."""
    from custody.ledger.ledger import Ledger

    with Ledger.open(path) as reader:
        key_file = ledger_key or reader.key_file
        fingerprint = reader.header.fingerprint
    if key_file is None:
        raise SaidUsageError("ledger.key_unknown", path=path)
    if loaded is not None and loaded.info.fingerprint == fingerprint:
        key = loaded
    else:
        key = load_key(key_file, env=LEDGER_PASSPHRASE_ENV)
    ledger = Ledger.open(path, ledger_key=key)
    try:
        yield ledger
    finally:
        ledger.close()


@contextmanager
def refusals_in(lang: str, options: Mapping[str, str] | None = None, zone: str | None = None) -> Iterator[None]:
    """State an event (or an authority record or change) the ledger refuses in ``lang``, its times in the user's
    zone (``--tz``, else the host's) with their offset, pointing at ``--late-reason`` when that would justify it,
    and at the option that gives a missing field (``options``: field to option name)."""
    from custody.rules.breach import RecordRefusedError
    from custody.rules.events import EventRefusedError

    try:
        yield
    except EventRefusedError as exc:
        raise exc.localised(lang, how="--late-reason TEXT", zone=user_zone(zone)) from exc
    except RecordRefusedError as exc:
        raise exc.localised(lang, options=options, zone=user_zone(zone)) from exc


def lang_option(func: F) -> F:
    """--lang: the language of the reasons an event is refused for."""
    return click.option(
        "--lang",
        type=click.Choice(["en", "fr"]),
        default=locale_lang,
        callback=remember_lang,
        show_default="the locale's",
        help="Language of the reasons when the event is refused.",
    )(func)


def ledger_key_option(func: F) -> F:
    """--ledger-key: the ledger's private key, when it is not where it was at `custody init`."""
    return click.option(
        "--ledger-key", type=click.Path(dir_okay=False), help="Ledger key file (default: the one used at init)."
    )(func)


def parse_time(text: str | None, zone: str | None, *, end_of_day: bool = False) -> tuple[datetime, str] | None:
    """A time typed on the command line, as (UTC instant, zone label); None when not given.

    ``zone`` is the ``--tz`` given; a time typed without an offset is read in it, else in the host's zone (the
    user's clock), and that zone is the label kept with it.
    """
    from custody.model.times import parse_time_input

    if text is None:
        return None
    return parse_time_input(text, zone=zone, default_zone=user_zone(None), end_of_day=end_of_day)


def now_in(zone: str | None) -> tuple[None, str]:
    """An event recorded without ``--at``: no instant (the ledger takes the moment it records it, after its lock)
    and the user's zone (``--tz``, else the host's)."""
    return None, user_zone(zone)


def recorded_line(action: str, entry_id: str, ledger: str | None, lang: str) -> str:
    """``custody: recorded ACTION ID in LEDGER`` (an examiner's command that also recorded its event), in ``lang``."""
    from custody.i18n import ACTIONS, vocabulary
    from custody.i18n.messages import message

    said = action if lang == "en" else vocabulary(ACTIONS, action, lang)  # English names the event by its code
    return message("custody.recorded", lang, action=said, id=entry_id, ledger=ledger)


def emit(obj: dict[str, Any]) -> None:
    """Print one JSON object on one line."""
    click.echo(json.dumps(obj, ensure_ascii=False, sort_keys=True))


def render_appended(appended: Appended, as_json: bool, lang: str, what: str, **params: object) -> None:
    """What an append prints: the new entry's id (and where it is), as text or one JSON object."""
    entry = appended.entry
    if as_json:
        emit(
            {
                "id": entry.entry_id,
                "kind": entry.kind,
                "index": appended.index,
                "size": appended.size,
                "entry": entry.body.to_json(),
            }
        )
    else:
        from custody.i18n.messages import message

        said = message(what, lang, **params)  # what was recorded (appended.*), then the entry's id and place
        click.echo(message("appended", lang, what=said, id=entry.entry_id, index=appended.index, size=appended.size))


@contextmanager
def examiner_ledger(
    ledger: str | None,
    key_file: str | None,
    authorities: tuple[str, ...],
    ledger_key: str | None,
    zone: str | None,
    *,
    event: str,
) -> Iterator[tuple[Ledger, KeyPair, str] | None]:
    """The ledger (open for appending), the examiner's key and the zone label for a command that records ``event``
    with ``--ledger`` (acquire, verify); None without ``--ledger``. Everything is opened before evidence is read."""
    if ledger is None:
        if key_file or authorities or ledger_key:
            raise UsageError("--key, --authority and --ledger-key go with --ledger")
        yield None
        return
    from custody.model.times import check_zone

    if key_file is None:
        raise UsageError(f"--ledger needs --key (the examiner's key signs the {event} event)")
    label = check_zone(user_zone(zone), field="--tz")
    pair = load_key(key_file)
    with ledger_for_append(ledger, ledger_key, loaded=pair) as opened:
        yield opened, pair, label


@contextmanager
def custody_for_acquisition(
    ledger: str | None,
    key_file: str | None,
    authorities: tuple[str, ...],
    ledger_key: str | None,
    zone: str | None,
    location: str | None,
    seal: str | None,
) -> Iterator[AcquisitionCustody | None]:
    """For `scelle acquire --ledger`: open the ledger and keys and check the authority before the source is read."""
    with examiner_ledger(ledger, key_file, authorities, ledger_key, zone, event="acquired") as opened:
        if opened is None:
            yield None
            return
        from custody.ledger.acquired import AcquisitionCustody

        book, pair, label = opened
        yield AcquisitionCustody.prepare(
            book, pair, split_values(authorities), occurred_tz=label, location=location, seal=seal
        )


def split_values(values: tuple[str, ...]) -> tuple[str, ...]:
    """Values of a repeatable option, each also split on commas."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())
