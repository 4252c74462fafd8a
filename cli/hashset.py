"""`scelle hashset`: index a hash set once (NSRL RDS v3, VICS 2.0, a plain list) for `image ls/extract --hashset`."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from cli.lang import lang_choice
from cli.usage import usage_error
from custody.i18n.messages import message
from evidence.hashing.hashsets import HashSet, build_index


@click.group()
def hashset() -> None:
    """Hash sets for triage: known software (NSRL) to leave aside, known material (VICS, lists) to flag."""


@hashset.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "target", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Index file.")
@click.option("--json", "as_json", is_flag=True, help="Print the index's facts as JSON.")
@lang_choice
def index(source: Path, target: Path, as_json: bool, lang: str) -> None:
    """Index SOURCE into a compact file that opens in milliseconds (give it to --hashset)."""
    if target.exists():
        raise usage_error("usage.exists", path=target)
    started = time.monotonic()
    opened = HashSet(build_index(source, target))
    facts = {
        "index": str(target),
        "name": opened.name,
        "kind": opened.kind,
        "source": opened.source,
        "digests": opened.counts,
        "seconds": round(time.monotonic() - started, 3),
    }
    opened.close()
    if as_json:
        click.echo(json.dumps(facts, ensure_ascii=False, indent=2))
        return
    counts = ", ".join(f"{count} {algorithm}" for algorithm, count in opened.counts.items())
    sha256 = opened.source["sha256"]
    click.echo(
        message(
            "hashset.indexed", lang, target=target, name=opened.name, kind=opened.kind, counts=counts, sha256=sha256
        )
    )
