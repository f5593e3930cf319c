"""Print report pages to PDF in warm browsers, each in a process of its own."""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import multiprocessing.connection
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..errors import PrintError
from .isolate import PROCESSES, ProcessGroup, describe_error, enter_own_group
from .speedups import skip_unused_imports

PRINT_TIMEOUT_S = 120.0  # one page; the browser's own steps time out after 60 s


def _printer_main(browser: str | None, conn: multiprocessing.connection.Connection) -> None:
    enter_own_group()
    skip_unused_imports()
    from .export import PdfPrinter

    try:
        printer = PdfPrinter(browser)
        printer.open()
    except Exception as exc:
        conn.send(("fatal", describe_error(exc)))
        return
    conn.send(("ready", str(printer.executable)))
    with printer:
        while (request := conn.recv()) is not None:
            html, path = request
            try:
                conn.send(("ok", str(printer.print_pdf(html, path))))
            except Exception as exc:
                conn.send(("error", describe_error(exc)))


class Printer:
    """One PdfPrinter (export.py) in a process of its own.

    Playwright's sync API must stay on the thread that started it, and the build's own
    thread must stay free to follow the reports: so the browser lives in its own process
    and this object talks to it, a page at a time. A browser that dies or hangs is replaced
    for the next page.
    """

    def __init__(self, browser: str | None, processes: ProcessGroup) -> None:
        self.browser, self._processes = browser, processes
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: multiprocessing.connection.Connection | None = None

    def launch(self) -> str:
        """Start the browser if it is not running; return its executable."""
        if self._conn is not None:
            return ""
        receive, send = multiprocessing.Pipe()
        # Spawned, not forked from the fork server: the browser then starts while the fork
        # server is still warming up, on the core that would otherwise wait.
        spawn = multiprocessing.get_context("spawn")
        self._process = self._processes.start(_printer_main, (self.browser, send), spawn)
        send.close()
        self._conn = receive
        kind, detail = self._receive()
        if kind != "ready":
            self.stop()
            raise PrintError(f"Không mở được trình duyệt để in PDF: {detail}")
        return detail

    def print_pdf(self, html: str, path: Path) -> Path:
        self.launch()
        assert self._conn is not None
        try:
            self._conn.send((html, str(path)))
            kind, detail = self._receive()
        except (OSError, EOFError, PrintError) as exc:
            self.stop()  # the next page gets a new browser
            raise PrintError(f"Không in được PDF: {exc}") from exc
        if kind != "ok":
            raise PrintError(f"Không in được PDF: {detail}")
        return Path(detail)

    def _receive(self) -> tuple[str, str]:
        assert self._conn is not None
        if not self._conn.poll(PRINT_TIMEOUT_S):
            raise PrintError(f"trình duyệt không trả lời sau {PRINT_TIMEOUT_S:g} s")
        return self._conn.recv()

    def stop(self) -> None:
        self.join(self.ask_to_stop())

    def ask_to_stop(self) -> multiprocessing.process.BaseProcess | None:
        """Tell the browser to close; the process to join is returned."""
        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.send(None)
            conn.close()
        return process

    def join(self, process: multiprocessing.process.BaseProcess | None) -> None:
        if process is not None:
            process.join(10)
            self._processes.stop(process)


class PrintService:
    """A few printers, each driven by a thread here; a page goes to whichever is free.

    Each browser reuses one warm page (about 0.6 s a report), so one browser keeps up with
    two report processes (build.printers_for); its pages queue behind each other.
    """

    def __init__(self, browser: str | None = None, printers: int = 1, processes: ProcessGroup = PROCESSES):
        self.browser, self.size, self._processes = browser, max(1, printers), processes
        self._threads = ThreadPoolExecutor(self.size, thread_name_prefix="pdf")
        self._local = threading.local()
        self._printers: list[Printer] = []
        self._lock = threading.Lock()

    def start(self) -> list[Future[str]]:
        """Start every browser now (a second each), while the first reports run."""
        # Each launch resolves its printer on the pool's thread that runs it, not here.
        return [self._threads.submit(lambda: self._printer().launch()) for _ in range(self.size)]

    def print_pdf(self, html: str, path: Path) -> Future[Path]:
        """Print `html` to `path` (written atomically by PdfPrinter)."""
        return self._threads.submit(lambda: self._printer().print_pdf(html, Path(path)))

    def print_bytes(self, html: str) -> bytes:
        """Print `html` and return the PDF (for a build whose outputs are written elsewhere)."""
        with tempfile.TemporaryDirectory(prefix="reportkit-pdf-") as tmp:
            return self.print_pdf(html, Path(tmp) / "report.pdf").result().read_bytes()

    def close(self) -> None:
        self._threads.shutdown(wait=True)
        with self._lock:
            printers, self._printers = self._printers, []
        # All browsers close at once, then each process is reaped.
        stopping = [(printer, printer.ask_to_stop()) for printer in printers]
        for printer, process in stopping:
            printer.join(process)

    def _printer(self) -> Printer:
        # Each thread keeps its own printer: a page never waits behind another thread's.
        printer = getattr(self._local, "printer", None)
        if printer is None:
            printer = self._local.printer = Printer(self.browser, self._processes)
            with self._lock:
                self._printers.append(printer)
        return printer


_WORKER_SERVICE: PrintService | None = None
_WORKER_LOCK = threading.Lock()


def worker_print_service() -> PrintService:
    """This process's own print service (for Dask workers), started on first use."""
    global _WORKER_SERVICE
    with _WORKER_LOCK:
        if _WORKER_SERVICE is None:
            # The browser is found on the worker itself (PATH or $REPORTKIT_BROWSER there).
            _WORKER_SERVICE = PrintService()
            atexit.register(_WORKER_SERVICE.close)
        return _WORKER_SERVICE
