"""The report's sections, one notebook cell each: the notebooks show them in document order, and the
pieces each cell renders make up the whole blocks the other code still calls."""

from __future__ import annotations

import dataclasses
import re

import nbformat
import pytest
import yaml
from conftest import ROOT, figures
from test_report_edges import FULL, inputs_for, text_of

from reportkit.errors import DataError
from reportkit.model import Field
from reportkit.report import document
from reportkit.report.metrics import compute_report

CALL = re.compile(r"rk\.show\(rk\.(render_\w+)\(report(?:, \"(\w+)\")?\)\)")


def shown_sections(name: str) -> list[tuple[str, str | None]]:
    """(function, argument) of each cell that shows a piece of the report, in cell order."""
    notebook = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    calls = []
    for cell in notebook.cells:
        if cell.cell_type == "code" and "rk.show(" in cell.source:
            [call] = CALL.findall(cell.source)
            calls.append((call[0], call[1] or None))
    return calls


def catalogue_fields() -> list[list[str]]:
    files = sorted((ROOT / "data" / "catalogue").glob("*.yaml"))
    return [[f["id"] for f in yaml.safe_load(p.read_text("utf-8"))["fields"]] for p in files]


@pytest.mark.parametrize("name", ["district", "city"])
def test_the_notebook_shows_each_section_in_document_order(name):
    [fields] = {tuple(f) for f in catalogue_fields()}  # one set of fields; a new one needs its cells
    expected = [
        ("render_header", None),
        ("render_part_heading", "results"),
        *(("render_results_section", field) for field in fields),
        ("render_charts", None),
        *([("render_districts", None)] if name == "city" else []),
        ("render_analyst_section", "II"),
        ("render_analyst_section", "III"),
        ("render_analyst_section", "IV"),
        ("render_closing", None),
        ("render_appendix", None),
    ]
    assert shown_sections(name) == expected


def _report_with_fields():
    # Three fields: "e" has no indicator, "f" the catalogue's first four, "g" the last one.
    inputs = inputs_for("D1", figures(FULL))
    catalogue = inputs.catalogue
    moved = tuple(
        dataclasses.replace(i, field="g") if i.id == "bulletin" else i for i in catalogue.indicators
    )
    fields = (Field("e", "Trống"), Field("f", "Lĩnh vực"), Field("g", "Khác"))
    catalogue = dataclasses.replace(catalogue, fields=fields, indicators=moved)
    return compute_report(dataclasses.replace(inputs, catalogue=catalogue))


def test_a_field_without_results_prints_nothing_and_takes_no_number():
    report = _report_with_fields()
    assert document.render_results_section(report, "e") == ""
    assert text_of(document.render_results_section(report, "f")).startswith("1. Lĩnh vực - ")
    assert text_of(document.render_results_section(report, "g")).startswith("2. Khác - ")


def test_a_cell_naming_a_field_the_catalogue_lacks_fails():
    with pytest.raises(DataError, match="tuyen_truyen"):
        document.render_results_section(_report_with_fields(), "tuyen_truyen")


def test_section_one_whole_is_its_cells_joined():
    report = _report_with_fields()
    cells = [
        document.render_part_heading(report, "results"),
        *(document.render_results_section(report, f) for f in ("e", "f", "g")),
        document.render_charts(report),
    ]
    assert text_of("".join(cells)) == text_of(document.render_results(report))
    assert text_of(document.render_results(report)).startswith("I. KẾT QUẢ")


def test_sections_two_to_four_each_a_cell():
    inputs = dataclasses.replace(
        inputs_for("D1", figures(FULL)), analyst_markdown="## II. Đánh giá chung\n\nNăm nay tốt hơn.\n"
    )
    report = compute_report(inputs)
    two, three = (text_of(document.render_analyst_section(report, n)) for n in ("II", "III"))
    assert two == "II. ĐÁNH GIÁ CHUNG Năm nay tốt hơn."
    assert three.startswith("III. PHƯƠNG HƯỚNG, NHIỆM VỤ") and "CHƯA CÓ NỘI DUNG" in three
    assert "params/narrative" not in three  # the file to write is the office's, not the committee's
    whole = "".join(document.render_analyst_section(report, n) for n in ("II", "III", "IV"))
    assert document.render_analyst_sections(report) == whole
    with pytest.raises(DataError):
        document.render_analyst_section(report, "V")


def test_the_closing_refuses_a_report_whose_notebook_skipped_a_field_with_results():
    # A field added to the catalogue with no cell of its own would reach the committee only in
    # the appendix: the closing cell names it and the cell to add.
    report = _report_with_fields()
    document.render_results_section(report, "f")
    with pytest.raises(DataError, match=r'lĩnh vực g .*render_results_section\(report, "g"\)'):
        document.render_closing(report)


def test_the_closing_passes_once_every_field_with_results_is_shown():
    # "e" has no indicator: it needs no cell. Section I whole counts as every field shown.
    report = _report_with_fields()
    for field in ("f", "g"):
        document.render_results_section(report, field)
    assert "Nơi nhận" in text_of(document.render_closing(report))
    whole = _report_with_fields()
    document.render_results(whole)
    assert "Nơi nhận" in text_of(document.render_closing(whole))


def test_a_report_comparing_its_units_numbers_their_part_ii_and_shifts_the_rest():
    # The city's districts part comes after the results: I, II (districts), III, IV, V; a district
    # report has no such part: I, II, III, IV. The draft names the sections as printed.
    city = compute_report(inputs_for("C", figures(FULL)), compare_children=True)
    assert text_of(document.render_districts(city)).startswith("II. KẾT QUẢ CÁC QUẬN, HUYỆN 1. Kết quả")
    headings = [
        text_of(document.render_analyst_section(city, key)).split(" [")[0] for key in ("II", "III", "IV")
    ]
    assert headings == ["III. ĐÁNH GIÁ CHUNG", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ", "V. KIẾN NGHỊ, ĐỀ XUẤT"]
    assert document.describe_draft(city).sections == (
        "III. ĐÁNH GIÁ CHUNG; IV. PHƯƠNG HƯỚNG, NHIỆM VỤ; V. KIẾN NGHỊ, ĐỀ XUẤT"
    )
    district = compute_report(inputs_for("D1", figures(FULL)))
    assert document.describe_draft(district).sections == (
        "II. ĐÁNH GIÁ CHUNG; III. PHƯƠNG HƯỚNG, NHIỆM VỤ; IV. KIẾN NGHỊ, ĐỀ XUẤT"
    )
