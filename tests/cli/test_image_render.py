"""`image ls --json` lines are written by hand for speed: they must be what ``json.dumps`` writes, byte for byte."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from cli.image_render import listed_json
from evidence.reading.entries import Entry, Timestamp
from evidence.reading.listing import Listed

times = st.none() | st.builds(Timestamp, st.integers(-(2**34), 2**35), st.integers(0, 999_999_999))
hex_digest = st.text("0123456789abcdef", min_size=64, max_size=64)
entries = st.builds(
    Entry,
    partition=st.none() | st.integers(0, 200),
    path=st.text(),  # quotes, backslashes, control characters, non-BMP characters...
    path_bytes=st.just(b""),
    inode=st.from_regex(r"\d{1,12}(-\d{1,3}-\d{1,5})?", fullmatch=True) | st.text(max_size=12),
    meta_addr=st.integers(0, 2**48),
    attr_type=st.none(),
    attr_id=st.none(),
    allocated=st.booleans(),
    reallocated=st.booleans(),
    name_type=st.sampled_from("rd-"),
    meta_type=st.sampled_from("rd-"),
    meta_type_raw=st.sampled_from("rd-"),
    type=st.sampled_from(["file", "dir", "symlink", "virtual-dir", "unknown"]),
    size=st.integers(0, 2**63),
    mode=st.none(),
    uid=st.none(),
    gid=st.none(),
    mtime=times,
    atime=times,
    ctime=times,
    crtime=times,
)
digests = st.none() | st.fixed_dictionaries({"sha256": hex_digest, "blake3": hex_digest})


@given(entries, digests, st.booleans())
def test_listed_json_is_what_json_dumps_writes(entry: Entry, found: dict[str, str] | None, with_hashes: bool) -> None:
    record = entry.to_json(with_hashes=with_hashes, **(found or {}))
    expected = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    assert listed_json(Listed(entry, found), with_hashes) == expected
