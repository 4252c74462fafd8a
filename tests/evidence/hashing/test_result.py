"""DigestResult: the one result of every digest_* call, read as {algorithm: hex digest}."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest

from evidence import DigestResult, digest_bytes, digest_file, digest_stream
from evidence.hashing.files import digest_chunks
from evidence.hashing.result import WindowDigest

DATA = b"scelle" * 1000


def test_every_digest_call_returns_the_same_type(tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.write_bytes(DATA)
    results = [
        digest_bytes(DATA),
        digest_chunks([DATA[:100], DATA[100:]]),
        digest_stream(io.BytesIO(DATA), len(DATA)),
        digest_file(path),
    ]
    for result in results:
        assert isinstance(result, DigestResult)
        assert result.size == len(DATA)
        assert result["sha256"] == hashlib.sha256(DATA).hexdigest()
    assert all(result == results[0] for result in results)


def test_a_result_reads_as_a_mapping_of_hex_digests_in_record_order() -> None:
    result = DigestResult(size=3, digests={"blake3": b"\x0b", "md5": b"\x01", "sha256": b"\x5a"})
    assert list(result) == ["md5", "sha256", "blake3"]
    assert dict(result) == result.hexdigests() == {"md5": "01", "sha256": "5a", "blake3": "0b"}
    assert json.dumps(result.hexdigests()) == '{"md5": "01", "sha256": "5a", "blake3": "0b"}'
    assert len(result) == 3 and "sha1" not in result
    with pytest.raises(KeyError):
        result["sha1"]
    assert result == {"blake3": "0b", "md5": "01", "sha256": "5a"}
    assert result != {"md5": "01", "sha256": "5a"}


def test_two_results_are_equal_only_when_everything_is() -> None:
    base = DigestResult(size=3, digests={"sha256": b"\x01"})
    assert base == DigestResult(size=3, digests={"sha256": b"\x01"})
    assert base != DigestResult(size=4, digests={"sha256": b"\x01"})
    assert base != DigestResult(size=3, digests={"sha256": b"\x01"}, window=1)
    windowed = DigestResult(size=3, digests={"sha256": b"\x01"}, windows=(WindowDigest(end=3, digests={}),))
    assert base != windowed
    assert base != "sha256:01"
