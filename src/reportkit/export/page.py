"""The report page: an executed notebook as one self-contained HTML page, and what it leaves out.

What the cells printed or raised goes to the build log (stream_log), never to the page; the
page's header says whether the report is still a draft (read_draft).
"""

from __future__ import annotations

import functools
import html as html_text
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..report.fonts import font_face_css

if TYPE_CHECKING:
    import nbformat
    from nbconvert import HTMLExporter

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
TEMPLATE_NAME = "reportkit"

# papermill's parameter cells hold run settings, not report content.
REMOVED_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell"})
# What a cell printed (stdout, stderr, warnings) or raised is for the build log, never for the
# committee's page: it carries machine paths and code. Only displays and results are the report.
DROPPED_OUTPUT_TYPES = frozenset({"stream", "error"})

# HTMLExporter re-registers filters and per-notebook state on every call, so the shared
# exporter must not convert two notebooks at once (build runs notebooks in threads).
_EXPORT_LOCK = threading.Lock()


@functools.cache
def _exporter() -> HTMLExporter:
    # Building the exporter and compiling its templates takes ~0.5 s; later calls reuse it.
    # nbconvert is imported here, not at the top: a build with nothing to do reads drafts
    # through this module, and nbconvert would add a second of imports.
    return make_exporter(_page_exporter_class())


def make_exporter(exporter_class: type[HTMLExporter]) -> HTMLExporter:
    """An exporter of `exporter_class` set up for report pages: no code, no prompts, papermill's
    cells removed, only the outputs that are the report."""
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
    exporter = exporter_class(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
    )
    exporter.register_preprocessor(_report_outputs_only, enabled=True)
    return exporter


def _page_exporter_class() -> type[HTMLExporter]:
    from nbconvert import HTMLExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        """HTMLExporter without its last step: a BeautifulSoup pass over the whole page that gives
        an <img> without alt an English one and a .jp-Notebook's outputs a tabindex. The template
        gives every image its alt and the page has no .jp-Notebook, so the pass only wrote the page
        out again, taking four fifths of the page's time (tests/test_export.py checks that it changes
        nothing). The rest is HTMLExporter.from_notebook_node (nbconvert 7) as it is."""

        def from_notebook_node(self, nb, resources=None, **kw):
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            highlight = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            data_types = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", data_types)
            return super(HTMLExporter, self).from_notebook_node(nb, resources, **kw)

    return PageExporter


def _report_outputs_only(notebook, resources):
    # A preprocessor (nbconvert calls it on its own copy of the notebook): streams and
    # errors are dropped, display_data and execute_result pass untouched.
    for cell in notebook.cells:
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if o.output_type not in DROPPED_OUTPUT_TYPES]
    return notebook, resources


def render_html(notebook: nbformat.NotebookNode, *, title: str | None = None, stem: str | None = None) -> str:
    """Return the report page (one self-contained HTML string) for an executed notebook.

    `title` becomes the HTML <title> and so the PDF's document title; without it the
    notebook's metadata.title, else "Báo cáo". `stem` names the report's files: the page then
    links to its PDF (same folder, same name). Safe to call from several threads.
    """
    resources = {"report_title": title, "font_face_css": font_face_css()}
    with _EXPORT_LOCK:
        html, _ = _exporter().from_notebook_node(notebook, resources=resources)
    return add_navigation(html, stem)


# ---------- Reading on a screen: contents, links, tables that scroll in their own box ----------

# The template's place for the navigation (templates/reportkit/index.html.j2).
NAV_SLOT = "<!-- rk-nav -->"
SECTION_HEADING = re.compile(r"<h2\b([^>]*)>(.*?)</h2>", re.DOTALL | re.IGNORECASE)
ID_ATTRIBUTE = re.compile(r'\bid="([^"]*)"')
TAG = re.compile(r"<[^>]*>")
TABLE_TAG = re.compile(r"<(/?)table\b([^>]*)>", re.IGNORECASE)
# The page's frame is laid out with tables (header block, closing): columns, not data to scroll.
FRAME_TABLE = re.compile(r'\bclass="[^"]*\brk-(header|closing)\b')
ROW = re.compile(r"<tr\b.*?</tr>", re.DOTALL | re.IGNORECASE)
CELL = re.compile(r"<t[hd]\b", re.IGNORECASE)
# A table of this many columns squeezed into a phone's width wraps every name after each word:
# there it keeps a readable width and scrolls in its box (report.css, .rk-table-box.rk-wide).
WIDE_TABLE_COLUMNS = 5
INDEX_LINK = "index.html"


def add_navigation(page: str, stem: str | None = None) -> str:
    """The page with an id on each section heading (h2), every data table in a box of its own
    that scrolls sideways on a narrow screen, and at its top (on screen only) the contents and the
    links to the report's PDF and to the period's index."""
    page, sections = number_sections(page)
    return wrap_tables(page).replace(NAV_SLOT, render_nav(sections, stem), 1)


def number_sections(page: str) -> tuple[str, list[tuple[str, str]]]:
    """Give every h2 an id (keeping one it has); return the page and its (id, heading text) list."""
    sections: list[tuple[str, str]] = []

    def identify(found: re.Match[str]) -> str:
        attributes, inner = found.groups()
        own = ID_ATTRIBUTE.search(attributes)
        anchor = html_text.unescape(own.group(1)) if own else f"muc-{len(sections) + 1}"
        text = " ".join(html_text.unescape(TAG.sub(" ", inner)).split())
        if text:
            sections.append((anchor, text))
        if own or not text:
            return found.group()
        return f'<h2 id="{anchor}"{attributes}>{inner}</h2>'

    return SECTION_HEADING.sub(identify, page), sections


def wrap_tables(page: str) -> str:
    """Put each outermost data table in a div.rk-table-box (report.css lets it scroll on screen),
    marked rk-wide if it has WIDE_TABLE_COLUMNS columns or more."""
    parts, depth, opened, position = [], 0, -1, 0
    for tag in TABLE_TAG.finditer(page):
        closing, attributes = tag.group(1) == "/", tag.group(2)
        if not closing:
            if depth == 0 and not FRAME_TABLE.search(attributes):
                parts.append(page[position : tag.start()])
                position = opened = tag.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0 and opened >= 0:
                table = page[opened : tag.end()]
                parts += [f'<div class="{_table_box_class(table)}">', table, "</div>"]
                position, opened = tag.end(), -1
    return "".join(parts) + page[position:]


def _table_box_class(table: str) -> str:
    first_row = ROW.search(table)
    columns = len(CELL.findall(first_row.group())) if first_row else 0
    return "rk-table-box rk-wide" if columns >= WIDE_TABLE_COLUMNS else "rk-table-box"


def render_nav(sections: list[tuple[str, str]], stem: str | None) -> str:
    """The screen-only navigation: back to the index, the PDF, then the sections."""
    escape = functools.partial(html_text.escape, quote=True)
    links = [f'<a href="{INDEX_LINK}">← Danh sách báo cáo</a>']
    if stem:
        links.append(f'<a href="{escape(stem)}.pdf">Bản PDF để in</a>')
    items = "".join(f'<li><a href="#{escape(anchor)}">{escape(text)}</a></li>' for anchor, text in sections)
    contents = f'<p class="rk-nav-title">Mục lục</p><ul class="rk-toc">{items}</ul>' if items else ""
    links_line = f'<p class="rk-nav-links">{" · ".join(links)}</p>'
    return f'<nav class="rk-nav" aria-label="Mục lục">{links_line}{contents}</nav>'


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


# The header's draft mark (fragments/header.html.j2), as the exported page writes it: the page is
# cleaned on export, so its attributes may come in any order.
DRAFT_MARK = re.compile(r'<div\b[^>]*\bclass="rk-draft-mark"[^>]*>')
DRAFT_ATTRIBUTE = re.compile(r'\bdata-(sections|path)="([^"]*)"')


@dataclass(frozen=True)
class DraftState:
    """What the page of a draft report says is missing, read back from the page itself."""

    sections: str
    path: str

    def describe(self) -> str:
        return f"dự thảo: chưa có phần {self.sections} (soạn trong {self.path})"

    def describe_final_error(self) -> str:
        return (
            f"Báo cáo còn là dự thảo: chưa có phần {self.sections}. Hãy soạn các phần này trong tệp "
            f"{self.path} rồi lập lại (lần lập --final không nhận dự thảo)."
        )


def read_draft(page: str | None) -> DraftState | None:
    """The draft state a report's page carries in its header, or None for a finished report."""
    found = DRAFT_MARK.search(page or "")
    if found is None:
        return None
    attributes = {name: html_text.unescape(value) for name, value in DRAFT_ATTRIBUTE.findall(found.group())}
    return DraftState(attributes.get("sections", ""), attributes.get("path", ""))
