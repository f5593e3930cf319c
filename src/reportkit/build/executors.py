"""Executors: where report processes run, on this machine's cores or on a Dask cluster."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver
from typing import Any, Protocol

from ..errors import describe_error
from . import isolate
from .isolate import ReportRun, ReportTask, execute_report, process_context

# Dask's worker processes are daemons, which may not start processes of their own.
DASK_DAEMON_HINT = "Dask worker không tạo được tiến trình báo cáo: đặt DASK_DISTRIBUTED__WORKER__DAEMON=False"


class Executor(Protocol):
    slots: int  # reports worth running at once
    prints_pdf: bool  # True: a run comes back with its PDF

    def submit(self, task: ReportTask) -> Future[ReportRun]: ...
    def close(self, *, interrupted: bool = False) -> None: ...


def default_workers() -> int:
    """One report process per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 2


def start_fork_server(data_dir: str | os.PathLike[str] | None = None) -> None:
    """Start this machine's fork server (its imports and warm-up take about 2 s) if it is not
    running yet; the first report is forked from it as soon as it is ready. Given the project's
    data folder, it also warms what that project's reports share."""
    if process_context().get_start_method() != "forkserver":
        return
    os.environ[isolate.WARM_DATA_ENV] = str(data_dir or "")
    try:
        forkserver.ensure_running()
    finally:
        os.environ.pop(isolate.WARM_DATA_ENV, None)


class LocalExecutor:
    """Each report in a fresh process forked from this machine's warm fork server.

    A thread per slot waits on its report's process; the processes do the work, so the cores
    are used in parallel. Each process is its own one-process pool: a pool whose process dies
    is broken with every report it runs, so a report that crashes or is killed past its
    timeout takes down no other.
    """

    prints_pdf = False

    def __init__(self, workers: int = 0, data_dir: str | os.PathLike[str] | None = None) -> None:
        self.slots = max(1, workers or default_workers())
        self._threads = ThreadPoolExecutor(self.slots, thread_name_prefix="report")
        self._lock = threading.Lock()
        self._running: set[ProcessPoolExecutor] = set()
        self._stopped = False
        start_fork_server(data_dir)  # now, so its imports overlap the printer's start

    def submit(self, task: ReportTask) -> Future[ReportRun]:
        return self._threads.submit(self.run, task)

    def run(self, task: ReportTask) -> ReportRun:
        """Run the report in a fresh process; it kills itself (and its kernel) past timeout + grace."""
        started = time.perf_counter()
        deadline = task.timeout + isolate.KILL_GRACE_S
        pool = ProcessPoolExecutor(
            1, mp_context=process_context(), initializer=isolate.enter_own_group, initargs=(deadline,)
        )
        try:
            with self._lock:  # submit starts the process: then close can see it
                if self._stopped:
                    return ReportRun(task.stem, None, None, "Lần lập đã bị dừng")
                future = pool.submit(execute_report, task)
                self._running.add(pool)
            return future.result()
        except BrokenProcessPool:
            if time.perf_counter() - started >= task.timeout:
                error = isolate.describe_timeout(task.timeout) + " và đã bị dừng"
            else:
                error = "Tiến trình báo cáo dừng đột ngột"
            return ReportRun(task.stem, None, None, error)
        except Exception as exc:  # the task could not be sent or its result not read back
            return ReportRun(task.stem, None, None, describe_error(exc))
        finally:
            with self._lock:
                self._running.discard(pool)
            pool.shutdown(wait=True)

    def close(self, *, interrupted: bool = False) -> None:
        """Interrupted: SIGKILL every running report process with its group (its kernel) first."""
        if interrupted:
            with self._lock:
                self._stopped, pools = True, list(self._running)
            for pool in pools:
                # The pool's processes by pid (a private attribute; Python 3.14 has kill_workers()).
                for pid in list(getattr(pool, "_processes", None) or ()):
                    _kill_group(pid)
        self._threads.shutdown(wait=True, cancel_futures=True)


def _kill_group(pid: int) -> None:
    # A process that has not yet entered its own group is killed alone.
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
            return
        except (ProcessLookupError, PermissionError):
            continue


def run_on_worker(task: ReportTask) -> ReportRun:
    """A Dask task: run the report as the local executor does, then print its PDF here."""
    from ..export.printing import worker_print_service

    if multiprocessing.current_process().daemon:
        return ReportRun(task.stem, None, None, DASK_DAEMON_HINT)
    run = LocalExecutor(1).run(task)
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

    def submit(self, task: ReportTask) -> Future[ReportRun]:
        return self._executor.submit(run_on_worker, task)

    def close(self, *, interrupted: bool = False) -> None:
        self._executor.shutdown(wait=not interrupted)
        if self._owns_client:
            self.client.close()


def make_executor(workers: int, scheduler: Any = None, data_dir: str | None = None) -> Executor:
    """Dask when a scheduler is given, else this machine (warmed for the project in `data_dir`)."""
    if scheduler:
        return DaskExecutor(scheduler)
    return LocalExecutor(workers, data_dir)
