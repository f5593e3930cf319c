"""The report pages and the index in a headless Chromium at a phone's width (390 px) and a desktop's
(1280 px): nothing but a table scrolls sideways, the contents lead to their sections, the links lead
to files that exist, and on paper none of it shows.

Screenshots go to $REPORTKIT_SCREENSHOTS (default: this test's temporary folder), to look at."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

import pytest
from test_e2e import six_months  # noqa: F401  (a fixture: the reports this module opens)

from reportkit.export.pdf import BROWSER_ARGS, find_browser

pytestmark = pytest.mark.e2e

WIDTHS = (390, 1280)
PAGES = ("index.html", "92-thanh-pho-can-tho.html", "917-quan-o-mon.html")

# Elements whose right edge passes the window's, outside a table's box; a fixed element (the sample
# watermark) is drawn over the window and scrolls nothing.
OVERFLOWING = """() => [...document.body.querySelectorAll('*')]
    .filter(e => !e.closest('.rk-table-box') && !e.closest('.rk-sample-mark'))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(e => e.tagName + '.' + e.className)"""

BOXES = """() => [...document.querySelectorAll('.rk-table-box')].map(b => ({
    right: b.getBoundingClientRect().right, scroll: b.scrollWidth, client: b.clientWidth,
    wide: b.classList.contains('rk-wide')}))"""

CONTENTS = """() => [...document.querySelectorAll('.rk-toc a')].map(a => {
    const target = document.getElementById(decodeURIComponent(a.hash.slice(1)));
    return {href: a.getAttribute('href'), tag: target ? target.tagName : null,
            text: target ? target.textContent.trim() : null, label: a.textContent.trim()};
})"""


@pytest.fixture(scope="module")
def folder(six_months) -> Path:  # noqa: F811  (the fixture imported above)
    """The six-month reports of the city and of Ô Môn, as test_e2e builds them."""
    return six_months


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(find_browser()), args=list(BROWSER_ARGS))
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("REPORTKIT_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser, folder: Path, name: str, width: int):
    # A phone's browser honours the viewport meta; without one it lays the page out 980 px wide.
    phone = width < 600
    page = browser.new_page(viewport={"width": width, "height": 844}, is_mobile=phone, has_touch=phone)
    page.goto((folder / name).as_uri())
    return page


def linked_files(page, folder: Path, selector: str) -> list[Path]:
    return [
        folder / unquote(href)
        for href in page.eval_on_selector_all(selector, "as => as.map(a => a.getAttribute('href'))")
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_nothing_but_a_table_scrolls_sideways(browser, folder, screenshots, name, width):
    page = open_page(browser, folder, name, width)
    try:
        page.screenshot(path=screenshots / f"{Path(name).stem}-{width}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate(OVERFLOWING) == []
        boxes = page.evaluate(BOXES)
        assert all(box["right"] <= width + 0.5 for box in boxes)
        if name != "index.html":
            assert boxes  # the report's tables are in their boxes
            # Charts scale to the column: no SVG wider than its own container.
            widths = page.eval_on_selector_all(
                "svg", "ss => ss.map(s => [s.getBoundingClientRect().width, s.parentElement.clientWidth])"
            )
            assert widths and all(svg <= box + 0.5 for svg, box in widths)
        if name != "index.html" and width == 390:
            # A table of many columns keeps a readable width on a phone and scrolls in its box.
            assert any(box["wide"] and box["scroll"] > box["client"] for box in boxes)
            font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('p')).fontSize)")
            assert font >= 16
    finally:
        page.close()


@pytest.mark.parametrize("name", PAGES[1:])
def test_a_report_page_leads_to_its_sections_its_pdf_and_the_index(browser, folder, name):
    page = open_page(browser, folder, name, 390)
    try:
        contents = page.evaluate(CONTENTS)
        labels = [c["label"] for c in contents]
        # Parts I to IV (the city's: I to V, its units compared as part II) and the appendix, in order.
        numbered = [label.split(".")[0] for label in labels if label[:1] in "IV"]
        parts = ["I", "II", "III", "IV", "V"] if name.startswith("92-") else ["I", "II", "III", "IV"]
        assert numbered == parts and labels[-1].startswith("PHỤ LỤC")
        assert all(c["tag"] == "H2" and c["text"] == c["label"] for c in contents), contents
        links = linked_files(page, folder, ".rk-nav-links a")
        assert links == [folder / "index.html", folder / name.replace(".html", ".pdf")]
        assert all(link.is_file() for link in links)
        heights = page.eval_on_selector_all(
            ".rk-nav a", "as => as.map(a => a.getBoundingClientRect().height)"
        )
        assert min(heights) >= 44  # a finger can hit them
        # On paper the navigation takes no room, and a table's box adds none.
        page.emulate_media(media="print")
        assert page.eval_on_selector(".rk-nav", "n => getComputedStyle(n).display") == "none"
        assert page.eval_on_selector(".rk-table-box", "b => getComputedStyle(b).overflowX") == "visible"
    finally:
        page.close()


def test_the_index_links_every_report_and_says_how_it_stands(browser, folder):
    page = open_page(browser, folder, "index.html", 390)
    try:
        files = linked_files(page, folder, "td.files a")
        assert sorted(f.name for f in files) == sorted(
            f"{stem}.{kind}"
            for stem in ("92-thanh-pho-can-tho", "917-quan-o-mon")
            for kind in ("pdf", "html")
        )
        assert all(f.is_file() for f in files)
        statuses = page.eval_on_selector_all(".status", "ss => ss.map(s => s.textContent.trim())")
        assert len(statuses) == 2 and set(statuses) <= {"DỰ THẢO", "ĐÃ CẬP NHẬT"}
        assert page.eval_on_selector("h1", "h => h.textContent") == "Báo cáo kỳ 6 tháng đầu năm 2022"
    finally:
        page.close()
