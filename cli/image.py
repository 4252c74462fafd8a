"""`scelle image`: info, ls, cat, extract, hash. Each command parses, calls one library function, renders.

A closed stdout (``scelle image ls x.E01 | head``) is handled once for every command, in ``cli.main``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import click

from cli.image_render import info_json, info_text, listed_json, listed_text
from cli.lang import lang_choice
from cli.options import image_arguments as _images
from cli.options import json_option as _json
from cli.options import quiet_option
from evidence.common.progress import NULL_PROGRESS, ProgressObserver
from evidence.reading.listing import list_entries, open_filesystems, read_entry
from evidence.reading.timeline import bodyfile_line
from evidence.sources import open_image
from evidence.sources.base import ImageSource

F = Callable[..., Any]
#: lines written to stdout at once by ``image ls`` (one per line on a terminal)
_LINES_PER_WRITE = 512


def _partition(func: F) -> F:
    return click.option(
        "--partition", "-p", type=int, default=None, help="Partition (TSK address, as `image info`/mmls show it)."
    )(func)


def _warn(message: str) -> None:
    click.echo(f"scelle: warning: {' '.join(message.split())}", err=True)


def _open(images: tuple[str, ...] | list[str]) -> ImageSource:
    from cli.language import message_language

    source = open_image(list(images))
    for notice in source.notices:  # e.g. a damaged chunk table read through its backup copy
        _warn(notice.text(message_language()))
    return source


class _Lines:
    """Lines for stdout, written in UTF-8 in batches (each line at once on a terminal).

    ``click.echo`` writes and flushes once per line, and a listing prints one line per entry. ``flush`` is called
    before each warning, so that stdout and stderr sent to one file stay in order.
    """

    def __init__(self) -> None:
        sys.stdout.flush()
        self._out = sys.stdout.buffer
        self._batch = 1 if sys.stdout.isatty() else _LINES_PER_WRITE
        self._pending: list[str] = []

    def emit(self, line: str) -> None:
        """Print ``line`` (without its newline)."""
        self._pending.append(line)
        if len(self._pending) >= self._batch:
            self.flush()

    def flush(self) -> None:
        """Write what is pending."""
        if self._pending:
            text = "\n".join(self._pending) + "\n"
            self._pending.clear()
            self._out.write(text.encode("utf-8", "surrogateescape"))
        self._out.flush()


@contextmanager
def _stdout_lines() -> Iterator[_Lines]:
    """A ``_Lines`` whose pending lines are written at the end, also when the command fails part-way."""
    lines = _Lines()
    try:
        yield lines
    finally:
        lines.flush()


@click.group()
def image() -> None:
    """Read evidence images: raw, split raw (.001/.000/.aa) and EWF (E01/Ex01/S01)."""


@image.command()
@_images
@_json
def info(images: tuple[str, ...], as_json: bool) -> None:
    """Format, media size, segments, stored hashes and case metadata, volumes and file systems."""
    from evidence.reading.describe import describe_image  # only this command defines the report records

    with _open(images) as source:
        report = describe_image(source)
    if as_json:
        click.echo(json.dumps(info_json(report), ensure_ascii=False, indent=2))
    else:
        click.echo(info_text(report))


def _listing_progress(shown: bool, lang: str, images: tuple[str, ...]) -> AbstractContextManager[ProgressObserver]:
    """Progress of ``image ls --hash`` (the bytes hashed so far); the catalogue is loaded only when it is shown."""
    if not shown:
        return nullcontext(NULL_PROGRESS)
    from cli.progress import hashing_progress

    return hashing_progress(False, lang, images[0], None, what="listing and hashing")


@image.command(name="ls")
@_images
@_partition
@click.option("--json", "as_json", is_flag=True, help="One JSON object per entry and line.")
@click.option("--bodyfile", is_flag=True, help="TSK mactime bodyfile, as `fls -r -m /` prints it.")
@click.option("--hash", "with_hash", is_flag=True, help="Add SHA-256 and BLAKE3 of every regular file.")
@click.option("--no-deleted", is_flag=True, help="Only allocated entries.")
@quiet_option
@lang_choice
def ls(
    images: tuple[str, ...],
    partition: int | None,
    as_json: bool,
    bodyfile: bool,
    with_hash: bool,
    no_deleted: bool,
    quiet: bool,
    lang: str,
) -> None:
    """List every entry like `fls -r -p`: deleted and orphan files, NTFS streams, TSK virtual entries."""
    if as_json and bodyfile:
        raise click.UsageError("--json and --bodyfile are exclusive")
    if bodyfile and with_hash:
        raise click.UsageError("--hash is not available with --bodyfile (its hash field is MD5)")
    with (
        _open(images) as source,
        _stdout_lines() as out,
        _listing_progress(with_hash and not quiet, lang, images) as progress,
    ):

        def warn(message: str) -> None:
            out.flush()
            _warn(message)

        listing = list_entries(
            source, partition, include_deleted=not no_deleted, hashes=with_hash, timeline=bodyfile, warn=warn
        )
        several = len(listing.filesystems) > 1
        hashed = 0
        for listed in listing:
            if listed.digests:  # the bytes of content hashed so far (the total is known only at the end)
                hashed += listed.entry.size
                progress.advanced(hashed)
            if listed.error:
                warn(f"{listed.entry.path} ({listed.entry.inode}): content not hashed: {listed.error}")
            if as_json:
                out.emit(listed_json(listed, with_hash))
            elif bodyfile:
                out.emit(bodyfile_line(listed.entry))
            else:
                out.emit(listed_text(listed, several))
        out.flush()
        listing.check_complete()  # exit 4 when entries or content had to be left out (each already named)


@image.command()
@_images
@_partition
@click.option("--path", "entry_path", default=None, help="Entry path as `image ls` prints it.")
@click.option("--inode", default=None, help="Inode as `image ls` prints it: 14, or 64-128-2 for an NTFS stream.")
def cat(images: tuple[str, ...], partition: int | None, entry_path: str | None, inode: str | None) -> None:
    """Write the raw content of one entry to stdout (as `icat` does)."""
    if (entry_path is None) == (inode is None):
        raise click.UsageError("give exactly one of --path and --inode")
    out = sys.stdout.buffer
    with _open(images) as source:
        for chunk in read_entry(source, partition, path=entry_path, inode=inode):
            out.write(chunk)
        out.flush()


def _split_images(args: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """IMAGE... then PATH...: the leading arguments that are files on this host are the image's segments."""
    count = 1
    while count < len(args) and os.path.isfile(args[count]):
        count += 1
    return list(args[:count]), list(args[count:])


@image.command()
@click.argument("args", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Target directory.")
@_partition
@click.option("--path", "extra_paths", multiple=True, help="Entry to extract (repeatable), like PATH.")
@quiet_option
@lang_choice
def extract(
    args: tuple[str, ...], out_dir: Path, partition: int | None, extra_paths: tuple[str, ...], quiet: bool, lang: str
) -> None:
    """Extract files (deleted ones too) under DIR with a JSON manifest.

    Arguments: IMAGE... [PATH...]. The leading arguments that exist as files here are the image; the rest are
    paths inside it (as `image ls` prints them). Use --path when a path inside the image could be mistaken for a
    file here.
    """
    from cli.progress import progress_for
    from evidence.reading.extract import extract as extract_files  # only this command needs the extraction code

    images, paths = _split_images(args)
    with _open(images) as source:
        filesystems = open_filesystems(source, partition)
        for volume, reason in filesystems.skipped:
            _warn(f"{volume.label}: skipped: {reason}")
        with progress_for(quiet, lang) as progress:
            manifest = extract_files(filesystems.filesystems, out_dir, paths + list(extra_paths), progress=progress)
    click.echo(str(manifest))


@image.command(name="hash")
@_images
@_json
@quiet_option
@lang_choice
def hash_(images: tuple[str, ...], as_json: bool, quiet: bool, lang: str) -> None:
    """SHA-256 and BLAKE3 of the whole media (the bytes of the disk, not of the container files)."""
    from cli.progress import hashing_progress  # the catalogue: only the commands that show progress need it
    from evidence.hashing.streams import digest_media  # the read-once pipeline: only this command needs it

    with _open(images) as source, hashing_progress(quiet, lang, images[0], source.size) as progress:
        digests = digest_media(source, progress=progress)
        size = digests.size
    if as_json:
        click.echo(json.dumps({"size": size, **{k: f"{k}:{v}" for k, v in digests.items()}}, indent=2))
    else:
        for name, value in digests.items():
            click.echo(f"{name}:{value}")
