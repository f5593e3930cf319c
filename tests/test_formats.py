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
    # 72.367 against 72.371 (SXKD 2022-FY): 4 fewer, 4/72.371 = 0,0055% -> 0,01% (half up).
    fall = fmt.describe_difference(Decimal(72367), Decimal(72371), "hộ", relative=True)
    assert (fall.words, fall.signed) == ("giảm 4 hộ (0,01%)", "-0,01%")
    # 3.120 against 2.778: 342 more, 342/2.778 = 12,31%.
    rise = fmt.describe_difference(Decimal(3120), Decimal(2778), "hội viên", relative=True)
    assert (rise.words, rise.signed) == ("tăng 342 hội viên (12,3%)", "+12,3%")
    # Shares in points: 96,2% against 97,45%, 1,25 points -> 1,3; 96,2% against 96,19%: 0,01.
    points = fmt.describe_difference(Decimal("96.2"), Decimal("97.45"), "điểm phần trăm", decimals=1,
                                     short_unit="điểm")  # fmt: skip
    assert (points.words, points.signed) == ("giảm 1,3 điểm phần trăm", "-1,3 điểm")
    tiny = fmt.describe_difference(Decimal("96.2"), Decimal("96.19"), "điểm phần trăm", decimals=1)
    assert tiny.words == "tăng 0,01 điểm phần trăm"
    count = fmt.describe_difference(Decimal(7), Decimal(5), "cơ sở Hội")
    assert (count.words, count.signed) == ("tăng 2 cơ sở Hội", "+2")
    # Money in the indicator's scale: 5.350 against 4.975 triệu, 375 triệu = 0,375 -> 0,38 tỷ;
    # 375/4.975 = 7,54%.
    money = fmt.describe_difference(Decimal(5350), Decimal(4975), relative=True, scale="tỷ đồng")
    assert money.words == "tăng 0,38 tỷ đồng (7,5%)"
    # Nothing last year: the amount, and no percentage of zero.
    from_zero = fmt.describe_difference(Decimal(5), Decimal(0), "hộ", relative=True)
    assert (from_zero.words, from_zero.signed) == ("tăng 5 hộ", "+5")
    same = fmt.describe_difference(Decimal(72371), Decimal("72371.0"), "hộ", relative=True)
    assert (same.words, same.signed) == ("bằng", "bằng")
    assert fmt.format_signed_percent(Decimal("0.04")) == "tăng 0,04%"
    assert fmt.format_signed_percent(Decimal("-0.004")) == "giảm 0,004%"


def test_a_rounded_zero_carries_no_sign():
    assert fmt.format_number(Decimal("-0.04"), 1) == "0,0"
    assert fmt.format_plain(-0.3, 0) == "0"


def test_money_ratio_prints_the_digits_its_percentage_needs():
    # 1.083/900 triệu = 120,33% -> 120,3%. In tỷ with 2 decimals, 1,08/0,9 = 120,0%: wrong; with 3,
    # 1,083/0,9 = 120,33% -> 120,3%: right.
    assert fmt.format_money_ratio(Decimal(1083), Decimal(900), "tỷ đồng") == ("1,083", "0,9")
    # 2.650,5/5.000 = 53,01% -> 53,0%; 2,65/5 = 53,0%: two decimals are enough.
    assert fmt.format_money_ratio(Decimal("2650.5"), Decimal(5000), "tỷ đồng") == ("2,65", "5")
    # 312,45/400 triệu = 78,11% -> 78,1%; 312,5/400 = 78,125% -> 78,1%.
    assert fmt.format_money_ratio(Decimal("312.45"), Decimal(400), "triệu đồng") == ("312,5", "400")
    # A target below one decimal of the scale still prints: 3/4 triệu in tỷ = 0,003/0,004 = 75%.
    assert fmt.format_money_ratio(Decimal(3), Decimal(4), "tỷ đồng") == ("0,003", "0,004")


@pytest.mark.parametrize(
    ("date", "expected"),
    [(dt.date(2022, 2, 5), "ngày 05 tháng 02 năm 2022"), (dt.date(2022, 1, 15), "ngày 15 tháng 01 năm 2022"),
     (dt.date(2022, 6, 15), "ngày 15 tháng 6 năm 2022"), (dt.date(2022, 12, 1), "ngày 01 tháng 12 năm 2022")],
)  # fmt: skip
def test_date_pads_day_below_ten_and_only_months_one_and_two(date, expected):
    assert fmt.format_date_numbers(date) == expected


def test_date_line():
    assert fmt.format_date_line("Cần Thơ", dt.date(2022, 6, 15)) == "Cần Thơ, ngày 15 tháng 6 năm 2022"
