"""`scelle verify`."""

from __future__ import annotations

import click


@click.command()
def verify() -> None:
    """(not yet implemented)"""
    raise click.ClickException("not yet implemented")
