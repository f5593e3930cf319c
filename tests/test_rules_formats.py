"""Formatting rules, each at its edge (issue 14): half-up rounding, the tỷ boundary, no "-0,0".

Expected strings are written by hand from the rule: vi_VN puts "." between thousands and ","
before decimals; a half rounds away from zero (0,125 -> 0,13, where a bank would write 0,12).
"""

import datetime as dt
from decimal import Decimal

import pytest

from reportkit import formats as fmt
from reportkit.model import Indicator, Kind, Outcome, Result, Status
from reportkit.report import tables

# ---------- format_plain: only the decimals it needs, rounded half-up ----------


@pytest.mark.parametrize(
    ("value", "max_decimals", "expected"),
    [
        (Decimal("0.125"), 2, "0,13"),  # half-even: 0,12
        (Decimal("0.375"), 2, "0,38"),  # half-even would agree; kept as a control
        (Decimal("2.5"), 0, "3"),  # half-even: 2
        (Decimal("-2.5"), 0, "-3"),  # away from zero
        (Decimal("1.25"), 1, "1,3"),  # half-even: 1,2
        (Decimal("1234.5"), 0, "1.235"),  # half-even: 1.234
        (Decimal("97.00"), 2, "97"),  # trailing zeros dropped
        (Decimal("3.50"), 2, "3,5"),
        (Decimal("0.005"), 2, "0,01"),  # half-even: 0
    ],
)
def test_format_plain_rounds_half_up(value, max_decimals, expected):
    assert fmt.format_plain(value, max_decimals) == expected


def test_threshold_and_money_use_half_up_too():
    assert fmt.format_threshold(Decimal("3.125")) == "3,13%"  # format_plain, 2 decimals
    assert fmt.format_money(Decimal("0.25"), "triệu đồng") == "0,3"  # 1 decimal in triệu
    assert fmt.format_money(Decimal("2625"), "tỷ đồng") == "2,63"  # 2.625 tỷ, 2 decimals


# ---------- money_scale: tỷ from exactly one tỷ (1.000 triệu) ----------


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        ((Decimal(1000),), "tỷ đồng"),  # exactly 1 tỷ
        ((Decimal("999.99"),), "triệu đồng"),
        ((Decimal(-1000),), "tỷ đồng"),  # a loss of 1 tỷ is still counted in tỷ
        ((Decimal(10), None, Decimal(1000)), "tỷ đồng"),  # the largest decides
        ((None,), "triệu đồng"),
    ],
)
def test_money_scale_switches_to_billions_at_exactly_one_billion(amounts, expected):
    assert fmt.money_scale(*amounts) == expected


def test_one_billion_reads_as_one_billion():
    assert fmt.format_money_with_unit(Decimal(1000)) == "1 tỷ đồng"
    assert fmt.format_money_with_unit(Decimal("999.9")) == "999,9 triệu đồng"


# ---------- tables.describe_change_short: half-up, never "-0,0" ----------

TOTAL = Indicator("t", "f", Kind.TOTAL, "hội viên", "T", "T", "T", measure="m")
SHARE = Indicator("s", "f", Kind.SHARE, "%", "S", "S", "S", numerator="a", denominator="b")
MINIMUM = Indicator("m", "f", Kind.MINIMUM, "cơ sở", "M", "M", "M", measure="m", minimum=1)


def change_of(indicator, change):
    return Result(
        indicator, "X", "P", "district", Outcome(Decimal(1)), None, None, None, Status.MET, None, change
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (Decimal("0.05"), "+0,1%"),  # half-even: +0,0%
        (Decimal("0.25"), "+0,3%"),  # half-even: +0,2%
        (Decimal("-0.25"), "-0,3%"),
        (Decimal("12.34"), "+12,3%"),
        (Decimal("-0.04"), "0,0%"),  # rounds to zero: no sign at all
        (Decimal("-0.0001"), "0,0%"),
        (Decimal("0.04"), "0,0%"),
        (Decimal(0), "0,0%"),
    ],
)
def test_change_of_a_total_in_percent(change, expected):
    assert tables.describe_change_short(change_of(TOTAL, change)) == expected


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (Decimal("1.25"), "+1,3 điểm"),  # half-even: +1,2
        (Decimal("-1.25"), "-1,3 điểm"),
        (Decimal("-0.049"), "0,0 điểm"),
    ],
)
def test_change_of_a_share_in_points(change, expected):
    assert tables.describe_change_short(change_of(SHARE, change)) == expected


@pytest.mark.parametrize(
    ("change", "expected"),
    [(Decimal(2), "+2"), (Decimal(-3), "-3"), (Decimal("-0.4"), "0"), (Decimal("2.5"), "+3")],
)
def test_change_of_a_count(change, expected):
    assert tables.describe_change_short(change_of(MINIMUM, change)) == expected


def test_no_change_known_is_a_dash():
    assert tables.describe_change_short(change_of(TOTAL, None)) == "—"


@pytest.mark.parametrize("indicator", [TOTAL, SHARE, MINIMUM])
@pytest.mark.parametrize("tiny", ["-0.0001", "-0.01", "-0.049", "-0.0499999"])
def test_change_never_prints_minus_zero(indicator, tiny):
    text = tables.describe_change_short(change_of(indicator, Decimal(tiny)))
    assert not text.startswith("-"), text


# ---------- killers of mutmut's survivors (docs/testing.md) ----------


def test_round_half_up_defaults_to_whole_numbers():
    assert fmt.round_half_up(Decimal("2.5")) == Decimal(3)
    assert fmt.round_half_up(Decimal("2.45")) == Decimal(2)


def test_a_small_rise_is_a_rise():
    # 0 < change < 1: still "tăng", not "giảm".
    assert fmt.format_signed_percent(Decimal("0.5")) == "tăng 0,5%"
    assert fmt.format_signed_points(Decimal("0.96")) == "tăng 1,0 điểm phần trăm"


def test_a_change_that_shows_as_zero_reads_as_same():
    # Points show one decimal: 0,04 shows as 0,0. Counts show up to two: 0,004 shows as 0.
    assert fmt.format_signed_points(Decimal("0.04")) == "bằng"
    assert fmt.format_signed_count(Decimal("0.004"), "cơ sở") == "bằng"
    assert fmt.format_signed_count(Decimal("0.005"), "cơ sở") == "tăng 0,01 cơ sở"


def test_money_without_a_scale_picks_its_own():
    # 5.000 triệu is 5 tỷ; 312 triệu stays 312.
    assert fmt.format_money(Decimal(5000)) == "5"
    assert fmt.format_money(Decimal(312)) == "312"


def test_march_is_not_padded():
    # Only months 1 and 2 are written with two digits ("tháng 01", "tháng 02").
    assert fmt.format_date_numbers(dt.date(2022, 3, 5)) == "ngày 05 tháng 3 năm 2022"
