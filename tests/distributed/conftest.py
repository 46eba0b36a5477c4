"""A real Dask cluster on loopback: one `dask scheduler` and two `dask worker`s.

The processes are started from the virtual environment's ``dask`` command,
each in a session of its own, and their whole process groups are ended when
the test session is done, whatever happened.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from distributed import Client

DASK = Path(sys.executable).with_name("dask")
WORKERS = 2
START_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(arguments: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(DASK), *arguments],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End a process and everything it started (a worker's nanny has a child)."""
    if process.poll() is not None:
        return
    group = os.getpgid(process.pid)
    os.killpg(group, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(group, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def scheduler_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start a scheduler and two one-thread workers on 127.0.0.1; yield the address."""
    logs = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.append(
            _start(
                [
                    "scheduler",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--no-dashboard",
                ],
                logs / "scheduler.log",
            )
        )
        for number in range(WORKERS):
            processes.append(
                _start(
                    [
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--host",
                        "127.0.0.1",
                        "--no-dashboard",
                        "--name",
                        f"test-worker-{number}",
                    ],
                    logs / f"worker-{number}.log",
                )
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        with Client(address, timeout=START_TIMEOUT_S) as client:
            client.wait_for_workers(WORKERS, timeout=deadline - time.monotonic())
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)


@pytest.fixture
def client(scheduler_address: str) -> Iterator[Client]:
    with Client(scheduler_address, timeout=30) as connected:
        yield connected
