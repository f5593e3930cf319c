"""Executors: where report processes run, on this machine's cores or on a Dask cluster."""

from __future__ import annotations

import dataclasses
import multiprocessing
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from .isolate import PROCESSES, ReportRun, ReportTask, describe_error, run_isolated, start_fork_server

DASK_DAEMON_HINT = (
    "Dask worker processes are daemons by default and cannot start report processes: "
    "start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False (see README-build.md)."
)


class Executor(Protocol):
    slots: int  # reports worth running at once
    prints_pdf: bool  # True: a run comes back with its PDF

    def start(self) -> None: ...
    def submit(self, task: ReportTask) -> Future[ReportRun]: ...
    def close(self, *, interrupted: bool = False) -> None: ...


class LocalExecutor:
    """Each report in a fresh process forked from this machine's warm fork server.

    A thread per slot waits on its report's process; the processes do the work, so the
    cores are used in parallel and a timeout or crash takes down one report only.
    """

    prints_pdf = False

    def __init__(self, workers: int) -> None:
        self.slots = max(1, workers)
        self._threads = ThreadPoolExecutor(self.slots, thread_name_prefix="report")

    def start(self) -> None:
        start_fork_server()

    def submit(self, task: ReportTask) -> Future[ReportRun]:
        return self._threads.submit(run_isolated, task)

    def close(self, *, interrupted: bool = False) -> None:
        if interrupted:
            PROCESSES.stop_all()
        self._threads.shutdown(wait=True, cancel_futures=True)


def run_on_worker(task: ReportTask) -> ReportRun:
    """A Dask task: run the report as the local executor does, then print its PDF here."""
    from .printing import worker_print_service

    if multiprocessing.current_process().daemon:
        return ReportRun(task.stem, None, None, DASK_DAEMON_HINT)
    run = run_isolated(task)
    if not run.ok or run.html is None:
        return run
    try:
        pdf = worker_print_service().print_bytes(run.html)
    except Exception as exc:
        return dataclasses.replace(run, error=describe_error(exc))
    return dataclasses.replace(run, pdf=pdf)


class DaskExecutor:
    """Reports on a Dask cluster: each task runs in a fresh process on a worker, which
    prints the PDF too; the outputs come back here and are written by the build."""

    prints_pdf = True

    def __init__(self, scheduler: Any) -> None:
        from distributed import Client

        self._owns_client = not isinstance(scheduler, Client)
        self.client = Client(scheduler) if self._owns_client else scheduler
        self.slots = max(1, sum(self.client.nthreads().values()))
        self._executor = self.client.get_executor(pure=False)

    def start(self) -> None:
        pass

    def submit(self, task: ReportTask) -> Future[ReportRun]:
        return self._executor.submit(run_on_worker, task)

    def close(self, *, interrupted: bool = False) -> None:
        self._executor.shutdown(wait=not interrupted)
        if self._owns_client:
            self.client.close()


def make_executor(workers: int, scheduler: Any = None) -> Executor:
    """Dask when a scheduler is given, else this machine."""
    if scheduler:
        return DaskExecutor(scheduler)
    return LocalExecutor(workers)
