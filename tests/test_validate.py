"""Validation as pure functions over cells already read: numbers, units, rules, names, identity."""

import datetime as dt
from decimal import Decimal

import pytest
from conftest import ROOT, make_catalogue, make_period, make_tree

from reportkit.model import Plan
from reportkit.report.inputs import load_periods, load_plan
from reportkit.submissions.validate import (
    Cell,
    Entry,
    Location,
    NameEntry,
    RawSubmission,
    Severity,
    check_identity,
    check_submission,
    check_value,
    read_number_text,
)

PLAN = load_plan(ROOT / "data", "2022-FY")
PERIODS = load_periods(ROOT / "data" / "periods.yaml")[0]
SHEET = "Số liệu quận, huyện"
WHERE = Location("bao-cao.xlsx", SHEET, "F9")


def check(value, measure="new_members", number_format="General", formula=None, from_csv=False):
    cell = Cell(WHERE, value, number_format, formula, from_csv)
    return check_value(cell, PLAN.catalogue.measures[measure], PLAN.catalogue)


def only(result):
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


@pytest.mark.parametrize(
    ("text", "whole", "value", "how"),
    [
        ("1234", True, "1234", "plain"),
        ("1.234", True, "1234", "grouped"),
        ("1.234.567", False, "1234567", "grouped"),
        ("1 234", True, "1234", "grouped"),
        ("1.234,5", False, "1234.5", "decimal"),
        ("3,5", False, "3.5", "decimal"),
        ("1,234.5", False, "1234.5", "decimal"),
        ("1,234,567", True, "1234567", "grouped"),
        ("-12", True, "-12", "plain"),
    ],
)
def test_numbers_typed_as_text_are_read_when_they_have_one_meaning(text, whole, value, how):
    read = read_number_text(text, whole)
    assert (read.value, read.how) == (Decimal(value), how)


@pytest.mark.parametrize(("text", "whole"), [("1.234", False), ("1,234", True), ("1,234", False)])
def test_numbers_with_two_meanings_are_refused(text, whole):
    assert read_number_text(text, whole).how == "ambiguous"


def test_csv_decimals_use_a_point():
    assert read_number_text("312.5", False, from_csv=True).how == "plain"
    assert read_number_text("1.234", False, from_csv=True).value == Decimal("1.234")
    assert read_number_text("1.234", True, from_csv=True).value == Decimal(1234)  # a count: thousands


def test_text_in_a_number_cell():
    p = only(check("12a"))
    assert p.severity is Severity.ERROR and p.code == "not_a_number"
    assert p.message == "Giá trị “12a” không phải là số."
    assert p.expected == "Số nguyên từ 0 trở lên (đơn vị tính: hội viên)."
    assert p.found == "“12a”" and p.location == WHERE
    assert p.indicator.startswith("Phát triển hội viên mới")


def test_negative_count():
    p = only(check(-5))
    assert p.code == "negative" and p.message == "Số âm (-5) không hợp lệ."


def test_a_negative_amount_is_allowed():
    assert check(-12.5, "fund_growth").value == Decimal("-12.5")


def test_decimal_where_a_whole_number_is_due():
    p = only(check(12.5))
    assert p.code == "not_whole"
    assert p.message == "Số thập phân (12,5) không hợp lệ: số liệu này đếm bằng hội viên."


def test_a_whole_float_is_a_whole_number():
    assert check(1234.0).value == Decimal(1234) and str(check(1234.0).value) == "1234"


def test_vietnamese_thousands_in_text_are_accepted_with_a_warning():
    result = check("1.234")
    assert result.value == Decimal(1234)
    p = only(result)
    assert p.severity is Severity.WARNING and p.code == "text_number"
    assert p.message == "Số được nhập dạng chữ “1.234”; kit đã hiểu là 1.234."


def test_ambiguous_text_is_refused():
    p = only(check("1,234"))
    assert p.code == "ambiguous_number"
    assert p.message.startswith("Không rõ “1,234” là 1.234 hay 1,234")


@pytest.mark.parametrize("typed", ["3,5", "97%"])
def test_a_percentage_typed_into_a_share(typed):
    p = only(check(typed, "members_social_insured"))
    assert p.code == "share_as_percent"
    assert p.message == f"Đã nhập tỷ lệ “{typed}” vào ô tử số của tỷ lệ “Hội viên tham gia BHXH tự nguyện”."
    assert "kit tự tính tỷ lệ" in p.expected


def test_a_percent_number_typed_into_a_share():
    # Excel turns "97%" typed into a General cell into 0.97 shown as a percentage.
    p = only(check(0.97, "members_total", number_format="0%"))
    assert p.code == "share_as_percent" and "ô mẫu số" in p.message


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_required_cell(blank):
    p = only(check(blank))
    assert (
        p.code == "blank"
        and p.message == "Ô bỏ trống."
        and p.expected == "Nhập số liệu; không có thì nhập 0."
    )


def test_a_formula_without_a_cached_value():
    p = only(check(None, formula="=SUM(F3:F8)"))
    assert p.code == "formula_no_value"
    assert p.message == "Ô có công thức “=SUM(F3:F8)” nhưng chưa có giá trị tính sẵn."


def test_a_formula_with_its_cached_value_counts_as_that_value():
    assert check(42, formula="=40+2").value == Decimal(42)


def test_a_formula_that_failed():
    assert only(check("#DIV/0!", formula="=1/0")).code == "formula_error"


def test_a_date_is_not_a_number():
    p = only(check(dt.datetime(2022, 5, 1)))
    assert p.code == "not_a_number" and "ngày 01/05/2022" in p.message


# ----------------------------------------------------------------------- whole submissions


def sheet_cell(n):
    return Location("f.xlsx", SHEET, f"F{n}")


def raw_for(values, district="917", names=(), periods=("2022-FY",), unit_code="917", kind="xlsx"):
    entries = [Entry(u, m, Cell(sheet_cell(i), v)) for i, ((u, m), v) in enumerate(values.items(), start=2)]
    return RawSubmission("f.xlsx", kind, periods, unit_code, "1", entries=tuple(entries), names=tuple(names))


def full_values(district="917"):
    """A complete valid set for a district, made up here (not by the kit)."""
    values = {}
    for measure in PLAN.catalogue.measures.values():
        for unit in PLAN.tree.members(district, measure.level):
            values[(unit.code, measure.id)] = 1
    values[(district, "members_total")] = 100
    values[(district, "grassroots_rated")] = 7
    values[(district, "bulletin_months")] = 12
    return values


def test_a_complete_valid_submission_passes():
    verdict = check_submission(raw_for(full_values()), PLAN)
    assert verdict.accepted and not verdict.problems
    assert len(verdict.figures) == len(full_values())


def test_achieved_greater_than_registered_breaks_the_catalogues_constraint():
    values = full_values() | {("917", "sxkd_registered"): 74681, ("917", "sxkd_achieved"): 80000}
    [p] = check_submission(raw_for(values), PLAN).errors
    assert p.code == "constraint"
    assert p.message.startswith(
        "Hộ đạt danh hiệu sản xuất, kinh doanh giỏi các cấp (80.000) lớn hơn hộ đăng ký danh hiệu sản xuất, "
        "kinh doanh giỏi (74.681"
    )
    assert p.expected == "Nhỏ hơn hoặc bằng 74.681."


def test_a_sum_over_its_whole_and_months_over_the_period():
    values = full_values() | {
        ("917", "grassroots_good"): 7,
        ("917", "grassroots_weak"): 1,
        ("917", "bulletin_months"): 13,
    }
    messages = [p.message for p in check_submission(raw_for(values), PLAN).errors]
    assert any("(7 + 1 = 8) lớn hơn cơ sở Hội được đánh giá, xếp loại (7" in m for m in messages)
    assert any("(13) lớn hơn số tháng của kỳ báo cáo (12)" in m for m in messages)


def test_a_numerator_greater_than_its_denominator():
    # The 2022 catalogue states every share as a constraint too; a catalogue without one still checks.
    tree, catalogue = make_tree(), make_catalogue()
    plan = Plan(make_period("2022-FY"), tree, catalogue, {})
    values = {("D2", m): 0 for m in catalogue.measures if catalogue.measures[m].level == "district"}
    values |= {("G3", "models"): 2, ("D2", "insured"): 120, ("D2", "members"): 100, ("D2", "months"): 12}
    verdict = check_submission(raw_for(values, "D2", unit_code="D2"), plan)
    [p] = verdict.errors
    assert p.code == "share_over"
    assert p.message == "Tử số (Có BHYT: 120) lớn hơn mẫu số (Hội viên: 100) của tỷ lệ “BHYT”."


def test_an_unknown_unit_and_a_unit_of_another_district():
    values = full_values()
    values[("99999", "poverty_exits")] = 1
    values[("31168", "poverty_exits")] = 1  # Phường Bình Thủy belongs to Quận Bình Thuỷ (918)
    errors = check_submission(raw_for(values), PLAN).errors
    assert [p.code for p in errors] == ["unit_unknown", "unit_other_district"]
    assert errors[0].message == "Mã đơn vị “99999” không có trong danh sách đơn vị."
    assert errors[1].message == "Mã 31168 (Phường Bình Thủy) thuộc Quận Bình Thuỷ, không thuộc Quận Ô Môn."


def test_missing_units_and_figures_are_errors():
    values = {k: v for k, v in full_values().items() if k[0] != "31153" and k != ("917", "dialogues")}
    errors = check_submission(raw_for(values), PLAN).errors
    assert [p.message for p in errors] == [
        "Thiếu số liệu này của Quận Ô Môn (mã 917).",
        "Thiếu số liệu của Phường Châu Văn Liêm (mã 31153).",
    ]


def test_names_match_on_codes_whatever_the_unicode_form_or_accent_placement():
    import unicodedata

    names = [
        NameEntry("31154", Cell(sheet_cell(90), unicodedata.normalize("NFD", "Phường Thới Hòa"))),
        NameEntry("31154", Cell(sheet_cell(91), "Thới Hoà")),
        NameEntry("31153", Cell(sheet_cell(92), "phường  châu văn liêm")),
    ]
    assert not check_submission(raw_for(full_values(), names=names), PLAN).problems


def test_a_name_that_does_not_fit_its_code_is_a_warning():
    names = [NameEntry("31154", Cell(sheet_cell(90), "Phường Long Hưng"))]
    verdict = check_submission(raw_for(full_values(), names=names), PLAN)
    assert verdict.accepted
    [p] = verdict.warnings
    assert p.message == "Tên “Phường Long Hưng” không khớp với mã 31154 (Phường Thới Hòa)."


def test_legacy_text_is_converted_or_refused():
    names = [
        NameEntry("31154", Cell(sheet_cell(90), "Ph\u00adêng Thíi Hßa")),  # TCVN3
        NameEntry("31156", Cell(sheet_cell(91), "Phöôøng Thôùi Long")),  # VNI
        NameEntry("31157", Cell(sheet_cell(92), "Ph¬ßng L«ng H\u00ad×")),  # neither reads as Vietnamese
    ]
    verdict = check_submission(raw_for(full_values(), names=names), PLAN)
    assert [(p.code, p.severity) for p in verdict.problems] == [
        ("legacy_converted", Severity.WARNING),
        ("legacy_converted", Severity.WARNING),
        ("legacy_unreadable", Severity.ERROR),
    ]
    assert verdict.problems[0].message == (
        "Chữ “Ph\u00adêng Thíi Hßa” được gõ bằng bảng mã TCVN3 (ABC); kit đã đọc là “Phường Thới Hòa”."
    )
    assert "VNI" in verdict.problems[1].message and "“Phường Thới Long”" in verdict.problems[1].message


def test_legacy_text_that_also_passes_for_unicode_is_read_against_the_codes_name():
    names = [NameEntry("31157", Cell(sheet_cell(90), "Phöôøng Long Höng"))]  # VNI, or a word salad
    [p] = check_submission(raw_for(full_values(), names=names), PLAN).problems
    assert p.code == "legacy_converted" and "“Phường Long Hưng”" in p.message


def test_duplicated_rows():
    entries = [Entry(u, m, Cell(sheet_cell(i), v)) for i, ((u, m), v) in enumerate(full_values().items())]
    entries.append(Entry("917", "dialogues", Cell(sheet_cell(99), 2)))
    raw = RawSubmission("f.xlsx", "xlsx", ("2022-FY",), "917", "1", entries=tuple(entries))
    [p] = check_submission(raw, PLAN).errors
    assert p.code == "duplicate" and p.location == sheet_cell(99)
    assert p.message.startswith(
        "Số liệu này của Quận Ô Môn (mã 917) được nhập hai lần (lần trước: trang tính"
    )


def test_ten_times_last_year_is_a_warning():
    values = full_values() | {("917", "propaganda_attendance"): 25000}
    verdict = check_submission(raw_for(values), PLAN, {("917", "propaganda_attendance"): Decimal(2000)})
    [p] = verdict.warnings
    assert verdict.accepted and p.code == "far_above_last_year"
    assert p.message == "Giá trị 25.000 gấp 12,5 lần cùng kỳ năm trước (2.000)."


def test_small_counts_are_not_compared_with_last_year():
    values = full_values() | {("31153", "coop_groups"): 3}
    assert not check_submission(raw_for(values), PLAN, {("31153", "coop_groups"): Decimal(0)}).problems


def test_a_csv_names_its_district_by_its_rows():
    raw = raw_for(full_values("919"), unit_code=None, kind="csv")
    verdict = check_submission(raw, PLAN)
    assert verdict.accepted and verdict.unit_code == "919"
    both = full_values("919") | full_values("917")
    assert check_submission(raw_for(both, unit_code=None, kind="csv"), PLAN).errors[0].code == "district_many"


@pytest.mark.parametrize(
    ("raw", "expected", "code", "message"),
    [
        (RawSubmission("a.xlsx", "xlsx", ("2022-FY",)), None, "not_a_template",
         "Bảng tính không phải mẫu biểu của Hội Nông dân thành phố (không có thông tin mẫu biểu)."),
        (RawSubmission("a.xlsx", "xlsx", ("2022-FY",), "917", "0"), None, "template_version",
         "Mẫu biểu phiên bản 0; kit đang dùng phiên bản 1."),
        (RawSubmission("a.xlsx", "xlsx", ("2021-FY",), "917", "1"), "2022-FY", "period_mismatch",
         "Mẫu biểu của kỳ năm 2021 (2021-FY), không phải kỳ đang thu: năm 2022 (2022-FY)."),
        (RawSubmission("a.csv", "csv", ("2023-FY",)), None, "period_unknown",
         "Kỳ báo cáo “2023-FY” không có trong danh mục kỳ."),
        (RawSubmission("a.csv", "csv", ("2022-H1", "2022-FY")), None, "period_many",
         "Tệp có số liệu của nhiều kỳ: 2022-H1, 2022-FY."),
    ],
)  # fmt: skip
def test_identity(raw, expected, code, message):
    period, [p] = check_identity(raw, PERIODS, expected, "1", PLAN.identity.issuer)
    assert period is None and p.code == code and p.message == message
