"""vi_VN numbers, percentages, money and the official date line."""

import datetime as dt
from decimal import Decimal

import pytest

from reportkit import formats as fmt


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [(218947, 0, "218.947"), (Decimal("3.45"), 1, "3,5"), (Decimal("0.125"), 2, "0,13"),
     (Decimal("2.5"), 0, "3"), (Decimal("-2.5"), 0, "-3"), (1234567, 0, "1.234.567")],
)  # fmt: skip
def test_numbers_round_half_up_with_vietnamese_separators(value, decimals, expected):
    assert fmt.format_number(value, decimals) == expected


def test_percent_and_threshold():
    assert fmt.format_percent(Decimal("55.549")) == "55,5%"
    assert fmt.format_percent(Decimal("55.55")) == "55,6%"
    assert fmt.format_threshold(Decimal("3.5")) == "3,5%"
    assert fmt.format_threshold(97) == "97%"


def test_money_is_kept_in_millions_and_shown_in_billions_from_one_billion():
    assert fmt.format_money_with_unit(Decimal(5000)) == "5 tỷ đồng"
    assert fmt.format_money_with_unit(Decimal("2650.5")) == "2,65 tỷ đồng"
    assert fmt.format_money_with_unit(Decimal(312)) == "312 triệu đồng"


def test_changes_in_words():
    assert fmt.format_signed_percent(Decimal("12.34")) == "tăng 12,3%"
    assert fmt.format_signed_percent(Decimal("-4")) == "giảm 4,0%"
    assert fmt.format_signed_percent(Decimal("0.04")) == "bằng"
    assert fmt.format_signed_points(Decimal("-1.25")) == "giảm 1,3 điểm phần trăm"
    assert fmt.format_signed_count(Decimal(2), "cơ sở Hội") == "tăng 2 cơ sở Hội"


@pytest.mark.parametrize(
    ("date", "expected"),
    [(dt.date(2022, 2, 5), "ngày 05 tháng 02 năm 2022"), (dt.date(2022, 1, 15), "ngày 15 tháng 01 năm 2022"),
     (dt.date(2022, 6, 15), "ngày 15 tháng 6 năm 2022"), (dt.date(2022, 12, 1), "ngày 01 tháng 12 năm 2022")],
)  # fmt: skip
def test_date_pads_day_below_ten_and_only_months_one_and_two(date, expected):
    assert fmt.format_date_numbers(date) == expected


def test_date_line():
    assert fmt.format_date_line("Cần Thơ", dt.date(2022, 6, 15)) == "Cần Thơ, ngày 15 tháng 6 năm 2022"
