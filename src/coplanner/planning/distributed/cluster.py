"""Connect to a Dask cluster, or start one on this machine, and read its figures."""

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from distributed import Client, LocalCluster

logger = logging.getLogger(__name__)

# How often Dask runs a failed task again before the unit counts as failed:
# enough to get past a worker that died or ran out of memory once.
TASK_RETRIES = 2
# A unit that found no plan in its time gets one more try this many times
# as long.
EXTRA_TIME_FACTOR = 2
# Seconds to wait for a named scheduler to answer before giving up.
CONNECT_TIMEOUT_S = 20


class ClusterError(RuntimeError):
    """The cluster could not be reached or started; the message says what to do."""


def default_workers() -> int:
    """Return the number of local workers: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def open_client(
    scheduler: str | None = None, workers: int | None = None
) -> Iterator[Client]:
    """Yield a client of the scheduler at ``scheduler``, or of a local cluster.

    The local cluster has ``workers`` processes (one per core by default)
    with one thread each, since the planner is CPU-bound and holds the
    interpreter lock; it is shut down on leaving, whatever happened.
    """
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except OSError as error:
            raise ClusterError(
                f"No Dask scheduler answered at {scheduler} ({error}). "
                "Start one with `dask scheduler`, or leave out --scheduler to "
                "plan on this machine."
            ) from None
        try:
            yield client
        finally:
            client.close()
        return
    count = workers or default_workers()
    cluster = LocalCluster(
        n_workers=count,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        host="127.0.0.1",
        # Dask's own log lines about workers starting and stopping are noise
        # to a person running a command; its errors still show.
        silence_logs=logging.ERROR,
    )
    try:
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def worker_count(client: Client) -> int:
    """Return how many workers the cluster has now."""
    return len(client.scheduler_info(n_workers=-1)["workers"])


def count_attempts(client: Client, key: str) -> int:
    """Return how many times the scheduler started the task ``key``.

    Read from the scheduler's transition log, which keeps the latest
    transitions only: ask soon after the task ended.
    """

    def started(dask_scheduler: Any, key: str) -> int:
        return sum(
            1
            for entry in dask_scheduler.story(key)
            if entry[0] == key and entry[2] == "processing"
        )

    return int(client.run_on_scheduler(started, key=key))


def memory_figures(client: Client) -> dict[str, int]:
    """Return the resident memory in bytes of the scheduler and each worker.

    Keys are ``scheduler`` and the workers' addresses.
    """

    def resident() -> int:
        import psutil

        return int(psutil.Process().memory_info().rss)

    figures = {"scheduler": int(client.run_on_scheduler(resident))}
    figures.update({address: int(rss) for address, rss in client.run(resident).items()})
    return figures
