"""`scelle batch verify|hash STORE`: many images of an evidence store on a Dask cluster (local by default).

Every image is verified (or hashed) by the worker that reads it, with the library call of ``scelle verify`` (or
``scelle image hash``); results stream, as they complete, to ``--report`` (JSON lines) or stdout (``--json``), and
a summary follows. With ``--ledger``, this process records one ``verified`` event per image that matched, one at a
time through the ledger's own append: workers never touch the ledger.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from cli.custody.verified import custody_for_verification
from cli.lang import lang_choice
from cli.options import examiner_ledger_options, json_option, quiet_option
from cli.progress import progress_for
from cli.signals import terminate_as_interrupt
from custody.i18n.messages import message

if TYPE_CHECKING:
    from cli.custody.verified import VerificationCustody
    from evidence.batch.store import StoreImage
    from evidence.common.progress import ProgressObserver

F = TypeVar("F", bound=Callable[..., Any])
#: the progress label of each batch, as the library names its operations (cli.progress translates it)
ACTIVITY = {"verify": "verifying", "hash": "hashing"}


@click.group()
def batch() -> None:
    """Verify or hash every image of an evidence store on a Dask cluster (this machine's cores by default)."""


def batch_options(func: F) -> F:
    """STORE, --scheduler, --timeout, --workers, --report, --json, --quiet, --lang."""
    options = (
        click.argument("store", type=click.Path(path_type=str)),
        click.option(
            "--scheduler",
            metavar="tcp://HOST:8786",
            help="A lab's running Dask scheduler; its workers must see STORE at the same path. Default: a local "
            "cluster on this machine.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=30.0,
            show_default=True,
            help="Seconds to wait for --scheduler to answer, then for one of its workers.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            help="Worker processes of the local cluster (default: one per core).",
        ),
        click.option(
            "--report",
            type=click.Path(dir_okay=False, path_type=str),
            help="Write one JSON line per image, as each completes, to this new file.",
        ),
        json_option,
        quiet_option,
        lang_choice,
    )
    for option in reversed(options):
        func = option(func)
    return func


@batch.command("verify")
@batch_options
@examiner_ledger_options("verified", "the verification")
def verify_(
    store: str,
    scheduler: str | None,
    timeout: float,
    workers: int | None,
    report: str | None,
    as_json: bool,
    quiet: bool,
    lang: str,
    ledger: str | None,
    key_file: str | None,
    authorities: tuple[str, ...],
    ledger_key: str | None,
    location: str | None,
    seal: str | None,
    zone: str | None,
) -> None:
    """Verify every image of STORE against its acquisition record or stored E01 hashes, as `scelle verify` does.

    STORE is a folder (searched recursively) or a manifest (one image per line, relative to it). An image that
    cannot be read or does not match is reported and the batch goes on; an image whose worker was lost is read
    again by another worker, and the report says so. With --ledger and --key, a `verified` event is recorded for
    each image that matched.

    Exit 0 when every image matched, 3 when any did not match, else 1 when any could not be verified.
    """
    with custody_for_verification(ledger, key_file, authorities, ledger_key, zone, location, seal) as custody:
        _run("verify", store, (scheduler, timeout, workers), report, as_json, quiet, lang, custody, ledger)


@batch.command("hash")
@batch_options
def hash_(
    store: str,
    scheduler: str | None,
    timeout: float,
    workers: int | None,
    report: str | None,
    as_json: bool,
    quiet: bool,
    lang: str,
) -> None:
    """The media digests (SHA-256, BLAKE3) of every image of STORE, as `scelle image hash` gives them.

    Exit 0 when every image was read, 3 when one is damaged (as `image hash` exits), else 1.
    """
    _run("hash", store, (scheduler, timeout, workers), report, as_json, quiet, lang, None, None)


def _run(
    kind: str,
    store: str,
    cluster: tuple[str | None, float, int | None],
    report: str | None,
    as_json: bool,
    quiet: bool,
    lang: str,
    custody: VerificationCustody | None,
    ledger: str | None,
) -> None:
    from evidence.batch.cluster import connect, run_batch
    from evidence.batch.store import list_store

    images = list_store(store)
    scheduler, timeout, workers = cluster
    with (
        _report_file(report) as out,
        terminate_as_interrupt(),
        connect(scheduler, workers, timeout) as client,
    ):
        info = client.scheduler_info()
        count = len(info.get("workers", {}))
        click.echo(
            message("batch.cluster", lang, count=len(images), address=info.get("address"), workers=count), err=True
        )
        with progress_for(quiet, lang) as progress:
            stream = _Stream(images, progress, out, as_json, custody, lang)
            progress.started(f"{ACTIVITY[kind]} {store}", stream.total)
            try:
                run_batch(client, kind, images, stream.add, lang=lang)
            finally:
                progress.finished()
        results = sorted(stream.results, key=lambda r: int(r["index"]))
    _summarise(kind, results, as_json, lang)
    if custody is not None:
        recorded = sum(1 for r in results if "custody" in r and "entry" in r["custody"])
        click.echo(message("batch.custody.recorded", lang, count=recorded, ledger=ledger), err=True)
    failed = [int(r["exit_code"]) for r in results if r["exit_code"]] + [1 for r in results if _custody_failed(r)]
    if failed:
        click.get_current_context().exit(3 if 3 in failed else 1)


def _custody_failed(result: dict[str, Any]) -> bool:
    return "custody" in result and "error" in result["custody"]


class _Stream:
    """Takes each result as it completes: ledger event, report line, progress."""

    def __init__(
        self,
        images: tuple[StoreImage, ...],
        progress: ProgressObserver,
        out: IO[str] | None,
        as_json: bool,
        custody: VerificationCustody | None,
        lang: str,
    ) -> None:
        self.images, self.progress, self.out, self.as_json, self.custody, self.lang = (
            images,
            progress,
            out,
            as_json,
            custody,
            lang,
        )
        self.total = sum(image.stored_bytes for image in images)
        self.done = 0
        self.results: list[dict[str, Any]] = []

    def add(self, result: dict[str, Any]) -> None:
        if self.custody is not None and result["status"] == "match":
            result["custody"] = self._record(result)
        line = json.dumps(result, ensure_ascii=False)
        if self.out is not None:
            self.out.write(line + "\n")
            self.out.flush()
        if self.as_json:
            click.echo(line)
        self.results.append(result)
        self.done += self.images[int(result["index"])].stored_bytes
        self.progress.advanced(self.done)

    def _record(self, result: dict[str, Any]) -> dict[str, Any]:
        from evidence.common.errors import EvidenceError
        from evidence.common.messages import error_text
        from evidence.common.version import TOOL_NAME, __version__

        assert self.custody is not None  # noqa: S101 - checked by the caller
        started = datetime.fromisoformat(str(result["started"]))
        try:
            appended = self.custody.append_json(result["report"], f"{TOOL_NAME} {__version__} batch verify", started)
        except EvidenceError as exc:  # an event refused for one image does not stop the others
            text = " ".join(error_text(exc, self.lang).split())
            click.echo(message("batch.custody.failed", self.lang, image=result["image"], reason=text), err=True)
            return {"error": text}
        return {"entry": appended.entry.entry_id, "index": appended.index}


def _report_file(path: str | None) -> Any:
    from contextlib import nullcontext

    from evidence.common.messages import LocalisedUsageError

    if path is None:
        return nullcontext(None)
    try:
        return open(path, "x", encoding="utf-8")
    except FileExistsError as exc:
        raise LocalisedUsageError("batch.report_exists", path=path) from exc


def _summarise(kind: str, results: list[dict[str, Any]], as_json: bool, lang: str) -> None:
    echo = (lambda text: click.echo(text, err=True)) if as_json else click.echo
    if not as_json:
        for result in results:
            status = message(f"batch.status.{result['status']}", lang)
            worker = result.get("worker")
            where = message("batch.worker", lang, host=worker["host"], pid=worker["pid"]) if worker else ""
            echo(f"{status:<14} {result['image']}  ({where})" if where else f"{status:<14} {result['image']}")
            for detail in (result.get("error"), result.get("note")):
                if detail:
                    echo(f"    {detail}")
    counts = {status: sum(1 for r in results if r["status"] == status) for status in ("match", "mismatch", "error")}
    if kind == "verify":
        echo(
            message(
                "batch.summary.verify",
                lang,
                total=len(results),
                ok=counts["match"],
                mismatch=counts["mismatch"],
                error=counts["error"],
            )
        )
    else:
        ok = sum(1 for r in results if r["status"] == "hashed")
        echo(message("batch.summary.hash", lang, total=len(results), ok=ok, error=counts["error"]))
    retried = sum(1 for r in results if int(r.get("attempts", 1)) > 1)
    if retried:
        echo(message("batch.summary.retried", lang, count=retried))
