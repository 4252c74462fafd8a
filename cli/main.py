"""Entry point: the top-level ``scelle`` group and the single place that maps errors to messages and exit codes.

Exit codes: 0 success; 1 the operation could not be done (bad input, missing file, wrong key...); 2 bad usage
(click); 3 done, and the evidence does not match (integrity or verification failure); 4 done, but partial (a listing
or extraction had to leave entries out, ``PartialError``); 130 interrupted (Ctrl-C); 143 terminated (SIGTERM, after
recording that the command stopped); 141 the reader of stdout went away (``scelle image ls x.E01 | head``): the
command stops quietly with the status a shell reports for a coreutils program killed by SIGPIPE (128 + 13), so
``set -o pipefail`` scripts see what they see for ``ls | head``.

Command groups are imported when they are called, not at start-up: ``scelle image ls`` never loads the custody or
acquisition code (nor what they import), which keeps a listing of a small image from paying for them.
"""

from __future__ import annotations

import errno
import gc
import importlib
import os
import sys
from typing import Any

import click

from evidence.common.errors import EvidenceError
from evidence.common.version import __version__

#: exit status when stdout is a closed pipe: 128 + SIGPIPE, what the shell reports for ``ls | head``
EXIT_BROKEN_PIPE = 141
#: exit status after SIGTERM (128 + 15), once the command has recorded that it stopped
EXIT_TERMINATED = 143

#: key in click's ``meta`` of the command line's arguments, to find a ``--lang`` when stating a usage error
_ARGV = "scelle.argv"

#: command name -> "module:attribute" of its click command, in the order ``--help`` lists them
COMMANDS = {
    "image": "cli.image:image",
    "acquire": "cli.acquire:acquire",
    "verify": "cli.verify:verify",
    "batch": "cli.batch:batch",
    "custody": "cli.custody.group:custody",
    "hashset": "cli.hashset:hashset",
}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def os_error_message(exc: OSError, lang: str = "en") -> str:
    """``scelle: error: [FILE: ]REASON`` for an OS error the library did not convert (disk full...), in ``lang``:
    the reason of a common ``errno`` from the catalogue, another as the system gives it (quoted in French)."""
    from evidence.common.messages import message as image_message
    from evidence.common.reasons import os_reason

    reason = os_reason(exc)
    text = image_message("file.os", lang, path=exc.filename, reason=reason) if exc.filename else reason.text(lang)
    return image_message("cli.error", lang, text=_one_line(text))


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not hit the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no usable stdout at all: nothing left to protect
        pass


def _give_up_stdout_if_broken() -> None:
    """When stdout itself failed (``> /dev/full``), drop what it still buffers instead of failing again at exit."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _silence_stdout()


def _said(code: str, **params: object) -> str:
    """A line of the evidence catalogue in ``message_language()`` (the error and warning prefixes)."""
    from cli.language import message_language
    from evidence.common.messages import message

    return message(code, message_language(), **params)


def localised(exc: Exception) -> str:
    """The text of an image error from the evidence catalogue in ``message_language()``; other errors as raised
    (custody commands state theirs in their own ``--lang``)."""
    from cli.language import message_language
    from evidence.common.messages import error_text

    return error_text(exc, message_language())


class ScelleGroup(click.Group):
    """The top-level group: imports a command's module on first use; maps errors to one line and an exit code.

    A library error or an unexpected ``OSError`` becomes one line on stderr and a non-zero exit code, never a
    traceback. A closed stdout (``EPIPE``) ends the command quietly with ``EXIT_BROKEN_PIPE``.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, the lazily imported ones included."""
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command called ``cmd_name``, importing its module now if it is one of ``COMMANDS``."""
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        # What is loaded by now (modules, classes, functions) lives as long as the process: keep the cyclic
        # garbage collector from walking it again at every full collection (a listing allocates an object or more
        # per entry, which triggers them).
        gc.freeze()
        return command

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        """The top-level context; a usage error in its own options is stated as one line (``cli.usage``)."""
        from cli.usage import one_line

        given = list(args)
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise one_line(exc, given) from exc
        ctx.meta[_ARGV] = given
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn the errors a user can cause into a message and an exit code."""
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's final flush
            return result
        except click.UsageError as exc:  # parsing a command's options and arguments: one line, exit 2
            from cli.usage import one_line

            raise one_line(exc, ctx.meta.get(_ARGV, []), ctx) from exc
        except click.exceptions.Abort:  # a prompt left without an answer (end of input, Ctrl-C at the prompt)
            click.echo(_said("cli.aborted"), err=True)
            ctx.exit(1)
        except EvidenceError as exc:
            click.echo(_said("cli.error", text=_one_line(localised(exc))), err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                _silence_stdout()
                ctx.exit(EXIT_BROKEN_PIPE)
            # The library converts the errors it expects; this is the net for the rest (disk full...).
            from cli.language import message_language

            click.echo(os_error_message(exc, message_language()), err=True)
            _give_up_stdout_if_broken()
            ctx.exit(1)
        except KeyboardInterrupt as exc:
            click.echo(_said("cli.interrupted"), err=True)
            # cli.signals raises KeyboardInterrupt("SIGTERM"): exit as a shell reports a process killed by it
            ctx.exit(EXIT_TERMINATED if exc.args == ("SIGTERM",) else 130)


@click.group(cls=ScelleGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="scelle")
def cli() -> None:
    """scelle: read and acquire evidence images, keep a signed custody ledger, verify it offline.

    \b
    Environment:
      SCELLE_PASSPHRASE         passphrase of handler keys (else asked at a hidden prompt naming the key file)
      SCELLE_LEDGER_PASSPHRASE  passphrase of the ledger key (default: SCELLE_PASSPHRASE)
      SCELLE_PROGRESS_INTERVAL  seconds between status lines when stderr is not a terminal (default 5)
      LANG, LC_MESSAGES, LC_ALL a French locale gives French messages (--lang overrides)
    """


#: glibc's mallopt parameters (malloc.h): free memory kept at the top of the heap; size from which malloc maps
M_TOP_PAD = -2
M_MMAP_THRESHOLD = -3
#: the heap scelle keeps when it is freed, and the largest buffer it takes from the heap (glibc's maximum)
HEAP_SLACK = 64 << 20
HEAP_BUFFERS = 32 << 20


def keep_heap_slack() -> None:
    """Ask glibc to keep freed buffers in the heap instead of returning them to the system after each one.

    Reading an image allocates and frees a buffer of 64 KiB to 1 MiB for each read TSK makes. By default glibc
    gives the top of the heap back to the system after such a free (and maps buffers of more than 128 KiB on their
    own until one is freed), and the next allocation faults every page in again: ``image ls --hash`` of a
    2,000-file, 60 MB ext4 image took 14,000 page faults, 4,700 with this, and about 12% less time. When any of
    glibc's own ``MALLOC_*`` variables is set, the environment decides; other C libraries are left alone.
    """
    try:
        glibc = (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (AttributeError, ValueError, OSError):  # no confstr (Windows) or no such name (musl, BSD, macOS)
        glibc = False
    if not glibc or any(name.startswith("MALLOC_") for name in os.environ):
        return
    import ctypes  # only here: 2 ms at start-up

    libc = ctypes.CDLL(None)
    libc.mallopt(M_TOP_PAD, HEAP_SLACK)
    libc.mallopt(M_MMAP_THRESHOLD, HEAP_BUFFERS)


def main() -> None:
    """Console-script entry point."""
    keep_heap_slack()
    cli.main(prog_name="scelle")


if __name__ == "__main__":
    main()
    sys.exit(0)
