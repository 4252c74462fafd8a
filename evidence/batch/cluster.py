"""Run a batch on ``dask.distributed``: a local cluster on this machine's cores, or a lab's existing scheduler.

Each image is one task (``evidence.batch.task``) submitted by its path, so the worker that runs it reads the image
itself: on a lab's cluster the store must be mounted at the same path on every worker. Results come back as they
complete. When a worker is lost mid-image (killed, out of memory, its machine gone), the scheduler gives the task
to another worker, which reads the image again from the start; the scheduler counts such losses per task
(``suspicious``), and the result says how many there were. After ``allowed_failures`` losses (Dask's setting,
3 by default) Dask gives the image up (``KilledWorker``): that image is an error, and the batch goes on.

The only module that imports ``distributed``; an installation without it gets a one-line error.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from evidence.batch.store import StoreImage
from evidence.batch.task import hash_task, verify_task
from evidence.common.messages import LocalisedUsageError, message

if TYPE_CHECKING:
    from distributed import Client

TASKS: dict[str, Callable[[str, str], dict[str, Any]]] = {"verify": verify_task, "hash": hash_task}
#: default seconds to wait for a lab's scheduler to answer, then for its first worker
CONNECT_TIMEOUT = 30.0


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise LocalisedUsageError("batch.no_dask") from exc
    for name in ("distributed", "tornado"):  # a lost worker is reported in the results, not as a log on stderr
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return distributed


@contextmanager
def connect(
    scheduler: str | None = None, workers: int | None = None, timeout: float = CONNECT_TIMEOUT
) -> Iterator[Client]:
    """A client of ``scheduler`` (``tcp://HOST:8786``; ``timeout`` seconds for it to answer, then as many for a
    worker), else of a new local cluster of ``workers`` processes (default: one per core), each with one thread:
    hashing is bound by one core per image."""
    if scheduler is not None and workers is not None:
        raise LocalisedUsageError("batch.workers_with_scheduler")
    distributed = _distributed()
    if scheduler is None:
        count = workers or os.cpu_count() or 1
        with (
            distributed.LocalCluster(
                n_workers=count, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise LocalisedUsageError("batch.scheduler", address=scheduler, reason=" ".join(str(exc).split())) from exc
    with client:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise LocalisedUsageError("batch.no_workers", address=scheduler) from exc
        yield client


def run_batch(
    client: Client,
    kind: str,
    images: Sequence[StoreImage],
    on_result: Callable[[dict[str, Any]], None],
    *,
    lang: str = "en",
) -> None:
    """Run ``kind`` (``verify`` or ``hash``) on every image; call ``on_result`` with each result as it completes.

    Each result is the task's JSON object plus ``index`` (the image's place in the store) and ``attempts`` (1, or
    more when a worker was lost while reading it; then ``note`` says so).
    """
    distributed = _distributed()
    task = TASKS[kind]
    batch = uuid.uuid4().hex[:12]
    futures = {
        client.submit(task, image.path, lang, key=f"scelle-{kind}-{index}-{batch}", pure=False): index
        for index, image in enumerate(images)
    }
    for future in distributed.as_completed(futures):
        index = futures.pop(future)
        lost = _losses(client, future.key)
        note = message("batch.retried", lang, lost=lost) if lost else None
        try:
            result = future.result()
        except distributed.KilledWorker as exc:
            note = None
            result = _failed(images[index], message("batch.given_up", lang, lost=lost, reason=exc))
        except Exception as exc:  # noqa: BLE001 - a task that fails for any reason never stops the batch
            reason = " ".join(f"{type(exc).__name__}: {exc}".split())
            result = _failed(images[index], message("batch.task_failed", lang, reason=reason))
        finally:
            future.release()
        result["index"] = index
        result["attempts"] = lost + 1
        if note is not None:
            result["note"] = note
        on_result(result)


def _failed(image: StoreImage, text: str) -> dict[str, Any]:
    return {"image": image.path, "status": "error", "exit_code": 1, "error": text, "worker": None}


def _losses(client: Client, key: str) -> int:
    """How many workers were lost while running the task ``key`` (the scheduler's count; 0 if it cannot say)."""

    def suspicious(dask_scheduler: Any, key: str) -> int:  # pickled by value: the scheduler need not have scelle
        state = dask_scheduler.tasks.get(key)
        return int(state.suspicious) if state is not None else 0

    try:
        return int(client.run_on_scheduler(suspicious, key=key))  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError):
        return 0
