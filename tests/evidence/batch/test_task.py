"""A worker's task gives the result of the single-image library call, as JSON, and never raises for bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from evidence.acquisition.verify import verify_image
from evidence.batch.task import hash_task, verify_task
from evidence.common.report import VerificationError
from evidence.hashing.streams import digest_media
from evidence.sources import open_image
from tests.evidence.support.store import build_store, flip_byte


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("store")
    return build_store(root / "store", root / "src", 3, 700 * 1024)


def test_a_matching_image_gives_the_report_of_verify(images: list[Path]) -> None:
    for image in images:
        result = verify_task(str(image))
        assert result["status"] == "match" and result["exit_code"] == 0
        assert result["report"] == verify_image([image]).to_json()
        assert json.loads(json.dumps(result)) == result  # crosses the wire as JSON
        assert result["worker"]["pid"] == os.getpid() and result["worker"]["peak_rss_kib"] > 0
        assert result["started"].endswith("Z")


def test_a_mismatch_is_a_result_with_the_report_and_the_line_verify_prints(tmp_path: Path) -> None:
    (image,) = build_store(tmp_path / "store", tmp_path / "src", 1, 300 * 1024)
    flip_byte(image, 200_000)
    with pytest.raises(VerificationError) as caught:
        verify_image([image])
    result = verify_task(str(image))
    assert result["status"] == "mismatch" and result["exit_code"] == 3
    assert result["report"] == caught.value.report.to_json()
    assert result["error"] == str(caught.value)


def test_an_unreadable_image_is_an_error_result_in_the_language_asked(tmp_path: Path) -> None:
    fake = tmp_path / "cut.E01"
    fake.write_bytes(b"EVF\x09\x0d")  # the start of an EWF signature, cut
    english, french = verify_task(str(fake)), verify_task(str(fake), "fr")
    assert english["status"] == french["status"] == "error"
    assert english["exit_code"] == 3  # a cut EWF is a damaged image: exit 3, as scelle verify gives
    assert "truncated EWF segment" in english["error"]
    assert "segment EWF tronqué" in french["error"]
    missing = verify_task(str(tmp_path / "absent.raw"))
    assert missing["status"] == "error" and str(tmp_path / "absent.raw") in missing["error"]


def test_hash_task_gives_the_media_digests_of_image_hash(images: list[Path]) -> None:
    for image in images:
        with open_image([image]) as source:
            digests = digest_media(source)
        result = hash_task(str(image))
        assert result["status"] == "hashed" and result["exit_code"] == 0
        assert result["hash"] == {"size": digests.size, **{k: f"{k}:{v}" for k, v in digests.items()}}
