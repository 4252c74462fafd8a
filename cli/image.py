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
from typing import TYPE_CHECKING, Any

import click

from cli.image_render import info_json, info_text, listed_json, listed_text
from cli.lang import lang_choice
from cli.options import image_arguments, quiet_option, unlock_option, usage_error
from cli.options import json_option as _json
from cli.zone import display_zone_option, user_zone
from evidence.common.messages import Notice
from evidence.common.progress import NULL_PROGRESS, ProgressObserver
from evidence.reading.listing import Listed, Listing, list_entries, open_filesystems, read_entry
from evidence.reading.localtimes import has_local_times
from evidence.reading.timeline import bodyfile_line
from evidence.sources import open_image
from evidence.sources.base import ImageSource

if TYPE_CHECKING:
    from evidence.hashing.hashsets import HashSets

F = Callable[..., Any]
#: lines written to stdout at once by ``image ls`` (one per line on a terminal)
_LINES_PER_WRITE = 512


def _partition(func: F) -> F:
    return click.option(
        "--partition", "-p", type=int, default=None, help="Partition (TSK address, as `image info`/mmls show it)."
    )(func)


def _warn(notice: Notice) -> None:
    """``scelle: warning: ...`` on stderr, in the language of the messages (``--lang``, else the locale)."""
    from cli.language import message_language

    language = message_language()
    line = Notice("cli.warning", text=" ".join(notice.text(language).split()))
    click.echo(line.text(language), err=True)


def _not_hashed(listed: Listed) -> Notice:
    """Why a listed file has no digests, in the language it is shown in."""
    reason = listed.failure if listed.failure is not None else listed.error
    return Notice("fs.content_not_hashed", path=listed.entry.path, inode=listed.entry.inode, reason=reason)


def _images(func: F) -> F:
    """IMAGE... and --unlock (every image command reads an encrypted volume's plaintext the same way)."""
    return image_arguments(unlock_option(func))


def _open(images: tuple[str, ...] | list[str]) -> ImageSource:
    from cli.unlock import unlock_secret

    source = open_image(list(images), unlock=unlock_secret(str(images[0])) if images else None)
    for notice in source.notices:  # e.g. a damaged chunk table read through its backup copy
        _warn(notice)
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
@display_zone_option
@lang_choice
def info(images: tuple[str, ...], as_json: bool, display_tz: str | None, lang: str) -> None:
    """Format, media size, segments, stored hashes and case metadata, volumes and file systems.

    Dates are stored as UTC instants: the JSON gives them as RFC 3339 (``Z``), the text in --tz with its offset.
    """
    from evidence.reading.describe import describe_image  # only this command defines the report records

    zone = user_zone(display_tz)
    with _open(images) as source:
        report = describe_image(source)
    if as_json:
        click.echo(json.dumps(info_json(report), ensure_ascii=False, indent=2))
    else:
        click.echo(info_text(report, zone, lang))


def _hashset_option(func: F) -> F:
    return click.option(
        "--hashset",
        "hashsets",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Hash set to match files against (repeatable): NSRL RDS v3, VICS 2.0 JSON, a md5sum/sha256sum list, "
        "or an index from `scelle hashset index`. Implies --hash.",
    )(func)


def _hash_sets(paths: tuple[Path, ...]) -> HashSets | None:
    if not paths:
        return None
    from evidence.hashing.hashsets import HashSets

    return HashSets(paths)


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
@click.option(
    "--dfxml", is_flag=True, help="DFXML as `fiwalk -X` writes it, with MD5, SHA-1, SHA-256 and BLAKE3 of every file."
)
@click.option("--no-deleted", is_flag=True, help="Only allocated entries.")
@_hashset_option
@click.option(
    "--fs-tz",
    metavar="ZONE",
    default=None,
    help="Zone of the local times of FAT/exFAT (as `fls -z`); without it they are shown as recorded, marked Z.",
)
@quiet_option
@lang_choice
def ls(
    images: tuple[str, ...],
    partition: int | None,
    as_json: bool,
    bodyfile: bool,
    with_hash: bool,
    dfxml: bool,
    no_deleted: bool,
    hashsets: tuple[Path, ...],
    fs_tz: str | None,
    quiet: bool,
    lang: str,
) -> None:
    """List every entry like `fls -r -p`: deleted and orphan files, NTFS streams, TSK virtual entries.

    Times are UTC, except those of FAT and exFAT, which are local times of the device: read in --fs-tz, else shown
    as recorded; such a file system is named on stderr and its JSON lines carry ``fs_tz``.
    """
    if as_json + bodyfile + dfxml > 1:
        raise usage_error("usage.exclusive", options="--json, --bodyfile, --dfxml")
    if bodyfile and hashsets:
        raise usage_error("usage.not_with", option="--hashset", other="--bodyfile")
    if dfxml:
        _ls_dfxml(images, partition, no_deleted, fs_tz)
        return
    sets = _hash_sets(hashsets)
    with_hash = with_hash or sets is not None
    if bodyfile and with_hash:
        raise usage_error("usage.hash_bodyfile")
    with (
        _open(images) as source,
        _stdout_lines() as out,
        _listing_progress(with_hash and not quiet, lang, images) as progress,
    ):

        def warn(notice: Notice) -> None:
            out.flush()
            _warn(notice)

        listing = list_entries(
            source,
            partition,
            include_deleted=not no_deleted,
            hashes=with_hash,
            timeline=bodyfile,
            warn=warn,
            fs_tz=fs_tz,
            hashsets=sets,
        )
        local_zones = listing.local_zones()
        _note_local_times(listing, fs_tz)
        several = len(listing.filesystems) > 1
        hashed = 0
        for listed in listing:
            if listed.digests:  # the bytes of content hashed so far (the total is known only at the end)
                hashed += listed.entry.size
                progress.advanced(hashed)
            if listed.error:
                warn(_not_hashed(listed))
            if as_json:
                out.emit(listed_json(listed, with_hash, sets is not None, local_zones.get(listed.entry.partition)))
            elif bodyfile:
                out.emit(bodyfile_line(listed.entry))
            else:
                out.emit(listed_text(listed, several))
        out.flush()
        listing.check_complete()  # exit 4 when entries or content had to be left out (each already named)


def _note_local_times(listing: Listing, fs_tz: str | None) -> None:
    """Say on stderr, once per file system, that its times are local and in which zone they are read."""
    from cli.language import message_language
    from evidence.common.messages import message

    language = message_language()
    for fs in listing.filesystems:
        if has_local_times(fs.info.type):
            code = "fs.local_times" if fs_tz else "fs.local_times_unknown"
            text = message(code, language, context=fs.context, fs=fs.info.type, zone=fs_tz)
            click.echo(f"scelle: {' '.join(text.split())}", err=True)


def _ls_dfxml(images: tuple[str, ...], partition: int | None, no_deleted: bool, fs_tz: str | None) -> None:
    from evidence.common.version import __version__
    from evidence.reading.dfxml import ALGORITHMS, write_dfxml

    with _open(images) as source, _stdout_lines() as out:

        def warn(notice: Notice) -> None:
            out.flush()
            _warn(notice)

        extra = tuple(name for name in ALGORITHMS if name not in ("sha256", "blake3"))
        listing = list_entries(
            source,
            partition,
            include_deleted=not no_deleted,
            hashes=True,
            warn=warn,
            extra_digests=extra,
            fs_tz=fs_tz,
        )
        _note_local_times(listing, fs_tz)

        def listed() -> Iterator[Listed]:
            for item in listing:
                if item.error:
                    warn(_not_hashed(item))
                yield item

        command = " ".join(["scelle", "image", "ls", "--dfxml", *(["-p", str(partition)] if partition else [])])
        write_dfxml(
            out.emit,
            listed(),
            listing.filesystems,
            version=__version__,
            command_line=" ".join([command, *(["--no-deleted"] if no_deleted else []), *images]),
            image_names=[str(name) for name in source.segments],
        )
        out.flush()
        listing.check_complete()


@image.command()
@_images
@_partition
@click.option("--path", "entry_path", default=None, help="Entry path as `image ls` prints it.")
@click.option("--inode", default=None, help="Inode as `image ls` prints it: 14, or 64-128-2 for an NTFS stream.")
@lang_choice
def cat(images: tuple[str, ...], partition: int | None, entry_path: str | None, inode: str | None, lang: str) -> None:
    """Write the raw content of one entry to stdout (as `icat` does)."""
    if (entry_path is None) == (inode is None):
        raise usage_error("usage.one_of", options="--path, --inode")
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
@_hashset_option
@unlock_option
@click.option("--skip-known", is_flag=True, help="Leave out files an NSRL set knows (listed in the manifest).")
@quiet_option
@lang_choice
def extract(
    args: tuple[str, ...],
    out_dir: Path,
    partition: int | None,
    extra_paths: tuple[str, ...],
    hashsets: tuple[Path, ...],
    skip_known: bool,
    quiet: bool,
    lang: str,
) -> None:
    """Extract files (deleted ones too) under DIR with a JSON manifest.

    Arguments: IMAGE... [PATH...]. The leading arguments that exist as files here are the image; the rest are
    paths inside it (as `image ls` prints them). Use --path when a path inside the image could be mistaken for a
    file here.
    """
    from cli.progress import progress_for
    from evidence.reading.extract import extract as extract_files  # only this command needs the extraction code

    if skip_known and not hashsets:
        raise usage_error("usage.needs", option="--skip-known", other="--hashset")

    images, paths = _split_images(args)
    with _open(images) as source:
        filesystems = open_filesystems(source, partition)
        for volume, reason in filesystems.skipped:
            _warn(Notice("fs.skipped", label=volume.label, reason=reason))
        with progress_for(quiet, lang) as progress:
            manifest = extract_files(
                filesystems.filesystems,
                out_dir,
                paths + list(extra_paths),
                hashsets=_hash_sets(hashsets),
                skip_known=skip_known,
                progress=progress,
            )
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
