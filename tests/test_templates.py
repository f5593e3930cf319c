"""The Excel template: wording, indicator rows, grassroots block, locked cells, validation, identity."""

import csv
import unicodedata
from decimal import Decimal

import openpyxl
import pytest
import yaml
from conftest import ROOT
from workbooks import children, input_cells

from reportkit.cli import main
from reportkit.report.inputs import load_plan
from reportkit.submissions.templates import write_template

DATA = ROOT / "data"
CATALOGUE = yaml.safe_load((DATA / "catalogue" / "indicators-2022.yaml").read_text(encoding="utf-8"))
TITLES = yaml.safe_load((DATA / "org" / "levels-2022.yaml").read_text(encoding="utf-8"))["association_titles"]


def nfc(text):
    return unicodedata.normalize("NFC", " ".join(str(text).split()))


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = write_template(load_plan(DATA, "2022-FY"), "918", tmp_path_factory.mktemp("tpl"))
    return openpyxl.load_workbook(path)


def rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_file_per_district_named_by_period_and_code(tmp_path):
    assert main(["--root", str(ROOT), "template", "--period", "2022-H1", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    districts = [u["code"] for u in children("92")]
    assert len(names) == len(districts) == 8
    assert all(any(n.startswith(f"mau-bieu-2022-H1-{d}-") for n in names) for d in districts)
    assert "mau-bieu-2022-H1-918-quan-binh-thuy.xlsx" in names


def test_only_districts_get_a_template(tmp_path, capsys):
    args = ["--root", str(ROOT), "template", "--period", "2022-FY", "--unit", "31168", "--out", str(tmp_path)]
    assert main(args) == 2
    assert "Không phải mã quận, huyện Hội: 31168" in capsys.readouterr().out


def test_wording_is_vietnamese_and_names_district_code_and_period(workbook):
    assert workbook.sheetnames[0] == "Hướng dẫn"
    for name in ("Số liệu quận, huyện", "Số liệu cơ sở Hội"):
        top = " ".join(str(v) for row in rows(workbook[name])[:4] for v in row if v)
        assert "QUẬN BÌNH THUỶ" in top and "918" in top and "NĂM 2022" in top and "2022-FY" in top
    for ws in workbook.worksheets:
        for row in rows(ws):
            for value in row:
                if isinstance(value, str):
                    assert unicodedata.is_normalized("NFC", value), value


def test_instructions_sheet(workbook):
    text = " ".join(str(r[0]) for r in rows(workbook["Hướng dẫn"]) if r[0])
    assert "HƯỚNG DẪN ĐIỀN SỐ LIỆU" in text
    assert "Hội Nông dân quận Bình Thuỷ (mã 918)" in text
    assert "không nhập phần trăm" in text and "nhập 0" in text


def test_each_indicator_has_a_row_with_its_unit_and_the_districts_target(workbook):
    with open(DATA / "targets" / "targets-2022.csv", encoding="utf-8") as fh:
        targets = {
            r["indicator_id"]: Decimal(r["target"]) for r in csv.DictReader(fh) if r["unit_code"] == "918"
        }
    sheet = rows(workbook["Số liệu quận, huyện"])
    by_label = {nfc(r[2]): r for r in sheet if r[2]}
    for ind in CATALOGUE["indicators"]:
        row = next((r for label, r in by_label.items() if label.startswith(nfc(ind["name"]))), None)
        assert row is not None, ind["id"]
        assert row[3], ind["id"]  # ĐVT
        if ind["kind"] == "total":
            assert row[4] == targets[ind["id"]], ind["id"]
        if ind["kind"] == "share":
            assert row[3] == "%"
            assert row[4] == f"{ind['threshold']}%".replace(".", ","), ind["id"]


def test_a_share_asks_for_numerator_and_denominator(workbook):
    sheet = rows(workbook["Số liệu quận, huyện"])
    measures = {m["id"]: m for m in CATALOGUE["measures"]}
    for ind in (i for i in CATALOGUE["indicators"] if i["kind"] == "share"):
        at = next(i for i, r in enumerate(sheet) if r[2] and nfc(r[2]) == nfc(ind["name"]))
        assert sheet[at + 1][2] == f"a) Tử số: {measures[ind['numerator']]['name']}"
        assert sheet[at + 2][2].startswith(f"b) Mẫu số: {measures[ind['denominator']]['name']}")


def test_grassroots_block_lists_every_unit_of_the_district_by_code_and_name(workbook):
    listed = [(r[2], r[3]) for r in rows(workbook["Số liệu cơ sở Hội"]) if r[0] == "unit"]
    expected = [(u["code"], f"{TITLES[u['kind']]} {u['name']}") for u in children("918")]
    assert listed == expected
    assert ("31168", "Phường Bình Thủy") in listed  # the ward keeps its own spelling


def test_every_figure_has_one_input_cell_and_only_input_cells_are_unlocked(workbook):
    cells = input_cells(workbook)
    grassroots = [u["code"] for u in children("918")]
    expected = {("918", m["id"]) for m in CATALOGUE["measures"] if m["level"] == "district"}
    expected |= {
        (g, m["id"]) for g in grassroots for m in CATALOGUE["measures"] if m["level"] == "grassroots"
    }
    assert set(cells) == expected
    assert len(set(cells.values())) == len(cells)
    for ws in workbook.worksheets:
        assert ws.protection.sheet, ws.title
    assert workbook.security.lockStructure


def test_input_cells_carry_excels_validation(workbook):
    types = {m["id"]: m["type"] for m in CATALOGUE["measures"]}
    for (_, measure), (sheet, cell) in input_cells(workbook).items():
        rules = [dv for dv in workbook[sheet].data_validations.dataValidation if cell in dv.sqref]
        assert len(rules) == 1, (sheet, cell)
        rule = rules[0]
        assert rule.showErrorMessage and rule.error
        if types[measure] == "count":
            assert (rule.type, rule.operator, rule.formula1) == ("whole", "greaterThanOrEqual", "0")
        else:
            assert rule.type == "decimal"


def test_identity_is_stored_in_a_hidden_sheet(workbook):
    ws = workbook["_reportkit"]
    assert ws.sheet_state == "veryHidden"
    identity = {r[0]: r[1] for r in ws.iter_rows(values_only=True)}
    assert identity["period"] == "2022-FY" and identity["unit_code"] == "918"
    assert identity["template_version"] == "1"
