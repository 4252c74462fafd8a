"""Which files of an evidence store are images: first segments and recorded images, not later segments or records."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.batch.store import list_store
from evidence.common.messages import LocalisedUsageError
from tests.evidence.support.store import build_store


def test_a_folder_lists_each_image_once_by_its_first_segment(tmp_path: Path) -> None:
    firsts = build_store(tmp_path / "store", tmp_path / "src", 3, 600 * 1024)
    (tmp_path / "store" / "notes.txt").write_text("scellé n° 7\n", encoding="utf-8")
    (tmp_path / "store" / "case" / "deeper").mkdir(parents=True)
    (tmp_path / "store" / "case" / "deeper" / "other.dd").write_bytes(b"\0" * 512)
    listed = list_store(tmp_path / "store")
    assert [image.path for image in listed] == sorted(
        [str(p) for p in firsts] + [str(tmp_path / "store" / "case" / "deeper" / "other.dd")]
    )
    split = next(image for image in listed if image.path.endswith(".001"))
    assert split.stored_bytes == sum(p.stat().st_size for p in (tmp_path / "store").glob("img01.0??"))
    assert len(list((tmp_path / "store").glob("img01.0??"))) == 3  # img01.002 and .003 are not images of their own


def test_a_file_with_its_record_is_an_image_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "disk.bin").write_bytes(b"x")
    (tmp_path / "disk.bin.acquisition.json").write_text("{}", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"x")
    assert [image.path for image in list_store(tmp_path)] == [str(tmp_path / "disk.bin")]


def test_a_manifest_lists_images_relative_to_itself_in_its_order(tmp_path: Path) -> None:
    (tmp_path / "manifest.txt").write_text(
        "# seized 2026-03-03\nb.E01\n\n  sub/a.raw  \nmissing.raw\n", encoding="utf-8"
    )
    (tmp_path / "b.E01").write_bytes(b"EVF")
    listed = list_store(tmp_path / "manifest.txt")
    assert [image.path for image in listed] == [str(tmp_path / n) for n in ("b.E01", "sub/a.raw", "missing.raw")]
    assert [image.stored_bytes for image in listed] == [3, 0, 0]  # a missing image is its task's to report


@pytest.mark.parametrize(
    ("make", "code", "french"),
    [
        (lambda p: p / "nowhere", "batch.no_store", "dossier de preuves introuvable"),
        (lambda p: p, "batch.empty", "aucune image dans ce dossier"),
        (lambda p: p / "m.txt", "batch.manifest_unreadable", "lecture du manifeste impossible"),
    ],
)
def test_a_store_with_no_image_is_an_error_in_both_languages(
    tmp_path: Path, make: object, code: str, french: str
) -> None:
    (tmp_path / "m.txt").write_bytes(b"\xff\xfe bad")
    with pytest.raises(LocalisedUsageError) as caught:
        list_store(make(tmp_path))  # type: ignore[operator]
    assert caught.value.code == code
    assert french in caught.value.localised("fr")
    assert caught.value.exit_code == 1


def test_the_size_of_a_split_image_counts_its_later_segments_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "case[1].001").write_bytes(b"\0" * 1000)
    (tmp_path / "case[1].002").write_bytes(b"\0" * 500)
    (tmp_path / "case[1].002.sha256").write_bytes(b"\0" * 64)  # not a segment
    (listed,) = list_store(tmp_path)
    assert listed.path == str(tmp_path / "case[1].001") and listed.stored_bytes == 1500
