"""``acquire --resume``: which format's resume continues the interrupted run (raw: ``evidence.acquisition.resume``,
E01: ``evidence.acquisition.resume_e01``), each checking before it cuts anything back."""

from __future__ import annotations

from pathlib import Path

from evidence.acquisition.checkpoint import ResumePoint
from evidence.acquisition.media import IdentifiedMedia
from evidence.acquisition.raw_sink import RawSink
from evidence.acquisition.record import AcquisitionRecord
from evidence.acquisition.resume import cut_back, resume_point
from evidence.common.progress import NULL_PROGRESS, ProgressObserver
from evidence.common.sink import ImageSink


def resume_run(
    record_path: Path,
    output: Path,
    media: IdentifiedMedia,
    output_format: str,
    split_size: int | None,
    compress: str | None,
    media_type: str | None,
    physical: bool | None,
    retries: int,
    progress: ProgressObserver = NULL_PROGRESS,
) -> tuple[ResumePoint, AcquisitionRecord, ImageSink]:
    """Check the interrupted run to ``output``, cut its files back to the verified part, and return where to
    continue, its record and the sink that continues its files (raw here, E01 in ``resume_e01``, which re-reads
    the source under ``progress``)."""
    if output_format == "e01":
        from evidence.acquisition.resume_e01 import resume_e01  # the EWF writer only for E01

        return resume_e01(
            record_path,
            output,
            media,
            split_size=split_size,
            compress=compress,
            media_type=media_type,
            physical=physical,
            retries=retries,
            progress=progress,
        )
    start, earlier = resume_point(record_path, output, media.identity, split_size)
    cut_back(output, split_size, start.offset, record_path)
    return start, earlier, RawSink(output, split_size=split_size, resume=True)
