"""The template prints: each sheet on A4 fitted to the page width, its title rows repeated on every
page, and every row tall enough for its wrapped text (checked as pictures through LibreOffice's PDF
export when the layout was made; here through the properties Excel and LibreOffice read)."""

import math

import openpyxl
import pytest
from conftest import ROOT
from openpyxl.utils import get_column_letter

from reportkit.report.inputs import load_plan
from reportkit.submissions.templates import INSTRUCTIONS_SHEET, wrapped_lines, write_template

# The data sheets of a 2022 template, named from the levels' words (data/org/levels-2022.yaml).
DISTRICT_SHEET, MEMBERS_SHEET = "Số liệu quận, huyện", "Số liệu cơ sở Hội"

A4 = 9  # openpyxl's (and Excel's) paper size code


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = write_template(load_plan(ROOT / "data", "2022-FY"), "917", tmp_path_factory.mktemp("print"))
    return openpyxl.load_workbook(path)


@pytest.mark.parametrize(
    ("sheet", "orientation", "titles"),
    [
        # One column of 70 widths (490 px, 368 pt) fits A4 portrait's 523 pt between 0.5" margins.
        (INSTRUCTIONS_SHEET, "portrait", None),
        # 6 + 70 + 12 + 16 + 16 = 120 widths, 840 px, 630 pt: wider than portrait, so landscape.
        (DISTRICT_SHEET, "landscape", "$2:$5"),
        # 6 + 10 + 28 + 7 figures of 16 = 156 widths, 819 pt: landscape, and fitted to its width.
        (MEMBERS_SHEET, "landscape", "$2:$7"),
    ],
)
def test_each_sheet_prints_on_a4_fitted_to_the_page_width(workbook, sheet, orientation, titles):
    ws = workbook[sheet]
    setup = ws.page_setup
    assert (setup.paperSize, setup.orientation) == (A4, orientation)
    assert (setup.fitToWidth, setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
    assert ws.print_title_rows == titles


def test_the_instructions_fit_the_portrait_page_unscaled(workbook):
    ws = workbook[INSTRUCTIONS_SHEET]
    width_pt = ws.column_dimensions["A"].width * 7 * 72 / 96
    assert width_pt <= 595 - 2 * 72 * ws.page_margins.left


def lower_bound_lines(text: str, width_units: float, size: float) -> int:
    """A hand estimate the row must at least hold: no glyph of Times New Roman is narrower on
    average than 0.4 em, and a line's words never fill it beyond its width."""
    line_px = width_units * 7 - 8
    per_line = max(1, math.floor(line_px / (0.4 * size * 96 / 72)))
    return sum(math.ceil(max(1, len(part)) / per_line) for part in text.split("\n"))


def wrapped_cells(ws):
    spans = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
    for row in ws.iter_rows():
        for cell in row:
            hidden = ws.column_dimensions[get_column_letter(cell.column)].hidden
            if not isinstance(cell.value, str) or cell.value.startswith("=") or hidden:
                continue
            if not cell.alignment.wrap_text or ws.row_dimensions[cell.row].hidden:
                continue
            merged = spans.get((cell.row, cell.column))
            last = merged.max_col if merged else cell.column
            width = sum(
                ws.column_dimensions[get_column_letter(c)].width for c in range(cell.column, last + 1)
            )
            yield cell, width


@pytest.mark.parametrize("sheet", [INSTRUCTIONS_SHEET, DISTRICT_SHEET, MEMBERS_SHEET])
def test_every_row_is_tall_enough_for_its_wrapped_text(workbook, sheet):
    ws = workbook[sheet]
    checked = 0
    for cell, width in wrapped_cells(ws):
        size = cell.font.sz
        needed = lower_bound_lines(cell.value, width, size) * size
        assert ws.row_dimensions[cell.row].height >= needed, (cell.coordinate, cell.value)
        checked += 1
    assert checked > 10


def test_long_names_get_taller_rows_than_short_ones(workbook):
    ws = workbook[DISTRICT_SHEET]
    heights = {ws.cell(r, 3).value: ws.row_dimensions[r].height for r in range(6, ws.max_row + 1)}
    short = heights["Phát triển mới hội viên"]
    # 150 characters in a column of 70 widths (482 px; at 12 pt some 65 small letters a line).
    long = next(h for name, h in heights.items() if name and name.startswith("Cán bộ, hội viên được tuyên"))
    assert short < 2 * 12 <= long


def test_wrapping_breaks_at_words():
    one_word = wrapped_lines("tuyên", 1000, 12)
    assert one_word == 1
    # At 12 pt (16 px an em) "viên" is 4 small letters of 0.47 em, 30.08 px, and a space 4 px:
    # two words and a space take 64.16 px, three 98.24 px.
    assert wrapped_lines("viên viên viên", 70, 12) == 2
    assert wrapped_lines("viên viên viên", 100, 12) == 1
    assert wrapped_lines("dòng một\ndòng hai", 1000, 12) == 2
