"""The intake's rules (issue 14), each against a hand-written case: how a number written as text is
read, what a file must say about itself (template, period, district), and where a problem is."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from test_validate import PLAN

from reportkit.model import Period
from reportkit.submissions import validate
from reportkit.submissions.validate import Location, RawSubmission, Severity, TextNumber

# ---------- numbers written as text ----------


@pytest.mark.parametrize(
    ("text", "whole", "read"),
    [
        ("\u22125", True, TextNumber(Decimal(-5), "plain")),  # the typographic minus is a minus
        ("1\u00a0234", True, TextNumber(Decimal(1234), "grouped")),  # no-break space between thousands
        ("1\u202f234", True, TextNumber(Decimal(1234), "grouped")),  # narrow no-break space
        ("1.234", True, TextNumber(Decimal(1234), "grouped")),  # a count: only the vi thousands reading
        # not a count: 1.234 (vi thousands) or 1,234 (an English decimal), so neither
        ("1.234", False, TextNumber(None, "ambiguous", (Decimal(1234), Decimal("1.234")))),
        ("1.234,5", False, TextNumber(Decimal("1234.5"), "decimal")),
        ("1,234.5", False, TextNumber(Decimal("1234.5"), "decimal")),
        ("3,5", False, TextNumber(Decimal("3.5"), "decimal")),
        ("0.5", False, TextNumber(Decimal("0.5"), "decimal")),
        ("12 hộ", True, TextNumber(None, "invalid")),
    ],
)
def test_a_number_in_text_is_read_one_way_or_refused(text, whole, read):
    assert validate.read_number_text(text, whole) == read


# ---------- what the file says it is ----------

H1 = Period("2022-H1", 2022, 6, "so_ket", "6 tháng đầu năm 2022", "org.csv")
FY = Period("2022-FY", 2022, 12, "tong_ket", "năm 2022", "org.csv")
PERIODS = {"2022-H1": H1, "2022-FY": FY}
WHERE = Location("f.xlsx")


def identity(expected=None, **raw):
    raw = {"template_version": "1"} | raw
    return validate.check_identity(RawSubmission("f.xlsx", "xlsx", **raw), PERIODS, expected, "1")


def only_problem(result):
    period, (found,) = result
    assert period is None and found.location == WHERE and found.severity is Severity.ERROR
    return found


def test_a_file_without_a_period_is_told_the_periods_there_are():
    found = only_problem(identity())
    assert (found.code, found.expected) == ("period_missing", "Một trong các kỳ: 2022-H1, 2022-FY.")
    assert (found.found, found.indicator) == ("", "")  # nothing was found, no figure is concerned


def test_a_file_with_two_periods_names_them():
    found = only_problem(identity(periods=("2022-H1", "2022-FY")))
    assert found.message == "Tệp có số liệu của nhiều kỳ: 2022-H1, 2022-FY."


def test_an_unknown_period_is_quoted_and_the_known_ones_listed():
    found = only_problem(identity(periods=("2023-X",)))
    assert (found.code, found.found) == ("period_unknown", "“2023-X”")
    assert found.message == "Kỳ báo cáo “2023-X” không có trong danh mục kỳ."
    assert found.expected == "Một trong các kỳ: 2022-H1, 2022-FY."


def test_another_periods_template_says_both_periods():
    found = only_problem(identity("2022-FY", periods=("2022-H1",)))
    assert found.message == (
        "Mẫu biểu của kỳ 6 tháng đầu năm 2022 (2022-H1), không phải kỳ đang thu: năm 2022 (2022-FY)."
    )
    assert identity("2022-FY", periods=("2022-FY",)) == ("2022-FY", ())


def test_a_workbook_that_is_not_the_template_or_another_version_is_refused():
    raw = RawSubmission("f.xlsx", "xlsx", periods=("2022-FY",))
    found = only_problem(validate.check_identity(raw, PERIODS, None, "1"))
    assert found.code == "not_a_template"
    found = only_problem(identity(periods=("2022-FY",), template_version="0"))
    assert found.message == "Mẫu biểu phiên bản 0; kit đang dùng phiên bản 1."


def test_a_warning_while_reading_does_not_stop_the_checks():
    error = validate.problem("period_many", WHERE, found_periods="x")
    warning = dataclasses.replace(error, severity=Severity.WARNING)
    assert identity(periods=("2022-FY",), problems=(warning,)) == ("2022-FY", ())
    assert identity(periods=("2022-FY",), problems=(error,)) == (None, ())


# ---------- the district ----------


@pytest.mark.parametrize("code", ["999", "31153"])  # not in the tree; a grassroots unit of Ô Môn
def test_a_template_of_no_district_is_refused_with_its_code(code):
    raw = RawSubmission("f.xlsx", "xlsx", ("2022-FY",), code, "1")
    district, (found,) = validate.find_submitting_unit(raw, PLAN)
    assert district is None and found.location == WHERE
    assert (found.code, found.found) == ("template_unit", f"“{code}”")
    assert found.message == (
        f"Mẫu biểu ghi mã đơn vị “{code}”, không phải một quận, huyện Hội trong danh sách đơn vị."
    )


def test_level_words():
    # The association words of data/org/levels-2022.yaml (the city's: its `one`, "thành phố").
    assert validate.level_word(PLAN, "district") == "quận, huyện Hội"
    assert validate.level_word(PLAN, "grassroots") == "cơ sở Hội"
    assert validate.level_word(PLAN, "city") == "thành phố"
    assert validate.level_word(PLAN, "ward") == "ward"  # a level the file does not have: as it is


# ---------- names: each problem at the cell of the name, quoting it ----------


def test_each_name_problem_is_at_the_cell_of_that_name_and_quotes_it():
    from test_validate import full_values, raw_for, sheet_cell

    from reportkit.submissions.validate import Cell, NameEntry, check_submission

    unreadable = "Ph¬ßng L«ng H\u00ad×"  # neither TCVN3 nor VNI reads it as Vietnamese
    names = [
        NameEntry("31154", Cell(sheet_cell(90), "Ph\u00adêng Thíi Hßa")),  # TCVN3 of Phường Thới Hòa
        NameEntry("31154", Cell(sheet_cell(91), "Phường Long Hưng")),  # not 31154's name
        NameEntry("31157", Cell(sheet_cell(92), unreadable)),
    ]
    problems = check_submission(raw_for(full_values(), names=names), PLAN).problems
    assert [(p.code, p.severity, p.location, p.found) for p in problems] == [
        ("legacy_converted", Severity.WARNING, sheet_cell(90), "“Ph\u00adêng Thíi Hßa”"),
        ("name_mismatch", Severity.WARNING, sheet_cell(91), "“Phường Long Hưng”"),
        ("legacy_unreadable", Severity.ERROR, sheet_cell(92), f"“{unreadable}”"),
    ]
    assert problems[2].message.startswith(f"Chữ “{unreadable}” có vẻ được gõ bằng bảng mã cũ")


# ---------- a district's figure kept by its communes, against its target ----------


@pytest.mark.parametrize(
    ("district", "communes", "target", "message"),
    [
        # Target 10; the communes sent 60: 60 >= 5 x 10 and >= 50: 60 / 10 = 6 times.
        ("D1", {"G1": 30, "G2": 30}, 10, "Giá trị 60 gấp 6 lần chỉ tiêu được giao (10)."),  # two communes
        ("D2", {"G3": 60}, 10, "Giá trị 60 gấp 6 lần chỉ tiêu được giao (10)."),  # one alone
        ("D2", {"G3": 50}, 10, "Giá trị 50 gấp 5 lần chỉ tiêu được giao (10)."),  # exactly 5 times and 50
        ("D2", {"G3": 60}, 1, "Giá trị 60 gấp 60 lần chỉ tiêu được giao (1)."),
        ("D2", {"G3": 49}, 1, None),  # 49 times, but below 50
        ("D2", {"G3": 60}, 0, None),  # no target to speak of
        ("D2", {"G3": 56}, 9, "Giá trị 56 gấp 6,22 lần chỉ tiêu được giao (9)."),  # 6,222… to 2 decimals
    ],
)
def test_a_sum_of_the_communes_far_above_the_target_is_warned_at_the_file(
    district, communes, target, message
):
    # The sum is of many rows, not one cell: the warning is placed at the file.
    from conftest import make_catalogue, make_period, make_tree
    from test_validate import raw_for

    from reportkit.model import Indicator, Kind, Plan, Target
    from reportkit.submissions.validate import check_submission

    catalogue = make_catalogue()
    models = Indicator(
        "models_total", "f", Kind.TOTAL, "mô hình", "Mô hình", "MH", "Mô hình", measure="models"
    )
    catalogue = dataclasses.replace(catalogue, indicators=(*catalogue.indicators, models))
    given = Target(district, "models_total", Decimal(target), "plan")
    plan = Plan(make_period("2022-FY"), make_tree(), catalogue, {(district, "models_total"): given})
    values = {(district, m): 0 for m, measure in catalogue.measures.items() if measure.level == "district"}
    values |= {(district, "members"): 100, (district, "months"): 12}
    values |= {(code, "models"): n for code, n in communes.items()}
    warnings = check_submission(raw_for(values, district, unit_code=district), plan).warnings
    assert [p.message for p in warnings] == ([message] if message else [])
    for p in warnings:
        assert (p.code, p.location, p.indicator) == (
            "far_above_target",
            Location("f.xlsx"),
            "Mô hình (mô hình)",
        )
    # The same target given to the minimum indicator of the same figure is no target of a total.
    minimum = Target(district, "model", Decimal(target), "plan")
    plan = dataclasses.replace(plan, targets={(district, "model"): minimum})
    assert not check_submission(raw_for(values, district, unit_code=district), plan).warnings


# ---------- a constraint: where it is, what it names ----------


def test_a_broken_constraint_is_at_its_first_figure_and_names_both_sides_and_where_the_limit_is():
    # Good 7 + weak 1 = 8 associations rated, of 7 rated: over by one. The problem is at the cell
    # of the first figure of the sum (good), and says where the 7 it is over was read.
    from test_validate import SHEET, full_values, raw_for, sheet_cell

    from reportkit.submissions.validate import check_submission

    values = full_values() | {("917", "grassroots_good"): 7, ("917", "grassroots_weak"): 1}
    row = {key: n for n, key in enumerate(values, start=2)}  # raw_for's cells: F2, F3, … in order
    [p] = [p for p in check_submission(raw_for(values), PLAN).errors if p.code == "constraint"]
    assert p.location == sheet_cell(row[("917", "grassroots_good")])
    assert p.indicator == "Cơ sở Hội đạt khá, vững mạnh — Cơ sở Hội xếp loại khá, vững mạnh (cơ sở)"
    assert p.message == (
        "Cơ sở Hội xếp loại khá, vững mạnh + Cơ sở Hội xếp loại trung bình, yếu kém (7 + 1 = 8) lớn hơn "
        f"cơ sở Hội được đánh giá, xếp loại (7, trang tính “{SHEET}”, ô F{row[('917', 'grassroots_rated')]})."
    )


def test_a_csv_with_only_its_districts_own_rows_is_that_districts():
    # No commune rows at all: the district rows alone say the file is 919's (it is then refused
    # for what is missing, not for an unknown district).
    from test_validate import full_values, raw_for

    from reportkit.submissions.validate import find_submitting_unit

    own = {key: v for key, v in full_values("919").items() if key[0] == "919"}
    assert find_submitting_unit(raw_for(own, "919", unit_code=None, kind="csv"), PLAN) == ("919", ())


def test_a_csv_with_only_commune_rows_is_their_districts_or_refused():
    from test_validate import full_values, raw_for

    from reportkit.submissions.validate import find_submitting_unit

    def communes(district):
        return {key: v for key, v in full_values(district).items() if key[0] != district}

    def found(values):
        district, problems = find_submitting_unit(raw_for(values, unit_code=None, kind="csv"), PLAN)
        return district, [(p.code, p.location, p.message) for p in problems]

    assert found(communes("917")) == ("917", [])  # the communes' common district
    assert found(communes("917") | communes("918")) == (
        None,
        [("district_many", Location("f.xlsx"), "Tệp có số liệu của nhiều quận, huyện: 917, 918.")],
    )
    unknown = "Không xác định được quận, huyện của tệp: không dòng nào mang mã một quận, huyện."
    assert found({("99999", "coop_groups"): 1}) == (None, [("district_unknown", Location("f.xlsx"), unknown)])


# ---------- a share's numerator over its denominator ----------


def share_plan(constraints=()):
    from conftest import make_catalogue, make_period, make_tree

    from reportkit.model import Plan

    catalogue = dataclasses.replace(make_catalogue(), constraints=constraints)
    return Plan(make_period("2022-FY"), make_tree(), catalogue, {})


def share_readings(figures):
    from reportkit.submissions.validate import Readings

    locations = {key: Location("f.csv", "", f"C{n}") for n, key in enumerate(figures, start=2)}
    return Readings(dict(figures), locations, set(figures), [])


def test_only_a_numerator_over_its_denominator_is_refused_once_for_each_unit():
    # D1: 100 insured of 100 members, equal, fine. D2: 120 of 100, over. D3 would be a third unit
    # (not in the tree: check_shares looks only at the figures): its numerator is missing.
    figures = {
        ("D1", "insured"): Decimal(100),
        ("D1", "members"): Decimal(100),
        ("D2", "insured"): Decimal(120),
        ("D2", "members"): Decimal(100),
        ("D3", "members"): Decimal(5),
        ("D4", "insured"): Decimal(9),  # and here the denominator
    }
    readings = share_readings(figures)
    [p] = validate.check_shares(readings, share_plan())
    assert (p.code, p.location, p.found, p.indicator) == (
        "share_over",
        readings.locations[("D2", "insured")],
        "120",
        "BHYT — Có BHYT (hội viên)",
    )
    assert p.message == "Tử số (Có BHYT: 120) lớn hơn mẫu số (Hội viên: 100) của tỷ lệ “BHYT”."
    # D1 first and fine, D2 after it over: each unit is looked at.
    figures[("D1", "insured")] = Decimal(99)
    assert [p.location for p in validate.check_shares(share_readings(figures), share_plan())] == [
        readings.locations[("D2", "insured")]
    ]


def test_a_share_a_constraint_already_checks_is_not_refused_twice():
    from reportkit.model import Constraint

    figures = {("D2", "insured"): Decimal(120), ("D2", "members"): Decimal(100)}
    plan = share_plan((Constraint(("insured",), "members"),))
    assert validate.check_shares(share_readings(figures), plan) == []


# ---------- names that are left alone ----------


def test_a_blank_name_or_the_same_name_again_is_not_checked_but_those_after_it_are():
    from test_validate import full_values, raw_for, sheet_cell

    from reportkit.submissions.validate import Cell, NameEntry, check_submission

    names = [
        NameEntry("31154", Cell(sheet_cell(90), None)),  # a blank cell
        NameEntry("31154", Cell(sheet_cell(91), "   ")),  # spaces only
        NameEntry("31154", Cell(sheet_cell(92), "Phường Long Hưng")),  # not 31154's name: a warning
        NameEntry("31154", Cell(sheet_cell(93), "Phường Long Hưng")),  # the same again: said once
        NameEntry("99999", Cell(sheet_cell(94), "Phường X")),  # no such unit: its figures say so
    ]
    problems = check_submission(raw_for(full_values(), names=names), PLAN).problems
    assert [(p.code, p.location) for p in problems] == [("name_mismatch", sheet_cell(92))]


# ---------- a file refused before its figures are read ----------


def test_a_rejected_file_has_no_figures_and_every_problem_in_order():
    read = validate.problem("not_a_template", WHERE, issuer="Hội Nông dân thành phố")
    identity = validate.problem("period_missing", WHERE, known="2022-FY")
    raw = RawSubmission("f.xlsx", "xlsx", unit_code="917", problems=(read,))
    verdict = validate.reject(raw, [identity], "2022-FY")
    assert (verdict.period, verdict.unit_code, verdict.figures) == ("2022-FY", "917", ())
    assert verdict.problems == (read, identity) and not verdict.accepted
    assert validate.reject(raw, []).period is None


# ---------- a figure against the same period last year ----------


@pytest.mark.parametrize(
    ("now", "before", "message"),
    [
        (60, 1, "Giá trị 60 gấp 60 lần cùng kỳ năm trước (1)."),  # 60 / 1 = 60 >= 10
        (1, 60, "Giá trị 1 chỉ bằng 0,02 lần cùng kỳ năm trước (60)."),  # 1 / 60 = 0,0166… <= 0,1
        (500, 0, None),  # nothing last year: no ratio to speak of
        (0, 2000, None),  # nothing this year: said by the report, not a typing slip
        (30, 3, None),  # 10 times, but both below 50: small counts jump
        (500, 50, "Giá trị 500 gấp 10 lần cùng kỳ năm trước (50)."),  # exactly 10 times: warned
        (5, 50, "Giá trị 5 chỉ bằng 0,1 lần cùng kỳ năm trước (50)."),  # exactly a tenth, and 50 is not small
        (60, 50, None),  # 1,2 times
        (15, 100, None),  # 0,15 of it: more than a tenth
    ],
)
def test_a_figure_far_from_last_years_is_warned_unless_either_is_zero_or_both_small(now, before, message):
    from test_validate import full_values, raw_for, sheet_cell

    from reportkit.submissions.validate import check_submission

    key = ("917", "propaganda_attendance")
    values = full_values() | {key: now}
    verdict = check_submission(raw_for(values), PLAN, {key: Decimal(before)})
    assert [p.message for p in verdict.problems] == ([message] if message else [])
    row = list(values).index(key) + 2  # raw_for's cells: F2, F3, … in order
    indicator = "Lượt người dự tuyên truyền, giáo dục — Lượt cán bộ, hội viên dự tuyên truyền, phổ biến, giáo dục (lượt người)"
    for p in verdict.problems:
        assert (p.location, p.indicator, p.found) == (sheet_cell(row), indicator, str(now))


def test_every_figure_is_compared_with_last_year_not_only_those_before_a_close_one():
    from test_validate import full_values, raw_for

    from reportkit.submissions.validate import check_submission

    close, far = ("917", "dialogues"), ("917", "propaganda_attendance")  # in that order
    values = full_values() | {close: 60, far: 25000}
    verdict = check_submission(raw_for(values), PLAN, {close: Decimal(50), far: Decimal(2000)})
    assert [p.message for p in verdict.problems] == ["Giá trị 25.000 gấp 12,5 lần cùng kỳ năm trước (2.000)."]


# ---------- a figure against the district's size (its members) ----------


@pytest.mark.parametrize(
    ("members", "measure", "value", "message"),
    [
        # Cadres at most once the members: 500 of 100 is 5 times. (Households, checked first, are fine.)
        (100, "branch_cadres_total", 500, "Giá trị 500 gấp 5 lần tổng số hội viên của đơn vị (100)."),
        # Households at most twice the members: 50 > 2 x 20, and 50 is not small.
        (20, "sxkd_registered", 50, "Giá trị 50 gấp 2,5 lần tổng số hội viên của đơn vị (20)."),
        (1, "sxkd_registered", 60, "Giá trị 60 gấp 60 lần tổng số hội viên của đơn vị (1)."),
        (30, "sxkd_registered", 70, "Giá trị 70 gấp 2,33 lần tổng số hội viên của đơn vị (30)."),  # 2,333…
        (20, "sxkd_registered", 49, None),  # over twice, but below 50
        (100, "sxkd_registered", 200, None),  # exactly twice: not above
    ],
)
def test_a_figure_far_above_the_districts_members_is_warned_at_its_cell(members, measure, value, message):
    from test_validate import full_values, raw_for, sheet_cell

    from reportkit.submissions.validate import check_submission

    values = full_values() | {("917", "members_total"): members, ("917", measure): value}
    warnings = check_submission(raw_for(values), PLAN).warnings
    assert [p.message for p in warnings] == ([message] if message else [])
    row = list(values).index(("917", measure)) + 2  # raw_for's cells: F2, F3, … in order
    assert all(p.location == sheet_cell(row) and p.code == "far_above_size" for p in warnings)
    if measure == "sxkd_registered":
        indicator = "Hộ đăng ký SXKD giỏi — Hộ đăng ký danh hiệu sản xuất, kinh doanh giỏi (hộ)"
        assert all(p.indicator == indicator for p in warnings)


def test_a_missing_figure_is_not_compared_with_the_districts_size():
    from test_validate import full_values, raw_for

    from reportkit.submissions.validate import check_submission

    values = {k: v for k, v in full_values().items() if k != ("917", "sxkd_registered")}
    verdict = check_submission(raw_for(values), PLAN)
    assert [p.code for p in verdict.problems] == ["figure_missing"]


# ---------- each problem in full: its place, what was found, which figure, and the words ----------
# The words are those of src/reportkit/data/problems.yaml filled in by hand; the indicator labels
# are the 2022 catalogue's ("<indicator> — <figure> (<unit>)").

CELL = Location("bao-cao.xlsx", "Số liệu quận, huyện", "F9")
NEW = "Phát triển hội viên mới — Hội viên phát triển mới (hội viên)"
BHYT = "Hội viên tham gia BHYT — Hội viên tham gia bảo hiểm y tế (hội viên)"
POVERTY = "Hộ được giúp thoát nghèo — Hộ nông dân được giúp thoát nghèo (hộ)"
DIALOGUES = "Quận, huyện Hội tổ chức đối thoại — Cuộc đối thoại giữa cấp ủy, chính quyền với nông dân (cuộc)"
COUNT_RULE = "Số nguyên từ 0 trở lên (đơn vị tính: hội viên)."
O_MON_COMMUNES = "31153, 31154, 31156, 31157, 31159, 31162, 31165"
E, W = Severity.ERROR, Severity.WARNING


def full(severity, code, location, message, expected, found="", indicator=""):
    return validate.Problem(severity, code, location, message, expected, found, indicator)


def read_cell(value, measure="new_members", **cell):
    checked = validate.check_value(
        validate.Cell(CELL, value, **cell), PLAN.catalogue.measures[measure], PLAN.catalogue
    )
    return checked.value, list(checked.problems)


@pytest.mark.parametrize(
    ("value", "cell", "measure", "problem"),
    [
        (None, {}, "new_members", ("blank", "Ô bỏ trống.", "Nhập số liệu; không có thì nhập 0.", "", NEW)),
        (
            None,
            {"formula": "=SUM(F2:F8)"},
            "new_members",
            (
                "formula_no_value",
                "Ô có công thức “=SUM(F2:F8)” nhưng chưa có giá trị tính sẵn.",
                "Mở tệp bằng Excel cho công thức được tính rồi lưu lại, hoặc nhập số trực tiếp.",
                "",
                NEW,
            ),
        ),
        (
            "#DIV/0!",
            {"formula": "=F2/F3"},
            "new_members",
            (
                "formula_error",
                "Công thức trong ô cho kết quả lỗi “#DIV/0!”.",
                "Sửa công thức, hoặc nhập số trực tiếp.",
                "“#DIV/0!”",
                NEW,
            ),
        ),
        (
            "#N/A",
            {},
            "new_members",
            ("not_a_number", "Giá trị “#N/A” không phải là số.", COUNT_RULE, "“#N/A”", NEW),
        ),
        (
            dt.date(2022, 6, 15),
            {},
            "new_members",
            ("not_a_number", "Giá trị ngày 15/06/2022 không phải là số.", COUNT_RULE, "ngày 15/06/2022", NEW),
        ),
        # A tick box is no number, nor shown as one.
        (
            True,
            {},
            "new_members",
            ("not_a_number", "Giá trị “True” không phải là số.", COUNT_RULE, "“True”", NEW),
        ),
        (
            float("inf"),
            {},
            "new_members",
            ("not_a_number", "Giá trị inf không phải là số.", COUNT_RULE, "inf", NEW),
        ),
        (
            "12 hộ",
            {},
            "new_members",
            ("not_a_number", "Giá trị “12 hộ” không phải là số.", COUNT_RULE, "“12 hộ”", NEW),
        ),
        (
            0.5,
            {"number_format": "0%"},
            "new_members",
            ("percent", "Ô được nhập dạng phần trăm (0,5).", COUNT_RULE, "0,5", NEW),
        ),
        (
            "50%",
            {},
            "new_members",
            ("percent", "Ô được nhập dạng phần trăm (“50%”).", COUNT_RULE, "“50%”", NEW),
        ),
        (
            "97%",
            {},
            "members_health_insured",
            (
                "share_as_percent",
                "Đã nhập tỷ lệ “97%” vào ô tử số của tỷ lệ “Hội viên tham gia BHYT”.",
                "Nhập tử số: số hội viên (hội viên tham gia bảo hiểm y tế), số nguyên từ 0 trở lên; "
                "kit tự tính tỷ lệ.",
                "“97%”",
                BHYT,
            ),
        ),
        (
            0.97,  # a fraction in a share's part is the share itself, typed where its part goes
            {},
            "members_health_insured",
            (
                "share_as_percent",
                "Đã nhập tỷ lệ 0,97 vào ô tử số của tỷ lệ “Hội viên tham gia BHYT”.",
                "Nhập tử số: số hội viên (hội viên tham gia bảo hiểm y tế), số nguyên từ 0 trở lên; "
                "kit tự tính tỷ lệ.",
                "0,97",
                BHYT,
            ),
        ),
        (-3, {}, "new_members", ("negative", "Số âm (-3) không hợp lệ.", COUNT_RULE, "-3", NEW)),
        (
            2.5,
            {},
            "new_members",
            (
                "not_whole",
                "Số thập phân (2,5) không hợp lệ: số liệu này đếm bằng hội viên.",
                COUNT_RULE,
                "2,5",
                NEW,
            ),
        ),
        # The value as typed, rounded half-up at its 6th decimal: the float's binary value
        # (0.12345649999…) would print 0,123456.
        (
            0.1234565,
            {},
            "new_members",
            (
                "not_whole",
                "Số thập phân (0,123457) không hợp lệ: số liệu này đếm bằng hội viên.",
                COUNT_RULE,
                "0,123457",
                NEW,
            ),
        ),
        (
            "1,234",  # 1.234 in vi or 1,234 in English: the example is the number without separators
            {},
            "new_members",
            (
                "ambiguous_number",
                "Không rõ “1,234” là 1.234 hay 1,234: dấu chấm, dấu phẩy có thể ngăn cách hàng nghìn "
                "hoặc phần thập phân.",
                "Nhập dạng số, không gõ dấu ngăn cách hàng nghìn (ví dụ 1234).",
                "“1,234”",
                NEW,
            ),
        ),
    ],
)
def test_a_refused_cell_is_told_in_full_where_what_and_which_figure(value, cell, measure, problem):
    code, message, expected, found, indicator = problem
    assert read_cell(value, measure, **cell) == (
        None,
        [full(E, code, CELL, message, expected, found, indicator)],
    )


def test_a_number_typed_as_text_is_read_and_said_unless_it_is_plain_digits():
    warned = full(
        W,
        "text_number",
        CELL,
        "Số được nhập dạng chữ “1.234”; kit đã hiểu là 1.234.",
        "Nhập dạng số, không gõ dấu ngăn cách hàng nghìn.",
        "“1.234”",
        NEW,
    )
    assert read_cell("1.234") == (Decimal(1234), [warned])
    assert read_cell("1234") == (Decimal(1234), [])  # plain digits as text: nothing to say
    # CSV's documented decimal mark is ".": read as is there, said in a workbook.
    assert read_cell("312.3", "fund_growth", from_csv=True) == (Decimal("312.3"), [])
    value, [said] = read_cell("312.3", "fund_growth")
    assert (value, said.code, said.message) == (
        Decimal("312.3"),
        "text_number",
        "Số được nhập dạng chữ “312.3”; kit đã hiểu là 312,3.",
    )


def test_a_float_is_kept_as_typed_and_every_number_in_one_spelling():
    value, problems = read_cell(312.3, "fund_growth")
    assert (str(value), problems) == ("312.3", [])  # not 312.30000000000001136…
    assert [str(validate.canonical(Decimal(v))) for v in ("-0.0", "1.2E+1", "12.50", "12")] == [
        "0",
        "12",
        "12.5",
        "12",
    ]
    assert validate.show_number(Decimal("0.1234567")) == "0,123457"  # at most 6 decimals, half-up
    assert validate.show_found(Decimal("1234.5")) == "1.234,5"  # a Decimal as any number, in vi_VN


def test_places_and_units_are_described_for_a_person():
    assert Location("f.xlsx").describe() == "cả tệp"
    assert Location("f.xlsx", "Số liệu").describe() == "trang tính “Số liệu”"
    assert Location("f.xlsx", "Số liệu", "F9").describe() == "trang tính “Số liệu”, ô F9"
    assert Location("f.csv", "", "C12").describe() == "dòng 12, cột C"
    assert validate.describe_unit(PLAN, "917") == "Quận Ô Môn (mã 917)"
    assert validate.describe_unit(PLAN, "99999") == "mã 99999"


def submission(values, **raw):
    from test_validate import raw_for

    return validate.check_submission(raw_for(values, **raw), PLAN)


def row_of(values, key):
    from test_validate import sheet_cell

    return sheet_cell(list(values).index(key) + 2)  # raw_for puts the n-th figure in row n + 1


def test_an_unknown_figure_or_one_of_another_level_is_refused_and_the_rest_still_read():
    from test_validate import full_values

    values = {("917", "members_new"): 1, ("917", "poverty_exits"): 4} | full_values()
    verdict = submission(values)
    assert list(verdict.problems) == [
        full(
            E,
            "measure_unknown",
            row_of(values, ("917", "members_new")),
            "Số liệu “members_new” không có trong danh mục chỉ tiêu.",
            "Các mã số liệu có trong danh mục chỉ tiêu (data/catalogue).",
            "“members_new”",
        ),
        full(
            E,
            "measure_wrong_level",
            row_of(values, ("917", "poverty_exits")),
            "Số liệu này là số liệu của từng cơ sở Hội, không nhập cho Quận Ô Môn (mã 917).",
            "Nhập số liệu này cho từng cơ sở Hội.",
            "",
            POVERTY,
        ),
    ]
    assert len(verdict.figures) == len(full_values())  # the rows after them were all read


def test_a_figure_entered_twice_names_both_places_and_the_second_value():
    from test_validate import full_values, sheet_cell

    values = full_values()
    entries = [validate.Entry(u, m, validate.Cell(row_of(values, (u, m)), v)) for (u, m), v in values.items()]
    entries.append(validate.Entry("917", "dialogues", validate.Cell(sheet_cell(99), 2)))
    raw = RawSubmission("f.xlsx", "xlsx", ("2022-FY",), "917", "1", entries=tuple(entries))
    first = row_of(values, ("917", "dialogues")).cell
    assert list(validate.check_submission(raw, PLAN).problems) == [
        full(
            E,
            "duplicate",
            sheet_cell(99),
            f"Số liệu này của Quận Ô Môn (mã 917) được nhập hai lần (lần trước: trang tính "
            f"“Số liệu quận, huyện”, ô {first}).",
            "Mỗi số liệu chỉ nhập một lần; xóa dòng thừa.",
            "2",
            DIALOGUES,
        )
    ]


def test_a_unit_not_of_the_district_is_refused_once_at_its_code_naming_the_codes_to_use():
    from test_validate import full_values, sheet_cell

    unit_cell = Location("f.xlsx", "Số liệu quận, huyện", "B40")
    extra = [
        # Two figures of one unknown unit whose code was read once: one problem, at the code.
        validate.Entry("99999", "poverty_exits", validate.Cell(sheet_cell(40), 1), unit_cell),
        validate.Entry("99999", "coop_groups", validate.Cell(sheet_cell(41), 1), unit_cell),
        # A unit of another district (no cell for its code: the problem is at the figure).
        validate.Entry("31168", "poverty_exits", validate.Cell(sheet_cell(42), 1)),
        validate.Entry("918", "dialogues", validate.Cell(sheet_cell(43), 1)),  # another district itself
    ]
    values = full_values()
    entries = [validate.Entry(u, m, validate.Cell(row_of(values, (u, m)), v)) for (u, m), v in values.items()]
    raw = RawSubmission("f.xlsx", "xlsx", ("2022-FY",), "917", "1", entries=(*extra, *entries))
    only_these = f"Chỉ nhập các cơ sở Hội của Quận Ô Môn: {O_MON_COMMUNES}."
    assert list(validate.check_submission(raw, PLAN).problems) == [
        full(
            E,
            "unit_unknown",
            unit_cell,
            "Mã đơn vị “99999” không có trong danh sách đơn vị.",
            f"Mã các cơ sở Hội của Quận Ô Môn: {O_MON_COMMUNES}.",
            "“99999”",
        ),
        full(
            E,
            "unit_other_district",
            sheet_cell(42),
            "Mã 31168 (Phường Bình Thủy) thuộc Quận Bình Thuỷ, không thuộc Quận Ô Môn.",
            only_these,
            "31168",
        ),
        full(
            E,
            "unit_other_district",
            sheet_cell(43),
            "Mã 918 (Quận Bình Thuỷ) thuộc Quận Bình Thuỷ, không thuộc Quận Ô Môn.",
            only_these,
            "918",
        ),
    ]


def test_in_a_tree_with_no_level_below_the_submitting_one_a_file_holds_its_unit_alone():
    from conftest import ROOT

    from reportkit.report.inputs import load_plan

    plan = load_plan(ROOT / "data", "2025-FY")  # communes submit; nothing is below them
    where = Location("f.csv", "", "A2")
    found = validate.check_unit(plan, "31135", "99999", where)
    assert found == full(
        E,
        "unit_unknown",
        where,
        "Mã đơn vị “99999” không có trong danh sách đơn vị.",
        "Mã các đơn vị của Phường Ninh Kiều: 31135.",
        "“99999”",
    )
    assert validate.check_unit(plan, "31135", "31120", where).expected == (
        "Chỉ nhập các đơn vị của Phường Ninh Kiều: 31135."
    )


def test_missing_units_are_named_once_each_and_a_units_missing_figures_one_by_one():
    from test_validate import full_values

    gone = {"31153", "31156"}  # two communes with no figure at all
    values = {
        key: v
        for key, v in full_values().items()
        if key[0] not in gone and key not in {("31154", "poverty_exits"), ("917", "dialogues")}
    }
    problems = submission(values).problems
    file = Location("f.xlsx")
    every = "Đủ số liệu của mọi cơ sở Hội thuộc Quận Ô Môn."
    assert sorted(problems, key=lambda p: p.message) == [
        full(E, "unit_missing", file, "Thiếu số liệu của Phường Châu Văn Liêm (mã 31153).", every),
        full(E, "unit_missing", file, "Thiếu số liệu của Phường Thới Long (mã 31156).", every),
        full(
            E,
            "figure_missing",
            file,
            "Thiếu số liệu này của Phường Thới Hòa (mã 31154).",
            "Một dòng cho mỗi đơn vị và mỗi số liệu.",
            "",
            POVERTY,
        ),
        full(
            E,
            "figure_missing",
            file,
            "Thiếu số liệu này của Quận Ô Môn (mã 917).",
            "Một dòng cho mỗi đơn vị và mỗi số liệu.",
            "",
            DIALOGUES,
        ),
    ]


def test_problems_found_while_reading_stay_with_those_of_the_checks():
    from test_validate import full_values, raw_for

    read = full(W, "x", Location("f.xlsx"), "đọc", "")
    values = {("917", "members_new"): 1} | full_values()
    raw = dataclasses.replace(raw_for(values), problems=(read,))
    verdict = validate.check_submission(raw, PLAN)
    assert [p.code for p in verdict.problems] == ["x", "measure_unknown"]


def test_a_file_of_no_known_unit_has_a_verdict_of_its_period_with_no_figures():
    from test_validate import raw_for

    verdict = validate.check_submission(
        raw_for({("99999", "coop_groups"): 1}, unit_code=None, kind="csv"), PLAN
    )
    assert (verdict.period, verdict.unit_code, verdict.figures) == ("2022-FY", None, ())
    assert list(verdict.problems) == [
        full(
            E,
            "district_unknown",
            Location("f.xlsx"),
            "Không xác định được quận, huyện của tệp: không dòng nào mang mã một quận, huyện.",
            "Các dòng số liệu cấp quận, huyện ghi mã quận, huyện (ví dụ 917).",
        )
    ]
