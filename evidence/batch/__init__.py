"""Batch verification and hashing over an evidence store on a Dask cluster (``scelle batch verify|hash``).

``store`` lists the images of a folder or a manifest; ``task`` is what a worker runs for one image (the same
``verify_image`` / ``digest_media`` as ``scelle verify`` and ``scelle image hash``, returning a JSON object);
``cluster`` alone imports ``dask.distributed``: it submits the tasks, streams their results back and notes the
images read again after a worker was lost. Nothing here writes a ledger: the caller records events one by one.
"""
