"""Print a report page (report/page.py) to A4 PDF in a headless Chromium, Chrome or Edge."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..errors import BrowserNotFoundError
from ..files import write_atomic

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route

__all__ = [
    "BROWSER_ENV_VAR",
    "PdfPrinter",
    "find_browser",
]

log = logging.getLogger(__name__)

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
