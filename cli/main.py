"""Entry point: the top-level ``scelle`` group and the single place that maps errors to messages and exit codes.

Exit codes: 0 success; 1 the operation could not be done (bad input, missing file, wrong key...); 2 bad usage
(click); 3 done, and the evidence does not match (integrity or verification failure); 130 interrupted.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from evidence.errors import EvidenceError
from evidence.version import __version__


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class ScelleGroup(click.Group):
    """A group that turns library errors into one line on stderr and a non-zero exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EvidenceError as exc:
            click.echo(f"scelle: error: {_one_line(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            # The library converts the errors it expects; this is the net for the rest (disk full, EPIPE...).
            name = f" {exc.filename}" if exc.filename else ""
            click.echo(f"scelle: error:{name}: {_one_line(exc.strerror or str(exc))}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("scelle: interrupted", err=True)
            ctx.exit(130)


@click.group(cls=ScelleGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="scelle")
def cli() -> None:
    """scelle: read and acquire evidence images, keep a signed custody ledger, verify it offline."""


def _register() -> None:
    from cli.acquire import acquire
    from cli.custody import custody
    from cli.image import image
    from cli.verify import verify

    cli.add_command(image)
    cli.add_command(acquire)
    cli.add_command(verify)
    cli.add_command(custody)


_register()


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="scelle")


if __name__ == "__main__":
    main()
    sys.exit(0)
