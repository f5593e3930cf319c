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


# ---------- the change column (tables.describe_change_short): half-up, never "-0,0" ----------

TOTAL = Indicator("t", "f", Kind.TOTAL, "hội viên", "T", "T", "T", measure="m")
SHARE = Indicator("s", "f", Kind.SHARE, "%", "S", "S", "S", numerator="a", denominator="b")
MINIMUM = Indicator("m", "f", Kind.MINIMUM, "cơ sở", "M", "M", "M", measure="m", minimum=1)
WORDING = {"level_words": {"district": "quận, huyện"}}


def change_of(indicator, now, before):
    """A result whose figure is `now` against `before` last year (shares as (numerator, denominator))."""

    def outcome(value):
        if indicator.kind is Kind.SHARE:
            num, den = (Decimal(v) for v in value)
            return Outcome(num * 100 / den, num, den)
        return Outcome(Decimal(value))

    return Result(
        indicator, "X", "P", "district", outcome(now), None, None, None, Status.MET, outcome(before)
    )


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [
        (2001, 2000, "+0,1%"),  # 1/2000 = 0,05%: half-up 0,1 (half-even would print 0,0 then 0,05)
        (401, 400, "+0,3%"),  # 1/400 = 0,25%: half-up 0,3 (half-even: 0,2)
        (399, 400, "-0,3%"),
        (1123, 1000, "+12,3%"),
        (72367, 72371, "-0,01%"),  # 4/72.371 = 0,0055%: 0,0 would hide a fall, so one more decimal
        (1000, 1000, "bằng"),  # equal figures, and only they, read "bằng"
    ],
)
def test_change_of_a_total_in_percent(now, before, expected):
    assert tables.describe_change_short(change_of(TOTAL, now, before), WORDING) == expected


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [
        ((1125, 10000), (1000, 10000), "+1,3 điểm"),  # 11,25% - 10% = 1,25 points: half-up 1,3
        ((875, 10000), (1000, 10000), "-1,3 điểm"),
        ((9996, 10000), (10000, 10000), "-0,04 điểm"),  # 99,96% - 100%: 0,0 would hide it
        ((50, 100), (500, 1000), "bằng"),  # 50% both years, from different counts
    ],
)
def test_change_of_a_share_in_points(now, before, expected):
    assert tables.describe_change_short(change_of(SHARE, now, before), WORDING) == expected


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [(5, 3, "+2"), (2, 5, "-3"), (4, 4, "bằng")],
)
def test_change_of_a_count(now, before, expected):
    assert tables.describe_change_short(change_of(MINIMUM, now, before), WORDING) == expected


def test_no_change_known_is_a_dash():
    no_last_year = Result(TOTAL, "X", "P", "district", Outcome(Decimal(5)), None, None, None, Status.MET)
    assert tables.describe_change_short(no_last_year, WORDING) == "—"


@pytest.mark.parametrize("indicator", [TOTAL, MINIMUM])
@pytest.mark.parametrize("before", [1_000_000, 72371, 400])
def test_a_fall_of_one_never_prints_minus_zero_or_same(indicator, before):
    text = tables.describe_change_short(change_of(indicator, before - 1, before), WORDING)
    assert text.startswith("-") and text != "bằng", text
    assert not any(text.startswith(zero) for zero in ("-0%", "-0,0%", "-0 ", "-0,0 ")), text


# ---------- killers of mutmut's survivors (docs/testing.md) ----------


def test_round_half_up_defaults_to_whole_numbers():
    assert fmt.round_half_up(Decimal("2.5")) == Decimal(3)
    assert fmt.round_half_up(Decimal("2.45")) == Decimal(2)


def test_a_small_rise_is_a_rise():
    # 0 < change < 1: still "tăng", not "giảm"; 0,96 points half-up to one decimal is 1,0.
    assert fmt.format_signed_percent(Decimal("0.5")) == "tăng 0,5%"
    change = fmt.describe_difference(Decimal("10.96"), Decimal(10), "điểm phần trăm", decimals=1)
    assert change.words == "tăng 1,0 điểm phần trăm"


def test_a_change_too_small_for_its_decimals_shows_more_of_them_never_same():
    # 0,04 points at one decimal would read 0,0: it reads 0,04. Only equal figures read "bằng".
    change = fmt.describe_difference(Decimal("10.04"), Decimal(10), "điểm phần trăm", decimals=1)
    assert change.words == "tăng 0,04 điểm phần trăm"
    assert fmt.describe_difference(Decimal("0.004"), Decimal(0), "cơ sở").words == "tăng 0,004 cơ sở"
    assert fmt.describe_difference(Decimal(7), Decimal(7), "cơ sở").words == "bằng"
    assert fmt.format_signed_percent(Decimal("-0.004")) == "giảm 0,004%"


def test_money_without_a_scale_picks_its_own():
    # 5.000 triệu is 5 tỷ; 312 triệu stays 312.
    assert fmt.format_money(Decimal(5000)) == "5"
    assert fmt.format_money(Decimal(312)) == "312"


def test_march_is_not_padded():
    # Only months 1 and 2 are written with two digits ("tháng 01", "tháng 02").
    assert fmt.format_date_numbers(dt.date(2022, 3, 5)) == "ngày 05 tháng 3 năm 2022"


# ---------- format_money_ratio: the fewest decimals that give the printed % back ----------


def test_money_ratio_in_billions_starts_at_two_decimals():
    # 100.040 / 200.000 triệu = 100,04 / 200 tỷ: 50,02% -> 50,0%. At 2 decimals 100,04/200 = 50,02%
    # -> 50,0%: matches at once, so the amount keeps its 2 decimals (1 decimal would print "100").
    assert fmt.format_money_ratio(Decimal(100040), Decimal(200000), fmt.BILLIONS) == ("100,04", "200")


def test_money_ratio_adds_one_decimal_at_a_time_and_rounds_both_figures():
    # 1,5513 / 2,45 triệu = 63,318% -> 63,3%. 1 decimal: 1,6/2,5 = 64,0% (no). 2 decimals:
    # 1,55/2,45 = 63,265% -> 63,3% (yes): "1,55" (3 decimals would print "1,551").
    assert fmt.format_money_ratio(Decimal("1.5513"), Decimal("2.45"), fmt.MONEY_UNIT) == ("1,55", "2,45")


# ---------- describe_difference: the whole Change, and money in triệu ----------


def test_a_difference_is_up_or_down_by_one_and_has_no_unit_unless_given():
    # 5 - 3 = 2 up; 3 - 5 = 2 down; direction is exactly 1 or -1, and 0 only for equal figures.
    assert fmt.describe_difference(Decimal(5), Decimal(3)) == fmt.Change(1, "2")
    assert fmt.describe_difference(Decimal(3), Decimal(5), "hộ") == fmt.Change(-1, "2", "hộ")
    assert fmt.describe_difference(Decimal(3), Decimal(3)) == fmt.Change(0)
    assert fmt.describe_difference(Decimal(5), Decimal(3)).words == "tăng 2"


def test_a_money_difference_in_millions_has_one_decimal_more_only_when_needed():
    # 10,35 - 10 = 0,35 triệu: one decimal, half-up -> 0,4. 10,004 - 10 = 0,004: 0,0 at one
    # decimal and 0,00 at two, so three: 0,004.
    change = fmt.describe_difference(Decimal("10.35"), Decimal(10), scale=fmt.MONEY_UNIT)
    assert change.words == "tăng 0,4 triệu đồng"
    tiny = fmt.describe_difference(Decimal("10.004"), Decimal(10), scale=fmt.MONEY_UNIT)
    assert tiny.words == "tăng 0,004 triệu đồng"


def test_a_relative_change_of_zero_is_same_and_of_one_is_a_rise():
    # Only 0 reads "bằng"; +1 is "tăng 1,0%" (one decimal).
    assert fmt.format_signed_percent(Decimal(0)) == "bằng"
    assert fmt.format_signed_percent(Decimal(1)) == "tăng 1,0%"


def test_a_duration_is_rounded_to_tenths_once():
    # 59,96 s is 60,0 s to the tenth: a minute, not "60,0 giây" (rounding to hundredths first would
    # keep it under 60).
    assert fmt.format_duration(59.96) == "1 phút"
