"""A template saved by LibreOffice (.ods) or as Excel 97-2003 (.xls) is taken in as the .xlsx is:
the same figures, the same checks and cell references; a sheet reaching far out is refused fast."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT
from test_intake_limits import MAX_MEGABYTES, MAX_SECONDS, measure
from workbooks import district_values

from reportkit.cli import main
from reportkit.paths import store_db
from reportkit.report.inputs import load_plan
from reportkit.submissions.read import MAX_ODS_CONTENT_BYTES, MAX_SHEET_ROWS, read_submission
from reportkit.submissions.store import read_figures
from reportkit.submissions.validate import check_submission

FIXTURES = Path(__file__).parent / "fixtures" / "submissions"
DISTRICT_SHEET = "Số liệu quận, huyện"
FORMATS = ["xlsx", "ods", "xls"]


def fixture(name: str) -> Path:
    return FIXTURES / name


def check(path: Path):
    raw = read_submission(path.read_bytes(), path.name)
    return raw, check_submission(raw, load_plan(ROOT / "data", "2022-FY"))


def cells(raw) -> dict[tuple[str, str], tuple[str, str, Decimal]]:
    return {
        (e.unit_code, e.measure): (e.cell.location.sheet, e.cell.location.cell, Decimal(str(e.cell.value)))
        for e in raw.entries
    }


@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_the_same_cells_as_the_xlsx(kind):
    xlsx, _ = check(fixture("917-2022-FY.xlsx"))
    other, _ = check(fixture(f"917-2022-FY.{kind}"))
    assert other.kind == kind and other.problems == ()
    assert (other.unit_code, other.periods, other.template_version) == ("917", ("2022-FY",), "1")
    assert cells(other) == cells(xlsx)
    assert [(n.unit_code, n.cell.value) for n in other.names] == [
        (n.unit_code, n.cell.value) for n in xlsx.names
    ]


@pytest.mark.parametrize("kind", FORMATS)
def test_taken_in_with_the_sample_figures(tmp_path, kind):
    store = tmp_path / "store"
    args = ["--root", str(ROOT), "--store", str(store), "intake", "--reports", str(tmp_path / "reports")]
    assert main([*args, str(fixture(f"917-2022-FY.{kind}"))]) == 0
    stored = read_figures(store_db(store), "2022-FY").values
    expected = district_values("2022-FY", "917")
    assert {k: stored[k] for k in expected} == expected
    assert list((store / "archive").glob(f"*.{kind}"))  # kept as received, under its own kind


@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_a_percentage_typed_in_a_count_is_caught_at_the_same_cell(kind):
    _, verdict = check(fixture(f"917-2022-FY-percent.{kind}"))
    [found] = [p for p in verdict.errors if p.location.cell == "F7"]
    assert found.code == "percent"
    assert (found.location.sheet, found.location.file) == (DISTRICT_SHEET, f"917-2022-FY-percent.{kind}")


def with_content(ods: Path, out: Path, extra_rows: str) -> Path:
    """The .ods with rows added at the end of the district sheet, as a hostile file would have them."""
    with zipfile.ZipFile(ods) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "content.xml":
                text = data.decode("utf-8")
                # Before the empty rows LibreOffice writes down to row 1,048,576, after the last value.
                end = text.index(TRAILING_ROWS, text.index(f'table:name="{DISTRICT_SHEET}"'))
                data = (text[:end] + extra_rows + text[end:]).encode("utf-8")
            dst.writestr(info, data)
    return out


TRAILING_ROWS = '<table:table-row table:style-name="ro1" table:number-rows-repeated="'
VALUE = '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
# 999,900 empty rows (one element), then a value: row 999,954 of the sheet.
FAR_ROW = f'<table:table-row table:number-rows-repeated="999900"><table:table-cell/></table:table-row><table:table-row>{VALUE}</table:table-row>'
# A value repeated over every column of 1,000 rows: 16 million cells in a few hundred bytes.
HUGE = VALUE.replace("<table:table-cell ", '<table:table-cell table:number-columns-repeated="16384" ')
HUGE = f'<table:table-row table:number-rows-repeated="1000">{HUGE}</table:table-row>'


@pytest.mark.parametrize(
    ("name", "make", "last"),
    [
        ("far.ods", lambda out: with_content(fixture("917-2022-FY.ods"), out, FAR_ROW), "A999954"),
        ("huge.ods", lambda out: with_content(fixture("917-2022-FY.ods"), out, HUGE), "GS54"),
        ("far.xls", lambda out: fixture("917-2022-FY-far.xls"), "IV65536"),
    ],
)
def test_a_sheet_reaching_far_is_refused_fast(tmp_path, name, make, last):
    # Unbounded, calamine would lay these sheets out densely: measured 395 MB for far.ods, 1 GB for
    # far.xls, and 17 billion cells (refused by calamine itself only past 100 million) for huge.ods.
    path = make(tmp_path / name)
    found = measure(path)
    assert found["codes"] == ["sheet_too_far"]
    assert found["seconds"] < MAX_SECONDS and found["peak_mb"] < MAX_MEGABYTES
    [said] = read_submission(path.read_bytes(), name).problems
    assert said.location.sheet == DISTRICT_SHEET
    assert said.location.cell == last and f"tối đa {MAX_SHEET_ROWS} dòng" in said.message


def dense_ods(out: Path, budget: int) -> Path:
    """The .ods with rows of 200 numbers added to the district sheet, up to `budget` bytes of XML."""
    row = f"<table:table-row>{VALUE * 200}</table:table-row>"
    with zipfile.ZipFile(fixture("917-2022-FY.ods")) as src:
        size = src.getinfo("content.xml").file_size
    return with_content(fixture("917-2022-FY.ods"), out, row * ((budget - size) // len(row.encode())))


def test_the_largest_ods_read_is_read_quickly(tmp_path):
    # Measured: 0.24 s and 23 MB for 96 such rows (19,200 cells more than the template's).
    found = measure(dense_ods(tmp_path / "dense.ods", MAX_ODS_CONTENT_BYTES - 10_000))
    assert found["seconds"] < MAX_SECONDS and found["peak_mb"] < MAX_MEGABYTES
    assert found["codes"] == [] and found["entries"] == 69  # the rows added have no keys


def test_a_larger_ods_is_refused(tmp_path):
    larger = dense_ods(tmp_path / "larger.ods", MAX_ODS_CONTENT_BYTES + 50_000)
    assert [p.code for p in read_submission(larger.read_bytes(), "larger.ods").problems] == ["file_too_big"]


def test_a_numbers_file_is_refused_naming_the_formats_accepted():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as numbers:
        numbers.writestr("Index/Document.iwa", b"\x00")
    [said] = read_submission(buffer.getvalue(), "so-lieu.numbers").problems
    assert said.code == "file_unknown" and "Numbers" in said.message
    assert all(kind in said.expected for kind in (".xlsx", ".ods", ".xls", "CSV"))


def test_a_csv_of_another_shape_is_told_to_send_the_template():
    raw = read_submission("Chỉ tiêu,Thực hiện\nHội viên mới,600\n".encode(), "917.csv")
    [said] = raw.problems
    assert said.code == "csv_columns"
    assert all(kind in said.expected for kind in (".xlsx", ".ods", ".xls"))
