"""`scelle custody` commands."""

from __future__ import annotations

import click


@click.group()
def custody() -> None:
    """(not yet implemented)"""
