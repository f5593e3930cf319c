"""Print report pages to PDF in a few warm browsers, each driven by a thread of the build's process."""

from __future__ import annotations

import atexit
import contextlib
import queue
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PrintError, describe_error

if TYPE_CHECKING:
    from .pdf import PdfPrinter

CLOSE_WAIT_S = 120.0  # a page being printed when the build ends may take this long to finish
# A warm page prints a report in ~0.6 s against ~1.4 s for the report's own work, so one
# browser keeps up with two report processes; more browsers only compete for the cores.
REPORTS_PER_PRINTER = 2
MAX_PRINTERS = 4


class PrintService:
    """A few PdfPrinters (export.py), each owned by one thread; a page goes to whichever is free.

    Playwright's sync API stays on the thread that started it, so each thread keeps its own
    browser, and the build's thread stays free to follow the reports. Each browser reuses one
    warm page (about 0.6 s a report), so one keeps up with two report processes
    (plan.printers_for). A browser that fails a page is replaced for the next one.
    """

    def __init__(self, browser: str | None = None, printers: int = 1) -> None:
        self.browser = browser
        self._pages: queue.SimpleQueue[tuple[str, Path, Future[Path]] | None] = queue.SimpleQueue()
        count = max(1, printers)
        self._threads = [threading.Thread(target=self._serve, name="pdf", daemon=True) for _ in range(count)]

    @classmethod
    def for_reports(cls, slots: int, browser: str | None = None) -> PrintService:
        """As many browsers as `slots` report processes running at once need."""
        return cls(browser, printers=max(1, min(MAX_PRINTERS, slots // REPORTS_PER_PRINTER)))

    def start(self) -> None:
        """Start every browser now (a second each), while the first reports run."""
        for thread in self._threads:
            thread.start()

    def print_pdf(self, html: str, path: Path) -> Future[Path]:
        """Print `html` to `path` (written atomically by PdfPrinter)."""
        future: Future[Path] = Future()
        self._pages.put((html, Path(path), future))
        return future

    def print_bytes(self, html: str) -> bytes:
        """Print `html` and return the PDF (for a build whose outputs are written elsewhere)."""
        with tempfile.TemporaryDirectory(prefix="reportkit-pdf-") as tmp:
            return self.print_pdf(html, Path(tmp) / "report.pdf").result().read_bytes()

    def close(self) -> None:
        for _ in self._threads:
            self._pages.put(None)
        for thread in self._threads:
            if thread.is_alive():
                thread.join(CLOSE_WAIT_S)

    def _serve(self) -> None:
        printer = None
        with contextlib.suppress(PrintError):
            printer = self._open()  # the first page then finds its browser warm
        try:
            while (page := self._pages.get()) is not None:
                html, path, future = page
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    printer = printer or self._open()
                    future.set_result(printer.print_pdf(html, path))
                except Exception as exc:
                    future.set_exception(exc if isinstance(exc, PrintError) else _print_error(exc))
                    printer = _close(printer)
        finally:
            _close(printer)

    def _open(self) -> PdfPrinter:
        from .pdf import PdfPrinter  # here, on the printer's thread: the build may need none

        try:
            printer = PdfPrinter(self.browser)
            printer.open()
        except Exception as exc:
            raise PrintError(f"Không mở được trình duyệt để in PDF: {describe_error(exc)}") from exc
        return printer


def _print_error(exc: Exception) -> PrintError:
    return PrintError(f"Không in được PDF: {describe_error(exc)}")


def _close(printer: PdfPrinter | None) -> None:
    if printer is not None:
        with contextlib.suppress(Exception):
            printer.close()


_WORKER_SERVICE: PrintService | None = None
_WORKER_LOCK = threading.Lock()


def worker_print_service() -> PrintService:
    """This process's own print service (for Dask workers), started on first use."""
    global _WORKER_SERVICE
    with _WORKER_LOCK:
        if _WORKER_SERVICE is None:
            # The browser is found on the worker itself (PATH or $REPORTKIT_BROWSER there).
            _WORKER_SERVICE = PrintService()
            _WORKER_SERVICE.start()
            atexit.register(_WORKER_SERVICE.close)
        return _WORKER_SERVICE
