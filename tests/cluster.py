"""A real local Dask cluster for the tests and the benchmark: a scheduler and two workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

DASK = Path(sys.executable).parent / "dask"


class LocalCluster:
    """A ``dask scheduler`` and ``workers`` ``dask worker`` processes, each in its own group.

    Each worker has one thread; with ``nanny`` a worker that dies is restarted, without it
    the worker is gone for good.
    """

    def __init__(self, folder: Path, workers: int = 2, nanny: bool = True):
        self.folder = folder
        self.workers = workers
        self.nanny = nanny
        self.processes: list[subprocess.Popen] = []
        self.address = ""

    def _start(self, name: str, *args: str) -> None:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes.append(
            subprocess.Popen(
                [str(DASK), *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=self.folder,
            )
        )

    def start(self) -> LocalCluster:
        # The scheduler picks a free port itself and writes its address to the file.
        self.folder.mkdir(parents=True, exist_ok=True)
        file = self.folder / "scheduler.json"
        self._start(
            "scheduler",
            "scheduler",
            "--host=127.0.0.1",
            "--port=0",
            "--dashboard-address=127.0.0.1:0",
            f"--scheduler-file={file}",
        )
        deadline = time.monotonic() + 60
        while not file.is_file() or not file.read_text().strip():
            if time.monotonic() > deadline or self.processes[0].poll() is not None:
                raise RuntimeError((self.folder / "scheduler.log").read_text())
            time.sleep(0.2)
        self.address = json.loads(file.read_text())["address"]
        for i in range(1, self.workers + 1):
            self._start(
                f"worker{i}",
                "worker",
                f"--scheduler-file={file}",
                "--nworkers=1",
                "--nthreads=1",
                "--host=127.0.0.1",
                "--no-dashboard",
                "--nanny" if self.nanny else "--no-nanny",
            )
        self.wait_for_workers(self.workers)
        return self

    def wait_for_workers(self, n: int | None = None) -> None:
        from distributed import Client

        with Client(self.address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(self.workers if n is None else n, timeout=90)

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
