"""`scelle custody` commands."""

from __future__ import annotations

import click

from cli.custody_bundle import export, verify_bundle_command


@click.group()
def custody() -> None:
    """Custody ledger: keys, authorities, events, prosecutor bundles."""


custody.add_command(export)
custody.add_command(verify_bundle_command)
