"""`scelle acquire`."""

from __future__ import annotations

import click


@click.command()
def acquire() -> None:
    """(not yet implemented)"""
    raise click.ClickException("not yet implemented")
