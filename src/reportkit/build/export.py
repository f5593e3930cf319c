"""Export executed report notebooks to self-contained HTML and print that HTML to A4 PDF."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..errors import BrowserNotFoundError
from ..files import write_atomic
from ..report.fonts import font_face_css

if TYPE_CHECKING:
    import nbformat
    from nbconvert import HTMLExporter
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route

__all__ = [
    "BROWSER_ENV_VAR",
    "PdfPrinter",
    "find_browser",
    "render_html",
    "stream_log",
]

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
TEMPLATE_NAME = "reportkit"

# papermill's parameter cells hold run settings, not report content.
REMOVED_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell"})
# What a cell printed (stdout, stderr, warnings) or raised is for the build log, never for the
# committee's page: it carries machine paths and code. Only displays and results are the report.
DROPPED_OUTPUT_TYPES = frozenset({"stream", "error"})

BROWSER_ENV_VAR = "REPORTKIT_BROWSER"
BROWSER_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
    "microsoft-edge-stable",
    "msedge",
)
BROWSER_PATHS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/lib/chromium/chromium",
    "/snap/bin/chromium",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/opt/google/chrome/chrome",
    "/usr/bin/microsoft-edge",
    "/usr/bin/microsoft-edge-stable",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
)

# Headless printing needs no GPU, sync, updates or background traffic; --no-sandbox
# lets it run as root in containers and CI.
BROWSER_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# Everything a self-contained report may legitimately load; anything else is a network
# request, which a report must never make.
LOCAL_URL_SCHEMES = frozenset({"file", "data", "about", "blob"})

# A renderer that printed this many reports is replaced, so its memory stays bounded.
PAGES_PER_CONTEXT = 40

# The PDF is laid out for its A4 pages, not for the window, so the window can be tiny: then
# Chromium does not paint a screen nobody sees, about 0.1 s of CPU less per report.
WINDOW = {"width": 16, "height": 16}


# HTMLExporter re-registers filters and per-notebook state on every call, so the shared
# exporter must not convert two notebooks at once (build runs notebooks in threads).
_EXPORT_LOCK = threading.Lock()


@functools.cache
def _exporter() -> HTMLExporter:
    # Building the exporter and compiling its templates takes ~0.5 s; later calls reuse it.
    # nbconvert is imported here, not at the top: the build's printer processes load this
    # module only for PdfPrinter, and nbconvert would add a second of imports to each.
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVED_CELL_TAGS)
    # The template shows no code, so the Pygments stylesheet would be dead weight.
    config.CSSHTMLHeaderPreprocessor.enabled = False
    config.HTMLExporter.exclude_anchor_links = True
    exporter = HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
    )
    exporter.register_preprocessor(_report_outputs_only, enabled=True)
    return exporter


def _report_outputs_only(notebook, resources):
    # A preprocessor (nbconvert calls it on its own copy of the notebook): streams and
    # errors are dropped, display_data and execute_result pass untouched.
    for cell in notebook.cells:
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if o.output_type not in DROPPED_OUTPUT_TYPES]
    return notebook, resources


def render_html(notebook: nbformat.NotebookNode, *, title: str | None = None) -> str:
    """Return the report page (one self-contained HTML string) for an executed notebook.

    `title` becomes the HTML <title> and so the PDF's document title; without it the
    notebook's metadata.title, else "Báo cáo". Safe to call from several threads.
    """
    resources = {"report_title": title, "font_face_css": font_face_css()}
    with _EXPORT_LOCK:
        html, _ = _exporter().from_notebook_node(notebook, resources=resources)
    return html


def stream_log(notebook: nbformat.NotebookNode) -> str:
    """What the notebook's cells printed or raised (the outputs the page leaves out), as the
    text of the build log: a line naming each cell, then its output."""
    parts = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", ()):
            if output.output_type == "stream":
                text = output.text
            elif output.output_type == "error":
                text = "\n".join([f"{output.ename}: {output.evalue}", *output.traceback])
            else:
                continue
            name = output.get("name", output.output_type)
            parts.append(f"--- cell {index} [{name}]\n{text.rstrip()}\n")
    return "".join(parts)


def first_line(log: str) -> str:
    """The first line of a stream_log that is output, not a cell heading."""
    lines = (line.strip() for line in log.splitlines())
    return next((line for line in lines if line and not line.startswith("--- cell ")), "")


def find_browser(configured: str | os.PathLike[str] | None = None) -> Path:
    """Return the browser executable: `configured`, else $REPORTKIT_BROWSER, else a search."""
    configured = configured or os.environ.get(BROWSER_ENV_VAR) or None
    if configured:
        return _configured_browser(str(configured))
    for name in BROWSER_NAMES:
        if found := shutil.which(name):
            return Path(found)
    for candidate in map(Path, BROWSER_PATHS):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise BrowserNotFoundError(
        "No Chromium, Chrome or Edge found to print PDFs. Install one "
        "(Debian/Ubuntu: `sudo apt-get install chromium`, or run scripts/setup-system.sh) "
        f"or set {BROWSER_ENV_VAR} to the browser executable."
    )


def _configured_browser(configured: str) -> Path:
    # An explicit choice that is wrong is an error, not a reason to pick another browser.
    path = Path(configured).expanduser()
    if path.is_file() and os.access(path, os.X_OK):
        return path
    if found := shutil.which(configured):
        return Path(found)
    raise BrowserNotFoundError(
        f"The configured browser {configured!r} is not an executable file. Fix the path "
        f"(argument or {BROWSER_ENV_VAR}) or install Chromium: `sudo apt-get install chromium`."
    )


class PdfPrinter:
    """One headless browser that prints many report pages to PDF.

    Use as a context manager: ``with PdfPrinter() as printer: printer.print_pdf(html, path)``.
    URLs of network requests that were blocked are collected in `blocked_urls`.
    """

    def __init__(self, browser: str | os.PathLike[str] | None = None, *, timeout_ms: int = 60_000):
        # Resolve now so a missing browser fails before any notebook work starts.
        self.executable = find_browser(browser)
        self.timeout_ms = timeout_ms
        self.blocked_urls: list[str] = []
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._printed = 0  # pages printed by the current context

    def __enter__(self) -> PdfPrinter:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Start the browser (done by `with`)."""
        if self._browser is not None:
            return
        # Imported here: finding the browser or rendering HTML needs none of Playwright.
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=str(self.executable),
                args=list(BROWSER_ARGS),
                headless=True,
                timeout=self.timeout_ms,
            )
        except BaseException:
            self._playwright.stop()
            self._playwright = None
            raise

    def close(self) -> None:
        """Stop the browser (done by `with`)."""
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        self._context = self._page = None  # closed with the browser
        try:
            if browser is not None:
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()

    def print_pdf(self, html: str, out_path: str | os.PathLike[str]) -> Path:
        """Print `html` to an A4 PDF at `out_path` (written atomically) and return the path."""
        if self._browser is None:
            raise RuntimeError("PdfPrinter is not open; use it as `with PdfPrinter() as p:`")
        page = self._ready_page()
        try:
            # A navigation gives each report a new document: set_content alone rewrites the
            # old one, which keeps, for one, the previous report's Content-Security-Policy.
            # With scripts off, nothing else of a report survives in the page.
            page.goto("about:blank")
            page.set_content(html, wait_until="load")
            pdf = page.pdf(
                format="A4",
                prefer_css_page_size=True,
                print_background=True,
                tagged=True,
                outline=True,
            )
        except BaseException:
            self._drop_context()  # a page left half-way is never reused
            raise
        self._printed += 1
        return write_atomic(out_path, pdf)

    def _ready_page(self) -> Page:
        # One page is reused for many reports: a new context starts a new renderer
        # process, about 1.6 s of CPU a report against 0.6 s for the page itself.
        if self._page is not None and self._printed >= PAGES_PER_CONTEXT:
            self._drop_context()
        if self._page is None:
            assert self._browser is not None
            context = self._browser.new_context(
                service_workers="block", java_script_enabled=False, viewport=WINDOW
            )
            context.set_default_timeout(self.timeout_ms)
            context.route("**/*", self._allow_local_only)
            self._context, self._page, self._printed = context, context.new_page(), 0
        return self._page

    def _drop_context(self) -> None:
        context, self._context, self._page = self._context, None, None
        if context is not None:
            with contextlib.suppress(Exception):
                context.close()

    def _allow_local_only(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in LOCAL_URL_SCHEMES:
            route.continue_()
            return
        self.blocked_urls.append(url)
        log.warning("Blocked a network request from a report page: %s", url)
        route.abort("blockedbyclient")
