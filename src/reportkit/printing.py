"""Print report pages to PDF in one warm browser, in a process of its own."""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .isolate import PROCESSES, ProcessGroup, describe_error, enter_own_group

PRINT_TIMEOUT_S = 120.0  # one page; the browser's own steps time out after 60 s


class PrintError(RuntimeError):
    """A page could not be printed, or the browser could not be started."""


def _printer_main(browser: str | None, conn: multiprocessing.connection.Connection) -> None:
    enter_own_group()
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


class PrintService:
    """One PdfPrinter (export.py) in a process forked from the warm fork server.

    Playwright's sync API must stay on the thread that started it, and the build's own
    thread must stay free to follow the reports: so the browser lives in its own process,
    and one thread here talks to it, a page at a time. A browser that dies or hangs is
    replaced for the next page.
    """

    def __init__(self, browser: str | None = None, processes: ProcessGroup = PROCESSES) -> None:
        self.browser = browser
        self._processes = processes
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf")
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: multiprocessing.connection.Connection | None = None
        self._ready: Future[str] | None = None

    def start(self) -> Future[str]:
        """Start the browser now (it takes a second); the future gives its path or fails."""
        if self._ready is None:
            self._ready = self._thread.submit(self._launch)
        return self._ready

    def print_pdf(self, html: str, path: Path) -> Future[Path]:
        """Print `html` to `path` (written atomically by PdfPrinter)."""
        self.start()
        return self._thread.submit(self._print, html, Path(path))

    def print_bytes(self, html: str) -> bytes:
        """Print `html` and return the PDF (for a build whose outputs are written elsewhere)."""
        with tempfile.TemporaryDirectory(prefix="reportkit-pdf-") as tmp:
            path = self.print_pdf(html, Path(tmp) / "report.pdf").result()
            return path.read_bytes()

    def close(self) -> None:
        if self._ready is not None:
            self._thread.submit(self._stop).result()
        self._thread.shutdown(wait=True)

    def _launch(self) -> str:
        receive, send = multiprocessing.Pipe()
        self._process = self._processes.start(_printer_main, (self.browser, send))
        send.close()
        self._conn = receive
        kind, detail = self._receive(PRINT_TIMEOUT_S)
        if kind != "ready":
            self._stop()
            raise PrintError(detail)
        return detail

    def _print(self, html: str, path: Path) -> Path:
        if self._conn is None:
            self._launch()
        assert self._conn is not None
        try:
            self._conn.send((html, str(path)))
            kind, detail = self._receive(PRINT_TIMEOUT_S)
        except (OSError, EOFError, PrintError) as exc:
            self._stop()  # the next page gets a new browser
            raise PrintError(f"Không in được PDF: {exc}") from exc
        if kind != "ok":
            raise PrintError(f"Không in được PDF: {detail}")
        return Path(detail)

    def _receive(self, timeout: float) -> tuple[str, str]:
        assert self._conn is not None
        if not self._conn.poll(timeout):
            raise PrintError(f"trình duyệt không trả lời sau {timeout:g} s")
        return self._conn.recv()

    def _stop(self) -> None:
        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.send(None)
            conn.close()
        if process is not None:
            process.join(10)
            self._processes.stop(process)


_WORKER_SERVICE: PrintService | None = None
_WORKER_LOCK = threading.Lock()


def worker_print_service() -> PrintService:
    """This process's own print service (for Dask workers), started on first use."""
    global _WORKER_SERVICE
    with _WORKER_LOCK:
        if _WORKER_SERVICE is None:
            # The browser is found on the worker itself (PATH or $REPORTKIT_BROWSER there).
            _WORKER_SERVICE = PrintService()
        return _WORKER_SERVICE
