"""Levels are data (issue 12): a tree of another shape, city -> communes with the communes sending in
their figures, goes through templates, intake and a report's words with no word of the 2022 tree.

The project here is built in a temporary folder: its own units, levels file, catalogue and targets,
and the kit's wording (data/wording/vi.yaml) as shipped."""

from __future__ import annotations

import shutil
import textwrap
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT
from workbooks import fill

from reportkit.cli import main
from reportkit.errors import DataError
from reportkit.paths import periods_file
from reportkit.report.document import (
    describe_recipients,
    describe_results_sections,
    render_districts,
    render_header,
)
from reportkit.report.inputs import (
    load_levels,
    load_period_inputs,
    load_periods,
    load_plan,
    load_unit_params,
    unit_report_inputs,
)
from reportkit.report.metrics import compute_report
from reportkit.submissions.feedback import render_text
from reportkit.submissions.intake import take_in_files
from reportkit.submissions.templates import submitting_units, write_template

PERIOD = "2025-FY"
CITY = "92"
COMMUNES = {"31117": ("Ninh Kiều", "phường"), "31120": ("Cái Khế", "phường"), "31150": ("Mỹ Khánh", "xã")}
DISTRICT_WORDS = ("quận, huyện", "QUẬN, HUYỆN", "Quận, huyện", "cơ sở Hội", "CƠ SỞ HỘI")

LEVELS = """\
levels:
  city:
    kinds: [thành phố]
    words: {one: thành phố, many: các thành phố}
  commune:
    kinds: [phường, xã]
    words: {one: "xã, phường", many: "các xã, phường", association: "xã, phường Hội"}
submits: commune
reports: [city, commune]
association_titles: {thành phố: Thành phố, phường: Phường, xã: Xã}
"""

CATALOGUE = """\
plan:
  title: Thử năm 2025
  theme: Thử
  year: 2025
fields:
  - {id: to_chuc, title: Xây dựng tổ chức Hội}
measures:
  - {id: new_members, level: commune, type: count, unit: hội viên, name: Hội viên phát triển mới}
  - {id: members_total, level: commune, type: count, unit: hội viên, name: Tổng số hội viên}
  - {id: members_insured, level: commune, type: count, unit: hội viên, name: Hội viên có BHYT}
  - {id: models, level: commune, type: count, unit: mô hình, name: Mô hình kinh tế tập thể}
indicators:
  - {id: new, field: to_chuc, kind: total, measure: new_members, city_target: 300, unit: hội viên,
     short: Hội viên mới, name: Phát triển 300 hội viên mới, lead: Phát triển mới}
  - {id: bhyt, field: to_chuc, kind: share, numerator: members_insured, denominator: members_total,
     threshold: 90, unit: "%", short: BHYT, name: 90% hội viên có BHYT, lead: Hội viên tham gia BHYT}
  - {id: model, field: to_chuc, kind: minimum, measure: models, level: commune, minimum: 1, unit: mô hình,
     short: Có mô hình, name: Mỗi xã, phường có ít nhất 01 mô hình, lead: có mô hình}
constraints:
  - {lhs: [members_insured], rhs: members_total}
"""

# Each commune's figures: new members, members, insured, models (the third has no model).
FIGURES = {"31117": (120, 1000, 950, 2), "31120": (90, 800, 700, 1), "31150": (70, 600, 590, 0)}
MEASURES = ("new_members", "members_total", "members_insured", "models")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    data = tmp_path / "project" / "data"
    (data / "org").mkdir(parents=True)
    (data / "catalogue").mkdir()
    (data / "targets").mkdir()
    shutil.copytree(ROOT / "data" / "wording", data / "wording")
    units = ["code,name,kind,parent_code", f"{CITY},Cần Thơ,thành phố,"]
    units += [f"{code},{name},{kind},{CITY}" for code, (name, kind) in COMMUNES.items()]
    (data / "org" / "units-test.csv").write_text("\n".join(units) + "\n", encoding="utf-8")
    (data / "org" / "levels-test.yaml").write_text(LEVELS, encoding="utf-8")
    (data / "catalogue" / "test.yaml").write_text(CATALOGUE, encoding="utf-8")
    targets = ["unit_code,indicator_id,target,basis"] + [f"{code},new,100,sample" for code in COMMUNES]
    (data / "targets" / "test.csv").write_text("\n".join(targets) + "\n", encoding="utf-8")
    periods_file(data).write_text(
        textwrap.dedent(f"""\
            default: {PERIOD}
            periods:
              {PERIOD}:
                year: 2025
                months: 12
                review: tong_ket
                label: năm 2025
                org: org/units-test.csv
                levels: org/levels-test.yaml
                catalogue: catalogue/test.yaml
                targets: targets/test.csv
                report_date: 2025-12-15
            """),
        encoding="utf-8",
    )
    return tmp_path / "project"


def workbook_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    cells = [
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]
    return "\n".join([*wb.sheetnames, *cells])


def assert_no_district_words(text: str) -> None:
    found = [word for word in DISTRICT_WORDS if word in text]
    assert not found, (found, text)


def test_communes_get_the_templates_in_their_own_words(project, tmp_path):
    plan = load_plan(project / "data", PERIOD)
    assert submitting_units(plan) == list(COMMUNES)
    path = write_template(plan, "31117", tmp_path / "out")
    wb = openpyxl.load_workbook(path)
    # No level below the communes: no members sheet.
    assert wb.sheetnames == ["Hướng dẫn", "Số liệu xã, phường", "_reportkit"]
    text = workbook_text(path)
    assert_no_district_words(text)
    lines = [c.value for c in wb["Hướng dẫn"]["A"] if c.value]
    steps = lines[lines.index("HƯỚNG DẪN ĐIỀN SỐ LIỆU") + 1 : -1]
    # The steps that concern a members sheet are left out (8 in 2022, 7 here), the others numbered on.
    assert steps[0].startswith("1. Nhập số liệu vào các ô màu vàng ở trang “Số liệu xã, phường”. Các ô khác")
    assert [step.split(".")[0] for step in steps] == ["1", "2", "3", "4", "5", "6", "7"]
    # The minimum kept by the communes themselves: asked of the commune, its target said plainly.
    assert "Ít nhất 1" in text


def test_the_template_command_names_the_submitting_level(project, tmp_path, capsys):
    out = tmp_path / "templates"
    assert main(["--root", str(project), "template", "--period", PERIOD, "--out", str(out)]) == 0
    assert len(list(out.glob("*.xlsx"))) == len(COMMUNES)
    capsys.readouterr()
    assert (
        main(["--root", str(project), "template", "--period", PERIOD, "--unit", CITY, "--out", str(out)]) == 2
    )
    said = capsys.readouterr().out
    assert "Không phải mã xã, phường Hội: 92" in " ".join(said.split())


def take_in_templates(project: Path, tmp_path: Path) -> list:
    plan = load_plan(project / "data", PERIOD)
    files = []
    for code, values in FIGURES.items():
        template = write_template(plan, code, tmp_path / "templates")
        figures = {(code, m): Decimal(v) for m, v in zip(MEASURES, values, strict=True)}
        files.append(fill(template, figures, tmp_path / f"{code}.xlsx"))
    return take_in_files(files, project / "data", tmp_path / "store")


def test_intake_takes_the_communes_files_and_says_so_in_their_words(project, tmp_path):
    received = take_in_templates(project, tmp_path)
    assert [r.status for r in received] == ["accepted"] * len(COMMUNES), [r.verdict for r in received]
    assert [r.verdict.unit_code for r in received] == list(COMMUNES)
    for r in received:
        assert_no_district_words(render_text(r))


def test_a_file_naming_no_commune_is_refused_in_the_communes_words(project, tmp_path):
    rows = ["period,unit_code,unit_name,measure,value,source", f"{PERIOD},{CITY},Cần Thơ,new_members,5,"]
    path = tmp_path / "city.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    [received] = take_in_files([path], project / "data", tmp_path / "store")
    assert received.status == "rejected"
    [found] = [p for p in received.verdict.errors if p.code == "district_unknown"]
    assert found.message == "Không xác định được xã, phường của tệp: không dòng nào mang mã một xã, phường."
    assert found.expected == "Các dòng số liệu cấp xã, phường ghi mã xã, phường (ví dụ 31117)."
    assert_no_district_words(render_text(received))


def test_the_city_report_compares_its_communes_in_their_words(project, tmp_path):
    take_in_templates(project, tmp_path)
    shared = load_period_inputs(PERIOD, project / "data", "", tmp_path / "store")
    assert shared.tree.at_levels(shared.tree.levels.reports) == [CITY, *COMMUNES]
    inputs = unit_report_inputs(shared, CITY, project / "params", {})
    report = compute_report(inputs, compare_children=True)
    sentences = [s for _, _, said in describe_results_sections(report).values() for s in said]
    # 2 of 3 communes have a model (31150 has none): counted in the communes' word.
    assert (
        "2 trên 3 xã, phường có mô hình, chưa đạt chỉ tiêu 100% xã, phường. Chưa đạt: xã Mỹ Khánh."
        in sentences
    )
    header, districts = render_header(report), render_districts(report)
    assert "KẾT QUẢ CÁC XÃ, PHƯỜNG" in districts and "Xếp hạng các xã, phường" in districts
    assert "Kết quả thực hiện chỉ tiêu của các xã, phường" in districts
    assert "Số chỉ tiêu đạt, vượt của các xã, phường" in districts
    # A commune's targets are sample ones: its report's note names the communes, and no level below.
    commune = compute_report(unit_report_inputs(shared, "31150", project / "params", {}))
    commune_header = render_header(commune)
    note = "Chỉ tiêu của xã, phường là số phân bổ mẫu từ chỉ tiêu thành phố, không phải chỉ tiêu được giao"
    assert note in " ".join(commune_header.split())
    for text in (header, districts, commune_header, *sentences):
        assert_no_district_words(text)
    # The city's recipients, as params/units/92.yaml words them, count its communes.
    recipients = load_unit_params(ROOT / "params", CITY)["recipients"]
    city = unit_report_inputs(shared, CITY, project / "params", {"recipients": recipients})
    assert "Hội Nông dân 3 xã, phường;" in describe_recipients(city)


def test_a_2022_report_keeps_its_words(tmp_path):
    # The same wording with the 2022 levels file: the districts' words, as before.
    shared = load_period_inputs("2022-FY", ROOT / "data", "sample/figures.csv")
    inputs = unit_report_inputs(shared, CITY, tmp_path, {})
    report = compute_report(inputs, compare_children=True)
    districts = render_districts(report)
    assert "KẾT QUẢ CÁC QUẬN, HUYỆN" in districts and "Xếp hạng các quận, huyện" in districts
    note = (
        "Chỉ tiêu của quận, huyện là số phân bổ mẫu từ chỉ tiêu thành phố theo số cơ sở Hội, không phải "
        "chỉ tiêu được giao chính thức."
    )
    recipients = load_unit_params(ROOT / "params", CITY)["recipients"]
    city = unit_report_inputs(shared, CITY, tmp_path, {"recipients": recipients})
    assert "Hội Nông dân 8 quận, huyện;" in describe_recipients(city)
    district = compute_report(unit_report_inputs(shared, "917", tmp_path, {}))
    assert note in " ".join(render_header(district).split())


# ---------- a period's levels file is checked ----------


def test_a_period_without_a_levels_file_is_refused_in_vietnamese(project):
    path = periods_file(project / "data")
    path.write_text(
        path.read_text(encoding="utf-8").replace("    levels: org/levels-test.yaml\n", ""), "utf-8"
    )
    with pytest.raises(DataError) as failed:
        load_periods(path)
    assert str(failed.value) == f"data/periods.yaml, dòng 4: mục periods → {PERIOD}: thiếu mục “levels”."


def test_an_unknown_submitting_level_is_refused_in_vietnamese(project):
    path = project / "data" / "org" / "levels-test.yaml"
    path.write_text(LEVELS.replace("submits: commune", "submits: district"), encoding="utf-8")
    with pytest.raises(DataError) as failed:
        load_levels(path)
    assert str(failed.value) == (
        "data/org/levels-test.yaml, dòng 8: mục submits: cấp “district” không có trong mục levels "
        "(có: city, commune)."
    )


def test_a_level_without_its_words_is_refused_in_vietnamese(project):
    path = project / "data" / "org" / "levels-test.yaml"
    path.write_text(LEVELS.replace('many: "các xã, phường", ', ""), encoding="utf-8")
    with pytest.raises(DataError, match="mục levels → commune → words: thiếu mục “many”"):
        load_levels(path)
