"""The report notebook is its sections, one cell each: an analyst's cells print exactly where they
are inserted, styled like the report, and tags hide cells as nbconvert documents them."""

from __future__ import annotations

import re
import shutil
import subprocess

import nbformat
import pytest
from conftest import ROOT
from nbformat.v4 import new_code_cell, new_markdown_cell
from pypdf import PdfReader

from reportkit import build_pdf
from reportkit.cli import main
from reportkit.errors import BuildError, DataError

pytestmark = pytest.mark.e2e

NOTE = "**Ghi chú của chuyên viên**: năm nay mưa trái mùa kéo dài ở các phường ven sông."
CHART = 'import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.title("Biểu đồ thêm")\nplt.show()'
FRAME = (
    "import pandas as pd\n"
    'df = pd.DataFrame({"Phường": ["Thới An", "Long Hưng"], "Số hộ": [4321, 8765]})\n'
    "display(df)"
)
BETWEEN = "Nhận xét chèn giữa hai lĩnh vực."
HIDDEN = 'from IPython.display import HTML\ndisplay(HTML("<p>Ô bị ẩn không được in.</p>"))'
KEPT = 'from IPython.display import HTML\ndisplay(HTML("<p>Đầu ra của ô ẩn mã vẫn in.</p>"))'
HIDDEN_FIELD = "Thông tin, tuyên truyền trên Bản tin, Website"


def _index(cells, text: str) -> int:
    [index] = [i for i, c in enumerate(cells) if text in c.source]
    return index


def _edit_like_an_analyst(path) -> None:
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    data = _index(cells, "rk.compute_report(")
    cells[data + 1 : data + 1] = [new_markdown_cell(NOTE), new_code_cell(CHART), new_code_cell(FRAME)]
    between = _index(cells, '"to_chuc_hoi"')
    cells[between:between] = [
        new_markdown_cell(BETWEEN),
        new_code_cell(HIDDEN, metadata={"tags": ["remove-cell"]}),
        new_code_cell(KEPT, metadata={"tags": ["remove-input"]}),
    ]
    cells[_index(cells, '"ban_tin"')].metadata["tags"] = ["remove-cell"]
    nbformat.write(notebook, path)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_store):
    project = tmp_path_factory.mktemp("sections") / "project"
    for part in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / part, project / part)
    _edit_like_an_analyst(project / "notebooks" / "district.ipynb")
    # Strict: a warning or anything on stderr while the report runs fails it.
    code = main(["--root", str(project), "build", "--period", "2022-FY", "--unit", "917", "--strict"])
    assert code == 0
    return project / "outputs" / "2022-FY"


def test_inserted_cells_print_in_place_before_the_signature(built):
    pdf = built / "917-quan-o-mon.pdf"
    pages = [page.extract_text() or "" for page in PdfReader(pdf).pages]
    text = _flat(" ".join(pages))
    order = [
        "Ghi chú của chuyên viên: năm nay mưa trái mùa",
        "Thới An",
        "4321",
        "8765",
        "I. KẾT QUẢ",
        "1. Công tác tuyên truyền",
        BETWEEN,
        "Đầu ra của ô ẩn mã vẫn in.",
        "2. Xây dựng tổ chức Hội",
        "Nơi nhận",
    ]
    positions = [text.find(words) for words in order]
    assert -1 not in positions, dict(zip(order, positions, strict=True))
    assert positions == sorted(positions), dict(zip(order, positions, strict=True))
    # The chart is an image on the page of the analyst's note, and in the page between note and table.
    [note_page] = [i for i, page in enumerate(pages) if "Ghi chú của chuyên viên" in page]
    listing = subprocess.run(
        ["pdfimages", "-list", "-f", str(note_page + 1), "-l", str(note_page + 1), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(listing.strip().splitlines()) > 2, listing  # two heading lines, then one per image
    html = (built / "917-quan-o-mon.html").read_text(encoding="utf-8")
    body = html[html.index("<body") :]  # the stylesheet's comments name "Nơi nhận" too
    note, image, table = (body.find(s) for s in ("Ghi chú của chuyên viên", "data:image/png", "4321"))
    assert -1 < note < image < table < body.find("Nơi nhận")
    assert "No description" not in html  # nbconvert's English alt text is not the report's


def test_plain_dataframes_get_the_report_table_style(built):
    html = (built / "917-quan-o-mon.html").read_text(encoding="utf-8")
    assert re.search(r'<table[^>]*class="dataframe', html)
    assert re.search(r"table\.dataframe[^{]*\{[^}]*border-collapse: collapse", html)


def test_tags_hide_cells_or_their_code_as_nbconvert_documents(built):
    text = _flat(" ".join(p.extract_text() or "" for p in PdfReader(built / "917-quan-o-mon.pdf").pages))
    assert "Ô bị ẩn không được in." not in text
    assert "Đầu ra của ô ẩn mã vẫn in." in text
    # The analyst hid a standard section; the sections around it still print.
    assert HIDDEN_FIELD not in text
    assert "13. Mái ấm nông dân" in text


def test_the_executed_notebook_has_no_stderr(built):
    [path] = (built / "notebooks").glob("917-*.ipynb")
    outputs = [o for cell in nbformat.read(path, as_version=4).cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)


def test_build_pdf_from_the_notebooks_folder_builds_the_units_pdf(built, monkeypatch):
    # As from a cell in JupyterLab: the kernel runs in notebooks/, so the project is found from there.
    pdf = built / "917-quan-o-mon.pdf"
    pdf.unlink()  # gone: the build must make it again, not only name it
    monkeypatch.chdir(built.parents[1] / "notebooks")
    assert build_pdf("917", "2022-FY") == pdf
    text = _flat(" ".join(p.extract_text() or "" for p in PdfReader(pdf).pages))
    assert "Ghi chú của chuyên viên" in text


def test_build_pdf_of_an_unknown_unit_is_a_build_error_in_vietnamese(built):
    with pytest.raises(BuildError, match="Không lập được báo cáo 999"):
        build_pdf("999", "2022-FY", root=built.parents[1])


def test_build_pdf_outside_a_project_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match="Không tìm thấy thư mục dự án"):
        build_pdf("917")
