"""Tests of reportkit.export: notebook to HTML (page), HTML to PDF (pdf), atomic writes, browser lookup."""

from __future__ import annotations

import base64
import os
import re
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pypdf
import pytest
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pdftext import A4_PT, MM, assert_only_the_shipped_font, upright_text

from reportkit import files
from reportkit.export import page as report_page
from reportkit.export import pdf as export

# Markers that must never reach the report (code, parameters, removed cells).
CODE_MARK = "CODE_SOURCE_MUST_NOT_SHOW"
PARAM_MARK = "PARAMETERS_MUST_NOT_SHOW"
INJECTED_MARK = "INJECTED_MUST_NOT_SHOW"
REMOVED_MARK = "REMOVED_CELL_MUST_NOT_SHOW"

SAMPLE_MARK = "DỮ LIỆU MẪU"

HEADER = f"""
<div class="rk-sample-mark">{SAMPLE_MARK}</div>
<table class="rk-header"><tr>
  <td class="rk-header-left"><div>HỘI NÔNG DÂN VIỆT NAM</div>
    <div><strong>BCH HỘI NÔNG DÂN QUẬN NINH KIỀU</strong></div><div>*</div><div>Số 12-BC/HND</div></td>
  <td class="rk-header-right"><div><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong></div>
    <div><strong><u>Độc lập - Tự do - Hạnh phúc</u></strong></div>
    <div class="rk-date"><em>Ninh Kiều, ngày 15 tháng 12 năm 2024</em></div></td>
</tr></table>
<div class="rk-title"><div><strong>Báo cáo</strong></div>
  <div class="rk-subtitle"><strong>Kết quả thực hiện chỉ tiêu công tác Hội năm 2024</strong></div>
</div>
"""

PARAGRAPH = (
    "<p>Trong năm, Hội Nông dân quận đã phối hợp với các ngành chức năng tổ chức tuyên truyền, "
    "vận động hội viên nông dân tích cực tham gia phong trào thi đua sản xuất, kinh doanh giỏi, "
    "đoàn kết giúp nhau làm giàu và giảm nghèo bền vững; nhiều mô hình kinh tế tập thể được "
    "duy trì và nhân rộng, góp phần nâng cao thu nhập và đời sống của hội viên.</p>"
)


def _chart(title: str) -> str:
    bars = "".join(
        f'<rect x="{40 + i * 60}" y="{150 - h}" width="40" height="{h}" fill="#555"/>'
        f'<text x="{60 + i * 60}" y="170" text-anchor="middle" font-size="12">Năm {2020 + i}</text>'
        for i, h in enumerate((60, 80, 95, 110, 130))
    )
    return (
        '<figure class="rk-chart">'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 180" width="360" height="180">'
        f"{bars}</svg><figcaption>Biểu đồ: {title}</figcaption></figure>"
    )


def _field(number: int, name: str) -> str:
    return (
        f'<div class="rk-field"><h3>{number}. Lĩnh vực {name}</h3>'
        f"{PARAGRAPH * 3}{_chart(name)}{PARAGRAPH}</div>"
    )


APPENDIX = """
<div class="rk-section"><h2>Phụ lục: Kết quả các chỉ tiêu</h2>
<table class="rk-table">
<thead><tr><th>STT</th><th>Chỉ tiêu</th><th>Kế hoạch</th><th>Thực hiện</th>
  <th>Đánh giá</th></tr></thead>
<tbody>
<tr><td class="num">1</td><td>Kết nạp hội viên mới</td><td class="num">1.200</td>
  <td class="num">1.350</td><td class="rk-status-vuot">Vượt</td></tr>
<tr><td class="num">2</td><td>Hộ sản xuất, kinh doanh giỏi</td><td class="num">2.500</td>
  <td class="num">2.500</td><td class="rk-status-dat">Đạt</td></tr>
<tr><td class="num">3</td><td>Tổ hợp tác mới thành lập</td><td class="num">15</td>
  <td class="num">9</td><td class="rk-status-chuadat">Chưa đạt</td></tr>
</tbody></table>
<p class="rk-note">Ghi chú: số liệu tính đến ngày 30/11/2024.</p>
</div>
"""

CLOSING = """
<div class="rk-section"><h2>III. Phương hướng, nhiệm vụ năm 2025</h2>
<div class="rk-placeholder"><p>Phần này do Ban Thường vụ bổ sung.</p></div></div>
<table class="rk-closing"><tr>
  <td class="rk-closing-left"><p>Nơi nhận:</p>
    <ul><li>- Thường trực Hội Nông dân thành phố;</li><li>- Quận ủy Ninh Kiều;</li>
    <li>- Lưu VP.</li></ul></td>
  <td class="rk-closing-right"><div>T/M BAN THƯỜNG VỤ</div><div>CHỦ TỊCH</div>
    <div class="rk-signature-space"></div><div>Nguyễn Văn An</div></td>
</tr></table>
"""

SVG_OUTPUT = (
    '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
    '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
    '  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120" viewBox="0 0 300 120">'
    '<rect x="10" y="10" width="280" height="100" fill="none" stroke="#000"/>'
    '<text x="150" y="65" text-anchor="middle" font-size="14">Tỷ lệ hoàn thành chỉ tiêu</text>'
    "</svg>\n"
)


def _html_cell(source: str, html: str, count: int, tags: tuple[str, ...] = ()):
    cell = new_code_cell(source, execution_count=count)
    cell.metadata["tags"] = list(tags)
    cell.outputs = [new_output("display_data", data={"text/html": html, "text/plain": "<HTML>"})]
    return cell


def build_notebook() -> nbformat.NotebookNode:
    """An executed-looking report notebook: outputs are stored, no kernel is needed."""
    params = new_code_cell(f'district = "Ninh Kiều"  # {PARAM_MARK}', execution_count=1)
    params.metadata["tags"] = ["parameters"]
    injected = new_code_cell(f'district = "Cái Răng"  # {INJECTED_MARK}', execution_count=2)
    injected.metadata["tags"] = ["injected-parameters"]
    injected.outputs = [new_output("stream", name="stdout", text=f"{INJECTED_MARK}\n")]
    removed = _html_cell("pass", f"<p>{REMOVED_MARK}</p>", 3, tags=("remove-cell",))
    svg = new_code_cell(f"chart  # {CODE_MARK}", execution_count=9)
    svg.outputs = [new_output("execute_result", data={"image/svg+xml": SVG_OUTPUT}, execution_count=9)]
    fields = ("kinh tế", "xã hội", "xây dựng tổ chức Hội", "dạy nghề", "vốn vay", "môi trường")
    body = "".join(_field(i, name) for i, name in enumerate(fields, start=1))
    cells = [
        params,
        injected,
        removed,
        _html_cell(f"show(header)  # {CODE_MARK}", HEADER, 4),
        new_markdown_cell("Thực hiện Kế hoạch số 05-KH/HND của Hội Nông dân thành phố."),
        _html_cell(
            f"show(fields)  # {CODE_MARK}",
            f'<div class="rk-section"><h2>I. Kết quả thực hiện</h2>{body}</div>',
            5,
        ),
        svg,
        _html_cell(f"show(appendix)  # {CODE_MARK}", APPENDIX, 10),
        _html_cell(f"show(closing)  # {CODE_MARK}", CLOSING, 11),
    ]
    return new_notebook(cells=cells, metadata={"language_info": {"name": "python"}})


# ---------- HTML ----------

REMOTE_REF = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*["']?\s*|url\(\s*["']?\s*|@import\s+["']?\s*)(?:https?:)?//""",
    re.IGNORECASE,
)
SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc\s*=", re.IGNORECASE)


def find_remote_refs(html: str) -> list[str]:
    """Every src/href/url()/@import in `html` that points at a network address."""
    return [m.group(0) for m in REMOTE_REF.finditer(html)] + SCRIPT_SRC.findall(html)


@pytest.fixture(scope="module")
def html() -> str:
    return report_page.render_html(build_notebook(), title="Báo cáo thử nghiệm")


def test_remote_ref_check_catches_the_stock_lab_template():
    # Guards the guard: plain nbconvert output loads require.js/MathJax from a CDN.
    stock, _ = HTMLExporter(template_name="lab").from_notebook_node(build_notebook())
    assert find_remote_refs(stock)


def test_html_is_vietnamese_and_loads_nothing_remote(html):
    assert re.search(r'<html[^>]*\blang="vi"', html)
    assert find_remote_refs(html) == []
    assert "<!DOCTYPE svg" not in html  # the SVG prolog (with its DTD URL) is cut


def test_html_has_no_code_prompts_or_parameters(html):
    for mark in (CODE_MARK, PARAM_MARK, INJECTED_MARK, REMOVED_MARK):
        assert mark not in html
    assert not re.search(r"\b(?:In|Out)(?:&nbsp;|\s)*\[", html)


def test_html_keeps_the_report_content(html):
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Thực hiện Kế hoạch số 05-KH/HND" in html  # markdown cell
    assert "Tỷ lệ hoàn thành chỉ tiêu" in html  # image/svg+xml output, inlined
    assert html.count("<svg") == 7
    assert "<title>Báo cáo thử nghiệm</title>" in html


def test_the_page_is_nbconverts_own_less_a_pass_that_changed_nothing():
    # The kit's exporter skips HTMLExporter's BeautifulSoup pass (export/page.py). Written out
    # through BeautifulSoup, its page must be exactly stock nbconvert's: no image left without
    # its alt, no tabindex missed, no step of a newer nbconvert dropped.
    from bs4 import BeautifulSoup

    from reportkit.report.fonts import font_face_css

    nb = build_notebook()
    chart = new_code_cell("plt.show()", execution_count=12)
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n-not-a-real-image").decode("ascii")
    chart.outputs = [new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})]
    nb.cells += [chart, new_markdown_cell("Quỹ &amp; vốn: 5&nbsp;tỷ đồng, <b>tăng</b> > 3%")]
    resources = {"report_title": "Báo cáo", "font_face_css": font_face_css()}
    ours, _ = report_page._exporter().from_notebook_node(nb, resources=dict(resources))
    stock, _ = report_page.make_exporter(HTMLExporter).from_notebook_node(nb, resources=dict(resources))
    assert type(report_page._exporter()) is not HTMLExporter
    assert ours != stock  # the pass does write the page anew...
    assert str(BeautifulSoup(ours, features="html.parser")) == stock  # ...and changes only that


def test_html_title_prefers_the_argument_then_the_notebook_metadata():
    nb = build_notebook()
    assert "<title>Báo cáo</title>" in report_page.render_html(nb)  # not nbconvert's "Notebook"
    nb.metadata["title"] = "Báo cáo quận Ninh Kiều"
    assert "<title>Báo cáo quận Ninh Kiều</title>" in report_page.render_html(nb)
    assert "<title>A &amp; B</title>" in report_page.render_html(nb, title="A & B")


def test_html_inlines_the_kit_css_not_the_jupyterlab_theme(html):
    assert "@top-center" in html
    assert ".rk-sample-mark" in html
    assert "--jp-paths-color0" not in html


# ---------- write_atomic ----------


def test_write_atomic_writes_text_as_utf8_and_replaces(tmp_path):
    target = tmp_path / "out" / "report.html"
    files.write_atomic(target, "bản cũ")
    files.write_atomic(target, "Hội Nông dân")
    assert target.read_bytes() == "Hội Nông dân".encode()
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]
    assert stat.S_IMODE(target.stat().st_mode) & 0o044  # readable by others, unlike mkstemp


def test_write_atomic_keeps_the_old_file_when_the_write_fails(tmp_path, monkeypatch):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")

    def fail(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        files.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


# ---------- find_browser ----------


def _fake_executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_find_browser_honours_the_configured_path(tmp_path, monkeypatch):
    monkeypatch.delenv(export.BROWSER_ENV_VAR, raising=False)
    fake = _fake_executable(tmp_path / "my-chrome")
    assert export.find_browser(str(fake)) == fake


def test_find_browser_honours_the_environment(tmp_path, monkeypatch):
    fake = _fake_executable(tmp_path / "env-chrome")
    monkeypatch.setenv(export.BROWSER_ENV_VAR, str(fake))
    assert export.find_browser() == fake


def test_find_browser_rejects_a_missing_configured_path(tmp_path, monkeypatch):
    monkeypatch.delenv(export.BROWSER_ENV_VAR, raising=False)
    with pytest.raises(export.BrowserNotFoundError, match="apt-get install chromium"):
        export.find_browser(str(tmp_path / "nope"))


def test_find_browser_searches_path_by_name(tmp_path, monkeypatch):
    monkeypatch.delenv(export.BROWSER_ENV_VAR, raising=False)
    fake = _fake_executable(tmp_path / "google-chrome")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert export.find_browser() == fake


def test_find_browser_explains_how_to_install_when_none(tmp_path, monkeypatch):
    monkeypatch.delenv(export.BROWSER_ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(export, "BROWSER_PATHS", ())
    with pytest.raises(export.BrowserNotFoundError) as err:
        export.find_browser()
    assert "apt-get install chromium" in str(err.value)
    assert export.BROWSER_ENV_VAR in str(err.value)


# ---------- PDF ----------


def require_browser() -> None:
    """The PDF tests need Chromium: without it they fail and say what to install (never skip)."""
    try:
        export.find_browser()
    except export.BrowserNotFoundError as err:
        pytest.fail(f"The PDF tests need Chromium, Chrome or Edge. {err}")


@pytest.fixture(scope="module")
def printer():
    require_browser()
    with export.PdfPrinter() as printer:
        yield printer


@pytest.fixture(scope="module")
def pdf(printer, html, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "report.pdf"
    printer.print_pdf(html, out)
    return out


@pytest.mark.e2e
def test_pdf_is_a4_with_several_pages(pdf, tmp_path):
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) >= 3
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_PT, abs=1)
    assert [p.name for p in pdf.parent.iterdir()] == ["report.pdf"]  # no temp file left


@pytest.mark.e2e
def test_pdf_numbers_pages_from_two_in_the_top_margin(pdf):
    reader = pypdf.PdfReader(pdf)
    top_margin = A4_PT[1] - 20 * MM
    for number, page in enumerate(reader.pages, start=1):
        in_margin = [t for _x, y, t in upright_text(page) if y > top_margin]
        assert in_margin == ([] if number == 1 else [str(number)]), f"page {number}"


@pytest.mark.e2e
def test_pdf_uses_the_administrative_margins(pdf):
    # Left margin 30 mm, right 15 mm: body lines start at 30 mm (plus indents) and end by 195.
    page = pypdf.PdfReader(pdf).pages[1]
    body = [(x, y) for x, y, _t in upright_text(page) if y < A4_PT[1] - 20 * MM]
    assert min(x for x, _y in body) == pytest.approx(30 * MM, abs=1.5)
    assert min(y for _x, y in body) > 20 * MM - 1


@pytest.mark.e2e
def test_pdf_text_is_intact_vietnamese_with_the_sample_mark_on_every_page(pdf):
    pages = [page.extract_text() for page in pypdf.PdfReader(pdf).pages]
    text = "\n".join(pages)
    for phrase in (
        "Hội Nông dân",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "T/M BAN THƯỜNG VỤ",
        "Nguyễn Văn An",
    ):
        assert phrase in text
    for number, page_text in enumerate(pages, start=1):
        assert SAMPLE_MARK in page_text, f"page {number}"
    for mark in (CODE_MARK, PARAM_MARK, INJECTED_MARK, REMOVED_MARK):
        assert mark not in text


@pytest.mark.e2e
def test_pdf_embeds_only_the_shipped_serif(pdf):
    # By the font file's own name and version, which the old Liberation Serif 1.07 (same
    # family name, no Vietnamese) does not share.
    assert_only_the_shipped_font(pypdf.PdfReader(pdf))


@pytest.mark.e2e
def test_heading_and_chart_move_to_the_next_page_together(printer, tmp_path):
    # The spacer leaves room at the page bottom for the heading but not for the chart
    # under it; the heading must not be left there alone, nor the chart be split.
    nb = new_notebook(
        cells=[
            _html_cell(
                "x",
                '<div style="height: 240mm"></div>'
                f'<div class="rk-field"><h3>Tiêu đề không được đứng cuối trang</h3>'
                f"{_chart('không được tách')}</div>",
                1,
            )
        ]
    )
    out = printer.print_pdf(report_page.render_html(nb), tmp_path / "breaks.pdf")
    pages = [p.extract_text() for p in pypdf.PdfReader(out).pages]
    assert len(pages) == 2
    assert "Tiêu đề không được đứng cuối trang" in pages[1]
    assert "Năm 2020" in pages[1]
    assert "Biểu đồ: không được tách" in pages[1]


@pytest.mark.e2e
def test_printer_blocks_network_requests(printer, tmp_path):
    page = (
        '<html><body><p>Hội Nông dân</p><img src="http://192.0.2.1/logo.png" alt="">'
        '<link rel="stylesheet" href="https://192.0.2.1/x.css"></body></html>'
    )
    before = len(printer.blocked_urls)
    out = printer.print_pdf(page, tmp_path / "blocked.pdf")
    assert "Hội Nông dân" in pypdf.PdfReader(out).pages[0].extract_text()
    assert sorted(printer.blocked_urls[before:]) == [
        "http://192.0.2.1/logo.png",
        "https://192.0.2.1/x.css",
    ]


@pytest.mark.e2e
def test_report_page_forbids_fetches_even_for_a_stray_remote_url(printer, tmp_path):
    # The page's Content-Security-Policy stops the request before it is even attempted.
    nb = new_notebook(cells=[new_markdown_cell("Hội Nông dân ![logo](http://192.0.2.1/logo.png)")])
    html = report_page.render_html(nb)
    assert "http://192.0.2.1/logo.png" in html
    before = len(printer.blocked_urls)
    printer.print_pdf(html, tmp_path / "stray.pdf")
    assert printer.blocked_urls[before:] == []


@pytest.mark.e2e
def test_printer_rejects_use_outside_with(tmp_path):
    if os.environ.get(export.BROWSER_ENV_VAR) is None:
        require_browser()
    with pytest.raises(RuntimeError, match="not open"):
        export.PdfPrinter().print_pdf("<p>x</p>", tmp_path / "x.pdf")


def _page(text: str) -> str:
    return f'<!DOCTYPE html><html lang="vi"><body><p id="x">{text}</p></body></html>'


def _with_own_printer(work):
    # Playwright's sync API allows one browser session per thread; the module's printer
    # holds this thread's.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: _run_with_printer(work)).result()


def _run_with_printer(work):
    with export.PdfPrinter() as own:
        return work(own)


@pytest.mark.e2e
def test_a_reused_page_prints_a_report_as_a_fresh_browser_does(printer, tmp_path):
    # The printer keeps one page for many reports: nothing of one may reach the next.
    first = _page("Báo cáo A: 12.345 hội viên").replace("<body>", "<body><style>p{color:red}</style>")
    printer.print_pdf(first, tmp_path / "a.pdf")
    after_a = pypdf.PdfReader(printer.print_pdf(_page("Báo cáo B"), tmp_path / "b.pdf")).pages
    alone = _with_own_printer(lambda own: own.print_pdf(_page("Báo cáo B"), tmp_path / "b-alone.pdf"))
    assert [p.extract_text() for p in after_a] == [p.extract_text() for p in pypdf.PdfReader(alone).pages]
    assert [p.extract_text() for p in after_a] == ["Báo cáo B"]


@pytest.mark.e2e
def test_the_printers_tiny_window_does_not_change_the_pdf(printer, tmp_path, monkeypatch):
    # The PDF is laid out for A4, not for the window: a report of several pages, with a
    # chart and a table, prints the same text on the same pages in a window of usual size.
    from reportkit.report import charts

    [chart] = charts.plot_ranking(
        ["Quận Ô Môn", "Huyện Cờ Đỏ"], [7, 9], [12, 12], ["7/12", "9/12"], "Số chỉ tiêu đạt"
    )
    rows = "".join(f"<tr><td>Chỉ tiêu {n}</td><td>{n * 1234:,}</td></tr>" for n in range(40))
    text = "".join(f"<p>Đoạn {n}: Hội Nông dân thành phố Cần Thơ tổng kết năm 2022.</p>" for n in range(60))
    page = f'<!DOCTYPE html><html lang="vi"><body>{text}{chart}<table>{rows}</table></body></html>'
    tiny = pypdf.PdfReader(printer.print_pdf(page, tmp_path / "tiny.pdf")).pages
    monkeypatch.setattr(export, "WINDOW", {"width": 1280, "height": 720})  # Playwright's default
    usual = pypdf.PdfReader(_with_own_printer(lambda own: own.print_pdf(page, tmp_path / "usual.pdf"))).pages
    assert len(tiny) > 2
    assert [p.extract_text() for p in tiny] == [p.extract_text() for p in usual]


@pytest.mark.e2e
def test_a_reports_policy_does_not_outlive_it_in_the_reused_page(printer, tmp_path):
    # A report page forbids every fetch (its CSP); the next page must meet the printer's own
    # guard, not that policy left behind.
    printer.print_pdf(report_page.render_html(new_notebook()), tmp_path / "report.pdf")
    before = len(printer.blocked_urls)
    printer.print_pdf(_page('<img src="http://192.0.2.1/logo.png" alt="">'), tmp_path / "next.pdf")
    assert printer.blocked_urls[before:] == ["http://192.0.2.1/logo.png"]


@pytest.mark.e2e
def test_scripts_never_run_in_the_printer(printer, tmp_path):
    page = _page("gốc") + "<script>document.getElementById('x').textContent = 'đã chạy'</script>"
    text = pypdf.PdfReader(printer.print_pdf(page, tmp_path / "script.pdf")).pages[0].extract_text()
    assert text == "gốc"


@pytest.mark.e2e
def test_the_printer_replaces_its_page_after_many_reports(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "PAGES_PER_CONTEXT", 2)

    def print_five(own: export.PdfPrinter) -> list:
        contexts = []
        for number in range(5):
            out = own.print_pdf(_page(f"Trang {number}"), tmp_path / f"{number}.pdf")
            assert pypdf.PdfReader(out).pages[0].extract_text() == f"Trang {number}"
            contexts.append(own._context)  # kept, so no two can share an id
        return contexts

    contexts = _with_own_printer(print_five)
    assert len({id(c) for c in contexts}) == 3  # pages 1-2, 3-4, 5


# ---------- what cells print never reaches the page ----------

STDOUT_MARK = "STDOUT_MUST_NOT_SHOW"
STDERR_MARK = "STDERR_MUST_NOT_SHOW"
WARNING_MARK = "Glyph 7883 missing from font(s) Liberation Serif"
DISPLAY_TEXT = "Phường Châu Văn Liêm đạt chỉ tiêu"
NOISY_CELLS = (
    f'print("{STDOUT_MARK}")',
    f'import sys\nprint("{STDERR_MARK}", file=sys.stderr)',
    # pytest records warnings instead of printing them; print it as Python's default does.
    "import sys, warnings\n"
    "with warnings.catch_warnings():\n"
    '    warnings.simplefilter("always")\n'
    "    warnings.showwarning = lambda m, c, f, n, file=None, line=None: "
    "sys.stderr.write(warnings.formatwarning(m, c, f, n))\n"
    f'    warnings.warn("{WARNING_MARK}")',
    f"from IPython.display import HTML, display\ndisplay(HTML('<p>{DISPLAY_TEXT}</p>'))",
)
TRACEBACK = [
    "Traceback (most recent call last):",
    '  File "/home/analyst/reportkit/src/reportkit/charts.py", line 44, in plot',
    "ValueError: hỏng",
]


def _printed_text(text: str) -> list[str]:
    return [m for m in (STDOUT_MARK, STDERR_MARK, WARNING_MARK, "Warning", "Traceback", ".py:") if m in text]


@pytest.fixture(scope="module")
def noisy_notebook(tmp_path_factory) -> nbformat.NotebookNode:
    """Executed for real: cells print to stdout and stderr, warn, and show the report."""
    from reportkit.build.isolate import ReportTask, execute_report

    folder = tmp_path_factory.mktemp("noisy")
    nb = new_notebook(cells=[new_code_cell(source) for source in NOISY_CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "in.ipynb")
    run = execute_report(ReportTask("x", str(folder / "in.ipynb"), str(folder / "out.ipynb"), {}))
    assert run.ok, run.error
    executed = nbformat.reads(run.notebook, as_version=4)
    # A failed cell's error output too (a failed report fails, but its page must not show it).
    executed.cells[-1].outputs.append(
        new_output("error", ename="ValueError", evalue="hỏng", traceback=TRACEBACK)
    )
    kinds = {o.output_type for c in executed.cells for o in c.outputs}
    assert kinds == {"stream", "display_data", "error"}  # the guard below has something to guard
    assert WARNING_MARK in report_page.stream_log(executed) and STDOUT_MARK in report_page.stream_log(
        executed
    )
    return executed


def test_the_page_drops_every_stream_and_error_and_keeps_the_display(noisy_notebook):
    html = report_page.render_html(noisy_notebook)
    assert DISPLAY_TEXT in html
    assert _printed_text(html) == []
    assert "application/vnd.jupyter.std" not in html  # no empty stream box either


def test_the_log_keeps_what_the_page_drops(noisy_notebook):
    log = report_page.stream_log(noisy_notebook)
    for mark in (STDOUT_MARK, STDERR_MARK, WARNING_MARK, "Traceback", "charts.py"):
        assert mark in log
    assert report_page.first_line(log) == STDOUT_MARK


@pytest.mark.e2e
def test_the_pdf_shows_the_display_and_nothing_the_cells_printed(printer, noisy_notebook, tmp_path):
    out = printer.print_pdf(report_page.render_html(noisy_notebook), tmp_path / "noisy.pdf")
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    assert DISPLAY_TEXT in " ".join(text.split())
    assert _printed_text(text) == []
