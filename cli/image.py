"""`scelle image` commands."""

from __future__ import annotations

import click


@click.group()
def image() -> None:
    """(not yet implemented)"""
