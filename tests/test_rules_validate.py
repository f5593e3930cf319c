"""The intake's rules (issue 14), each against a hand-written case: how a number written as text is
read, what a file must say about itself (template, period, district), and where a problem is."""

import dataclasses
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
