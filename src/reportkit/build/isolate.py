"""A report's own process: run its notebook, render its page, with a timeout and no strays.

executors.LocalExecutor starts each report in a fresh process forked from the warm fork server
(zygote.py); what happens in that process is here."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from ..errors import ReportTimeout, describe_error
from ..export.page import first_line, render_html, stream_log
from .spec import DEFAULT_ENGINE, ENGINES

KILL_GRACE_S = 10.0  # past its timeout a report may take this long to save its error
# "__main__" first: children then find the main module already loaded and skip re-running it.
PRELOAD = ["__main__", "reportkit.build.zygote", "reportkit.cli"]
# A fork server is told nothing at its start but its environment: the project's data folder,
# whose shared words it warms (report/warmup.py), goes there for that moment (start_fork_server).
WARM_DATA_ENV = "REPORTKIT_WARM_DATA_DIR"


@dataclass(frozen=True)
class ReportTask:
    """What a report process needs: the notebook, its parameters and how to run it."""

    stem: str
    notebook: str
    output_path: str  # recorded in the notebook's papermill metadata; written by the build
    parameters: dict[str, Any] = field(hash=False)
    engine: str = DEFAULT_ENGINE
    timeout: float = 600.0
    strict: bool = False  # a warning or anything on stderr fails the report (tests)


@dataclass(frozen=True)
class ReportRun:
    """What came back: the executed notebook (with its error, if any) and the report page."""

    stem: str
    notebook: str | None  # the executed notebook as JSON text
    html: str | None
    error: str = ""
    pdf: bytes | None = None  # set where the PDF is printed next to the notebook (Dask)
    log: str = ""  # what the cells printed or raised: the build log's, never the page's

    @property
    def ok(self) -> bool:
        return not self.error and self.html is not None


# --- in the report's process -------------------------------------------------------------


def run_notebook(task: ReportTask) -> tuple[Any, BaseException | None]:
    """Papermill's execute_notebook without its file writes: the notebook comes back to the
    caller (with papermill's error markers when a cell failed) to be written atomically."""
    from nbclient.exceptions import CellTimeoutError
    from papermill.engines import papermill_engines
    from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook
    from papermill.utils import chdir

    from ..report.lab import building

    engine = ENGINES[task.engine]
    nb = load_notebook_node(task.notebook)
    nb = parameterize_notebook(nb, task.parameters, engine_name=engine)
    nb = prepare_notebook_metadata(nb, task.notebook, task.output_path)
    nb = remove_error_markers(nb)
    kernel = papermill_engines.nb_kernel_name(engine_name=engine, nb=nb)
    try:
        # building(): the notebook's blocks are shown for the page the build makes, which has the
        # report's styles in its <head> (report/lab.py).
        with chdir(os.path.dirname(task.notebook)), building():
            # Engines fill `nb` in place, so a failure still leaves its executed cells here; with
            # no output path, papermill writes nothing.
            nb = papermill_engines.execute_notebook_with_engine(
                engine, nb, kernel_name=kernel, progress_bar=False, execution_timeout=task.timeout
            )
        raise_for_execution_errors(nb, None)
    except (Exception, ReportTimeout) as exc:
        # A kernel's cell timeout ends its message with a dashed preview of the cell: say what
        # happened as the in-process alarm does.
        if isinstance(exc, CellTimeoutError):
            exc = ReportTimeout(describe_timeout(task.timeout))
        return nb, exc
    return nb, None


def describe_timeout(seconds: float) -> str:
    from ..formats import format_duration

    return f"Báo cáo chạy quá thời gian cho phép ({format_duration(seconds)})"


@contextmanager
def report_timer(seconds: float) -> Iterator[None]:
    """Raise ReportTimeout in this (main) thread once `seconds` have passed."""

    def expire(signum: int, frame: object) -> None:
        raise ReportTimeout(describe_timeout(seconds))

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def execute_report(task: ReportTask) -> ReportRun:
    """Execute the notebook and render its page; every failure comes back as data."""
    import nbformat

    nb, error, html, caught = None, None, None, []
    # A kernel has papermill's per-cell timeout; in-process cells get the alarm.
    timer = report_timer(task.timeout) if task.engine == "inprocess" else nullcontext()
    try:
        with timer, _recording_warnings(task.strict) as caught:
            nb, error = run_notebook(task)
            if error is None:
                html = render_html(nb, stem=task.stem)
    except (Exception, ReportTimeout) as exc:
        error = exc
    notebook = nbformat.writes(nb) if nb is not None else None
    message = describe_error(error) if error is not None else ""
    log = stream_log(nb) if nb is not None else ""
    log += "".join(f"--- warning\n{w.category.__name__}: {w.message}\n" for w in caught)
    if task.strict and not message:
        message = _strict_failure(nb, caught)
    return ReportRun(task.stem, notebook, html, message, log=log)


@contextmanager
def _recording_warnings(strict: bool) -> Iterator[list[warnings.WarningMessage]]:
    """Strict: record every warning, even one this process (or the fork server) saw before."""
    if not strict:
        yield []
        return
    with warnings.catch_warnings(record=True) as recorded:
        warnings.simplefilter("always")
        yield recorded


def _strict_failure(nb: Any, caught: list[warnings.WarningMessage]) -> str:
    # The category and message only: the warning's file path is for the log, not the index.
    if caught:
        first = caught[0]
        return f"Báo cáo phát sinh cảnh báo (--strict): {first.category.__name__}: {first.message}"
    stderr = [
        o.text for cell in (nb.cells if nb is not None else ()) for o in cell.get("outputs", ())
        if o.output_type == "stream" and o.name == "stderr"
    ]  # fmt: skip
    if stderr:
        return f"Báo cáo in ra stderr (--strict): {first_line(''.join(stderr))}"
    return ""


def _die_with_parent() -> None:
    # Killed or crashed parent: take this process and whatever it started (a kernel) along.
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        _kill_own_group()


def _kill_own_group(*_signal: object) -> None:
    os.killpg(0, signal.SIGKILL)


def enter_own_group(deadline_s: float) -> None:
    """A report process's start (the pool's initializer): lead a process group, so the build can
    stop this process and its children (a kernel) as one, and kill that group `deadline_s` from
    now, for a report that ignores its timeout or hangs where no exception reaches it."""
    os.setpgid(0, 0)
    signal.signal(signal.SIGTERM, _kill_own_group)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    threading.Thread(target=_die_with_parent, name="watch-parent", daemon=True).start()
    watchdog = threading.Timer(deadline_s, _kill_own_group)
    watchdog.daemon = True
    watchdog.start()


def process_context() -> multiprocessing.context.BaseContext:
    """Fork server where there is one (Linux, macOS): every report process is a fork of one
    process that has already imported and warmed the kit (zygote.py); elsewhere a plain spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx
