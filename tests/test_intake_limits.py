"""One submitted file cannot bring intake down: a stray cell far out, or a zip bomb, costs little."""

import json
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from conftest import ROOT
from openpyxl.utils import get_column_letter
from workbooks import district_values, fill

from reportkit.report.inputs import load_plan
from reportkit.submissions.read import MAX_SHEETS_BYTES, read_submission
from reportkit.submissions.templates import write_template

DATA = ROOT / "data"
DISTRICT_SHEET, MEMBERS_SHEET = "Số liệu quận, huyện", "Số liệu cơ sở Hội"
MAX_SECONDS, MAX_MEGABYTES = 5, 500

# Reads a file in a fresh interpreter and prints the time taken, the peak resident memory and what
# was read: the peak of this process alone, not of the test run.
MEASURE = """
import json, resource, sys, time
from pathlib import Path
from reportkit.submissions.read import read_submission
path = Path(sys.argv[1])
started = time.perf_counter()
raw = read_submission(path.read_bytes(), path.name)
seconds = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "entries": len(raw.entries),
                  "codes": [p.code for p in raw.problems]}))
"""


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    template = write_template(load_plan(DATA, "2022-FY"), "917", folder)
    return fill(template, district_values("2022-FY", "917"), folder / "filled.xlsx")


def measure(path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(done.stdout)


def with_stray_value(filled, out, sheet, coordinate):
    wb = openpyxl.load_workbook(filled)
    wb[sheet][coordinate] = 1
    wb.save(out)
    return out


@pytest.mark.parametrize("coordinate", ["K1048576", "XFD1048576", "A1048576", "XFD2"])
@pytest.mark.parametrize("sheet", [DISTRICT_SHEET, MEMBERS_SHEET])
def test_a_stray_value_far_out_costs_little_and_changes_nothing(filled, tmp_path, sheet, coordinate):
    stray = with_stray_value(filled, tmp_path / "stray.xlsx", sheet, coordinate)
    assert openpyxl.load_workbook(stray, read_only=True)[sheet].max_row >= 2  # the dimension is declared
    expected = read_submission(filled.read_bytes(), "stray.xlsx")
    found = measure(stray)
    assert found["seconds"] < MAX_SECONDS
    assert found["peak_mb"] < MAX_MEGABYTES
    assert found["entries"] == len(expected.entries) > 0
    assert found["codes"] == []


def test_the_stray_value_is_not_read(filled, tmp_path):
    stray = with_stray_value(filled, tmp_path / "stray.xlsx", DISTRICT_SHEET, "XFD1048576")
    raw = read_submission(stray.read_bytes(), "stray.xlsx")
    assert raw.entries == read_submission(filled.read_bytes(), "stray.xlsx").entries


def write_sheet(path, rows) -> None:
    """A bare workbook of one sheet (no declared dimension), its rows given as XML text."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            for row in rows:
                fh.write(row.encode())
            fh.write(b"</sheetData></worksheet>")


def dense_rows(budget: int, cell: str):
    """A data sheet's key row, then keyed rows of 1000 cells each, up to `budget` bytes of XML."""
    keys = '<c r="A1" t="inlineStr"><is><t>reportkit:keys</t></is></c>'
    keys += '<c r="B1" t="inlineStr"><is><t>value</t></is></c>'
    rows, size = [f'<row r="1">{keys}</row>'], 0
    for number in range(2, 1_048_577):
        cells = "".join(f'<c r="{get_column_letter(c)}{number}">{cell}</c>' for c in range(2, 1000))
        row = f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>m:x</t></is></c>{cells}</row>'
        size += len(row)
        if size > budget:
            return rows
        rows.append(row)


def test_a_zip_bomb_is_refused_quickly(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t>m:x</t></is></c></row>'
    write_sheet(bomb, [row * 16384] * 200)  # 200 MB of XML in well under 1 MB
    assert bomb.stat().st_size < 20_000_000
    found = measure(bomb)
    assert found["seconds"] < MAX_SECONDS
    assert found["peak_mb"] < MAX_MEGABYTES
    assert found["codes"] == ["file_too_big"]


# Every cell filled, blank, or a formula without its result (which makes the reader look for formulas).
@pytest.mark.parametrize("cell", ["<v>1</v>", "", "<f>1+1</f>"])
def test_the_largest_sheet_read_is_read_quickly(tmp_path, cell):
    largest = tmp_path / "dense.xlsx"
    rows = dense_rows(MAX_SHEETS_BYTES - 1_000, cell)
    write_sheet(largest, rows)
    found = measure(largest)
    assert found["seconds"] < MAX_SECONDS
    assert found["peak_mb"] < MAX_MEGABYTES
    assert found["entries"] == len(rows) - 1  # one value column, one row of keys
    assert "file_too_big" not in found["codes"]


def test_a_larger_sheet_is_refused(tmp_path):
    larger = tmp_path / "larger.xlsx"
    write_sheet(larger, dense_rows(MAX_SHEETS_BYTES + 10_000, "<v>1</v>"))
    assert measure(larger)["codes"] == ["file_too_big"]


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
</Relationships>"""
