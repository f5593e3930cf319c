"""The report page and the index on a screen: the contents and links export/page.py adds, the table
boxes, and what the index says of each report (export/index.py). No browser: see test_phone.py."""

from __future__ import annotations

import re
import time

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from tinyproject import make_project, set_figure

from reportkit.build.manifest import BUILT, FAILED, Entry, Manifest
from reportkit.build.plan import BuildOptions, build_period
from reportkit.export import index as report_index
from reportkit.export import page as report_page
from reportkit.model import Period
from reportkit.paths import ProjectPaths

PAGE = """<main class="rk-page"><!-- rk-nav -->
<table class="rk-header"><tr><td>HỘI NÔNG DÂN</td><td>CỘNG HÒA</td></tr></table>
<h2>I. KẾT QUẢ THỰC HIỆN</h2>
<table class="rk-table"><tr><th>Chỉ tiêu</th><th>Kế hoạch</th></tr><tr><td>A</td><td>1</td></tr></table>
<h2 class="rk-part">II. ĐÁNH GIÁ <em>CHUNG</em></h2>
<table class="dataframe"><tr><th>1</th><th>2</th><th>3</th><th>4</th><th>5</th></tr>
<tr><td><table><tr><td>lồng</td></tr></table></td><td></td><td></td><td></td><td></td></tr></table>
<h2 id="phu-luc">PHỤ LỤC &amp; BẢNG</h2>
<table class="rk-closing"><tr><td>Nơi nhận</td><td>TM. BAN THƯỜNG VỤ</td></tr></table>
</main>"""


@pytest.fixture(scope="module")
def page() -> str:
    return report_page.add_navigation(PAGE, "917-quan-o-mon")


def test_each_section_heading_gets_an_anchor_and_keeps_its_own(page):
    assert '<h2 id="muc-1">I. KẾT QUẢ THỰC HIỆN</h2>' in page
    assert '<h2 id="muc-2" class="rk-part">II. ĐÁNH GIÁ <em>CHUNG</em></h2>' in page
    assert page.count('id="phu-luc"') == 1


def test_the_contents_link_each_section_by_its_words(page):
    nav = page[page.index("<nav") : page.index("</nav>")]
    assert re.findall(r'<li><a href="#([^"]+)">([^<]*)</a></li>', nav) == [
        ("muc-1", "I. KẾT QUẢ THỰC HIỆN"),
        ("muc-2", "II. ĐÁNH GIÁ CHUNG"),
        ("phu-luc", "PHỤ LỤC &amp; BẢNG"),
    ]
    assert '<a href="index.html">' in nav and '<a href="917-quan-o-mon.pdf">' in nav
    assert page.startswith('<main class="rk-page"><nav ')  # at the top, where the template put its slot


def test_a_page_without_its_file_name_links_the_index_but_no_pdf():
    nav = report_page.add_navigation(PAGE)
    assert '<a href="index.html">' in nav and ".pdf" not in nav


def test_data_tables_sit_in_a_box_of_their_own_and_the_frame_does_not(page):
    assert '<div class="rk-table-box"><table class="rk-table">' in page
    assert '<div class="rk-table-box rk-wide"><table class="dataframe">' in page  # five columns
    # The nested table stays inside its outer table's box: one box, closed after the outer table.
    assert page.count("rk-table-box") == 2
    assert "</table></td><td></td><td></td><td></td><td></td></tr></table></div>" in page
    assert '\n<table class="rk-header">' in page and '\n<table class="rk-closing">' in page


def test_the_exported_page_carries_the_navigation_once():
    nb = new_notebook(cells=[new_markdown_cell("## Tổng quan\n\nVăn bản.")])
    cell = new_code_cell("show()", execution_count=1)
    cell.outputs = [new_output("display_data", data={"text/html": "<h2>I. KẾT QUẢ</h2><p>x</p>"})]
    nb.cells.append(cell)
    html = report_page.render_html(nb, stem="92-thanh-pho-can-tho")
    assert html.count('<nav class="rk-nav"') == 1 and "<!-- rk-nav -->" not in html
    assert '<a href="92-thanh-pho-can-tho.pdf">' in html
    # A markdown heading of the analyst is in the contents too, under the id nbconvert gave it.
    anchors = re.findall(r'<li><a href="#([^"]+)">', html)
    assert len(anchors) == 2 and all(f'id="{a}"' in html for a in anchors)


# ---------- the index ----------


def entry(stem: str, **changes) -> Entry:
    unit = stem.split("-")[0]
    fields = {
        "unit": unit,
        "title": f"Đơn vị {unit}",
        "status": BUILT,
        "key": "key",
        "built_at": "2026-12-02T10:40:00+00:00",
    }
    return Entry(stem=stem, **{**fields, **changes})


@pytest.fixture
def vietnam_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def folder(tmp_path):
    for stem in ("92-tp", "917-om", "918-bt", "919-cr", "930-cu"):
        for suffix in (".pdf", ".html"):
            (tmp_path / f"{stem}{suffix}").write_text("x")
    return tmp_path


def write_index(folder, entries, stale=()):
    manifest = Manifest(folder, "2022-FY", {e.stem: e for e in entries})
    period = Period("2022-FY", 2022, 12, "tong_ket", "năm 2022", "org/units-2022.csv")
    rows = report_index.describe_rows(folder, ["92", "917", "918", "919", "923"], manifest, stale)
    return report_index.render_index(period, rows)


def row_of(index: str, code: str) -> str:
    return next(r for r in index.split("<tr>") if f"<td>{code}</td>" in r)


def test_the_index_says_of_each_report_whether_it_is_current_draft_failed_or_stale(folder, vietnam_time):
    index = write_index(
        folder,
        [
            entry("92-tp"),
            entry("917-om", draft=True, draft_note="dự thảo: chưa có phần II"),
            entry(
                "918-bt", status=FAILED, error="ValueError: hỏng", last_good_at="2026-12-01T03:05:00+00:00"
            ),
            entry("919-cr"),  # its inputs changed since (find_stale says so)
            entry("923-tn", status=FAILED, error="KeyError: x"),  # never built: nothing to link
            entry("930-cu"),  # a unit the tree no longer has
        ],
        stale={"919-cr"},
    )
    assert "ĐÃ CẬP NHẬT" in row_of(index, "92") and "DỰ THẢO" not in row_of(index, "92")
    assert "DỰ THẢO" in row_of(index, "917") and "chưa có phần II" in row_of(index, "917")
    failed = row_of(index, "918")
    assert "LỖI: ValueError: hỏng" in failed
    assert "bản của lần lập trước, 10:05 ngày 01/12/2026" in failed  # Vietnam is UTC+7
    assert '<a href="918-bt.pdf">PDF</a>' in failed  # the kept files stay reachable
    assert "CHƯA CẬP NHẬT" in row_of(index, "919") and "cần lập lại" in row_of(index, "919")
    assert "923-tn.pdf" not in index and "chưa có" in row_of(index, "923")
    assert "CHƯA CẬP NHẬT" in row_of(index, "930") and "không còn trong danh sách" in row_of(index, "930")


def test_the_index_names_units_and_the_period_in_words_with_the_local_build_time(folder, vietnam_time):
    index = write_index(folder, [entry("917-om"), entry("92-tp")])
    assert '<meta name="viewport" content="width=device-width' in index
    assert "<h1>Báo cáo kỳ năm 2022</h1>" in index and "2022-FY" not in index
    row = row_of(index, "917")
    assert "Đơn vị 917" in row and "17:40" in row and "02/12/2026 17:40" in row
    assert '<a href="917-om.pdf">PDF</a>' in row and '<a href="917-om.html">HTML</a>' in row
    assert index.index("<td>92</td>") < index.index("<td>917</td>")  # the tree's order
    assert not re.search(r"\d+[.,]\d s\b", index)  # no build seconds


def test_a_built_report_whose_files_are_gone_is_not_current(folder):
    (folder / "92-tp.pdf").unlink()
    index = write_index(folder, [entry("92-tp")])
    assert "CHƯA CẬP NHẬT" in row_of(index, "92") and "92-tp.pdf" not in index


@pytest.mark.e2e
def test_after_a_build_of_one_unit_the_index_calls_stale_the_reports_whose_figures_changed(tmp_path):
    project = make_project(tmp_path)
    paths = ProjectPaths.at(project)
    options = BuildOptions(strict=True)
    build_period(paths, "2022-FY", ["92", "917", "918"], options=options)
    set_figure(project, "2022-FY", "917", "new_members", "1234")
    set_figure(project, "2022-FY", "918", "new_members", "4321")
    build_period(paths, "2022-FY", ["917"], options=options)
    index = (project / "outputs" / "2022-FY" / "index.html").read_text(encoding="utf-8")
    assert "ĐÃ CẬP NHẬT" in row_of(index, "917")  # just built
    assert "CHƯA CẬP NHẬT" in row_of(index, "918")  # its own figure changed
    assert "CHƯA CẬP NHẬT" in row_of(index, "92")  # the city adds up 917 and 918
