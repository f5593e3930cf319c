"""The narrative's rules (issue 14), each against a hand-built result: which sentence each kind of
indicator gets, what the clause about last year says, how many units are named, field order.

Expected sentences are written by hand from data/wording/vi.yaml and the vi_VN number rules."""

import dataclasses
import re
from decimal import Decimal

from conftest import load_wording, make_catalogue, make_tree

from reportkit import formats as fmt
from reportkit.model import Field, Indicator, Kind, OrgTree, Outcome, Result, Status, Unit
from reportkit.report import narrative

WORDING = load_wording()
CATALOGUE = make_catalogue()
TREE = make_tree()
NEW, BHYT, MODEL, WEAK, BULLETIN = CATALOGUE.indicators
FUND = Indicator("fund", "g", Kind.TOTAL, fmt.MONEY_UNIT, "Quỹ", "Quỹ", "Quỹ hỗ trợ", measure="fund")


def result(indicator, outcome, target=None, percent=None, status=Status.MET, **extra):
    return Result(
        indicator,
        extra.pop("unit", "C"),
        "P",
        extra.pop("level", "district"),
        outcome,
        None if target is None else Decimal(target),
        None,
        None if percent is None else Decimal(percent),
        status,
        **extra,
    )


def say(r, year=2021, catalogue=CATALOGUE):
    return narrative.describe_result(r, catalogue, TREE, WORDING, year)


# ---------- totals ----------


def test_a_total_without_a_target_gives_its_figure_alone():
    r = result(NEW, Outcome(Decimal(3120)), status=Status.NO_TARGET)
    assert say(r, None) == "Phát triển mới 3.120 hội viên (chưa giao chỉ tiêu)."


def test_money_without_a_scale_of_its_own_takes_the_scale_of_its_figures():
    # 1.500 of 3.000 triệu: the larger reaches 1.000 triệu, so tỷ: 1,5 of 3 tỷ đồng, 50,0%.
    r = result(FUND, Outcome(Decimal(1500)), 3000, "50", Status.MISSED)
    assert say(r, None) == "Quỹ hỗ trợ 1,5 tỷ đồng, bằng 50,0% chỉ tiêu năm (3 tỷ đồng), chưa đạt chỉ tiêu."
    assert narrative.describe_value(r, Decimal(2500)) == "2,5"  # scale picked from 2.500 alone


def test_a_total_equal_to_last_years_is_said_to_be_the_same():
    r = result(NEW, Outcome(Decimal(50)), status=Status.NO_TARGET, previous=Outcome(Decimal(50)))
    assert say(r) == "Phát triển mới 50 hội viên (chưa giao chỉ tiêu), bằng cùng kỳ năm 2021."


def test_no_same_period_to_compare_with_is_said_only_when_there_is_a_year():
    r = result(NEW, Outcome(Decimal(50)), status=Status.NO_TARGET)
    assert say(r) == (
        "Phát triển mới 50 hội viên (chưa giao chỉ tiêu), chưa có số liệu cùng kỳ năm 2021 để so sánh."
    )
    assert narrative.describe_change(r, WORDING, None) == ""


# ---------- shares ----------


def test_a_share_with_nobody_to_count_says_so():
    r = result(BHYT, Outcome(None, Decimal(0), Decimal(0)), 97, status=Status.MISSED)
    assert say(r) == "Hội viên tham gia BHYT: chưa có đối tượng để tính tỷ lệ (tổng số bằng 0)."


def test_a_share_last_year_without_its_counts_gets_no_change_clause():
    # Last year's 96% is known but not its counts: no exact ratio, so nothing is compared, and
    # nothing claims the figure is missing either.
    now = Outcome(Decimal("98.5"), Decimal(197), Decimal(200))
    r = result(BHYT, now, 97, "101.546", Status.EXCEEDED, previous=Outcome(Decimal(96)))
    assert narrative.describe_year_on_year(r) is None
    assert (
        say(r) == "Hội viên tham gia BHYT: 197 trên tổng số 200 hội viên, tỷ lệ 98,5%, vượt chỉ tiêu (97%)."
    )


def test_a_shares_change_is_in_points_from_the_exact_ratios():
    # 197/200 = 98,5%; 190/200 = 95%: up 3,5 points.
    now = Outcome(Decimal("98.5"), Decimal(197), Decimal(200))
    r = result(
        BHYT, now, 97, "101.546", Status.EXCEEDED, previous=Outcome(Decimal(95), Decimal(190), Decimal(200))
    )
    assert say(r).endswith("vượt chỉ tiêu (97%), tăng 3,5 điểm phần trăm so với cùng kỳ năm 2021.")


# ---------- minimums ----------


def test_a_minimum_of_the_reports_own_unit_speaks_of_that_unit():
    # D1 must post every month: 10 months with a post, short of it.
    r = result(BULLETIN, Outcome(Decimal(0), units=1, total=Decimal(10)), 1, "0", Status.MISSED, unit="D1")
    assert say(r) == "Hội Nông dân quận Một có bài hằng tháng: 10 tháng, chưa đạt chỉ tiêu."
    unknown = dataclasses.replace(r, outcome=Outcome(Decimal(0), units=1))
    assert say(unknown) == "Hội Nông dân quận Một có bài hằng tháng: — tháng, chưa đạt chỉ tiêu."
    nothing = dataclasses.replace(r, outcome=Outcome(Decimal(0), units=1, total=Decimal(0)))
    assert say(nothing) == "Hội Nông dân quận Một có bài hằng tháng: chưa có tháng nào, chưa đạt chỉ tiêu."
    done = dataclasses.replace(r, outcome=Outcome(Decimal(1), units=1, total=Decimal(12)), status=Status.MET)
    assert say(done) == "Hội Nông dân quận Một có bài hằng tháng: 12 tháng, đạt chỉ tiêu."


def test_no_more_than_twelve_units_are_named():
    units = {f"X{i}": Unit(f"X{i}", f"S{i}", "xã", None, "grassroots") for i in range(14)}
    tree = OrgTree(units, {"xã": "Xã"})
    codes = [f"X{i}" for i in range(14)]
    # 14 units: the first 12 named, "và 2 đơn vị khác"; exactly 12: all named, nothing added.
    # Inside a sentence the kind word is lower case (ND30): "xã S10".
    assert narrative.describe_units(tree, codes).endswith("xã S10, xã S11 và 2 đơn vị khác")
    assert narrative.describe_units(tree, codes[:12]).endswith("xã S10, xã S11")
    assert narrative.describe_units(tree, codes[:13]).endswith("xã S11 và 1 đơn vị khác")


# ---------- none ----------


def test_none_reached_says_there_are_none_and_the_change():
    # 0 weak units against 2 last year: 2 fewer, in the indicator's own unit.
    r = result(WEAK, Outcome(Decimal(0)), previous=Outcome(Decimal(2)))
    assert say(r) == "Không có cơ sở Hội yếu kém, đạt chỉ tiêu, giảm 2 cơ sở so với cùng kỳ năm 2021."


def test_none_missed_names_the_units_other_than_the_reports_own():
    some = result(WEAK, Outcome(Decimal(2), failing=("G1", "G2")), status=Status.MISSED, unit="D1")
    assert say(some, None) == (
        "Còn 2 cơ sở Hội yếu kém, chưa đạt chỉ tiêu (không có). Đơn vị còn: phường A, phường B."
    )
    itself = result(WEAK, Outcome(Decimal(1), failing=("D1",)), status=Status.MISSED, unit="D1")
    assert say(itself, None) == "Còn 1 cơ sở Hội yếu kém, chưa đạt chỉ tiêu (không có)."


# ---------- fields ----------


def test_fields_come_in_catalogue_order_and_empty_ones_are_left_out():
    catalogue = dataclasses.replace(
        CATALOGUE,
        fields=(Field("g", "Quỹ"), Field("empty", "Trống"), Field("f", "Lĩnh vực")),
        indicators=(*CATALOGUE.indicators, FUND),
    )
    # Each sentence is worded with the catalogue (a share's unit), the tree (units named) and the year.
    weak = result(
        WEAK,
        Outcome(Decimal(2), failing=("G1", "G2")),
        status=Status.MISSED,
        unit="D1",
        previous=Outcome(Decimal(2)),
    )
    share = result(BHYT, Outcome(Decimal("98.5"), Decimal(197), Decimal(200)), 97, "101.546", Status.EXCEEDED)
    fund = result(FUND, Outcome(Decimal(312)), status=Status.NO_TARGET, money_scale=fmt.MONEY_UNIT)
    sections = narrative.describe_field_results([weak, fund, share], catalogue, TREE, WORDING, 2021)
    none_yet = ", chưa có số liệu cùng kỳ năm 2021 để so sánh."
    assert sections == [
        ("Quỹ", ["Quỹ hỗ trợ 312 triệu đồng (chưa giao chỉ tiêu)" + none_yet]),
        (
            "Lĩnh vực",
            [
                "Còn 2 cơ sở Hội yếu kém, chưa đạt chỉ tiêu (không có), bằng cùng kỳ năm 2021. "
                "Đơn vị còn: phường A, phường B.",
                "Hội viên tham gia BHYT: 197 trên tổng số 200 hội viên, tỷ lệ 98,5%, vượt chỉ tiêu (97%)"
                + none_yet,
            ],
        ),
    ]


def test_a_total_with_no_figure_pairs_a_dash_with_its_target():
    # No figure yet, a target of 5.620: the pair is "—" and "5.620".
    r = result(NEW, Outcome(None), 5620, status=Status.NO_DATA)
    assert narrative.describe_total_pair(r) == ("—", "5.620")


def test_a_minimums_change_is_counted_in_units_of_its_level():
    # 3 of 3 grassroots units have a model, 1 did last year: 2 more "cơ sở Hội" (the level's word).
    r = result(
        MODEL,
        Outcome(Decimal(3), units=3),
        3,
        "100",
        Status.MET,
        level="grassroots",
        previous=Outcome(Decimal(1)),
    )
    assert say(r) == (
        "Tất cả 3 cơ sở Hội có mô hình, đạt chỉ tiêu, tăng 2 cơ sở Hội so với cùng kỳ năm 2021."
    )


# ---------- money: the indicator's scale, else the larger of figure and target ----------


def test_a_money_figure_alone_takes_its_indicators_scale():
    # The indicator's scale is tỷ (from every unit's targets): 500 triệu is 0,5.
    r = result(FUND, Outcome(Decimal(500)), status=Status.NO_TARGET, money_scale=fmt.BILLIONS)
    assert narrative.describe_value(r, Decimal(500)) == "0,5"


def test_without_an_indicator_scale_either_figure_reaching_a_billion_makes_it_billions():
    # 1.200 triệu against 900, and 900 against 1.200: either reaches 1.000 triệu, so tỷ.
    assert narrative.describe_money_unit(result(FUND, Outcome(Decimal(1200)), 900)) == fmt.BILLIONS
    assert narrative.describe_money_unit(result(FUND, Outcome(Decimal(900)), 1200)) == fmt.BILLIONS


def test_a_money_pair_is_printed_in_its_indicators_scale_with_the_decimals_it_needs():
    # In tỷ: 500/900 triệu = 0,5/0,9 tỷ; 55,56% -> 55,6%, and 0,5/0,9 gives 55,6% back.
    r = result(FUND, Outcome(Decimal(500)), 900, "55.56", Status.MISSED, money_scale=fmt.BILLIONS)
    assert narrative.describe_total_pair(r) == ("0,5", "0,9")
    # In triệu: 1,5513/2,45 = 63,3%; at one decimal 1,6/2,5 = 64,0%, so two: 1,55/2,45 = 63,3%.
    r = result(FUND, Outcome(Decimal("1.5513")), "2.45", "63.32", Status.MISSED, money_scale=fmt.MONEY_UNIT)
    assert narrative.describe_total_pair(r) == ("1,55", "2,45")


def test_a_money_target_of_zero_is_printed_not_divided_by():
    r = result(FUND, Outcome(Decimal(500)), 0, None, Status.EXCEEDED, money_scale=fmt.MONEY_UNIT)
    assert narrative.describe_total_pair(r) == ("500", "0")


def test_a_money_change_is_in_the_indicators_scale():
    # 2.500 - 1.500 = 1.000 triệu = 1 tỷ; 1.000/1.500 = 66,67% -> 66,7%.
    r = result(FUND, Outcome(Decimal(2500)), status=Status.NO_TARGET, money_scale=fmt.BILLIONS)
    r = dataclasses.replace(r, previous=Outcome(Decimal(1500)))
    assert narrative.describe_year_on_year(r).words == "tăng 1 tỷ đồng (66,7%)"


# ---------- shares and minimums: changes ----------


def test_a_share_change_is_the_difference_of_the_two_percentages():
    # 100/100 = 100%, 50/100 = 50%: 50,0 points.
    now, before = (
        Outcome(Decimal(100), Decimal(100), Decimal(100)),
        Outcome(Decimal(50), Decimal(50), Decimal(100)),
    )
    r = result(BHYT, now, 97, "103.09", Status.EXCEEDED, previous=before)
    assert narrative.describe_year_on_year(r).words == "tăng 50,0 điểm phần trăm"


def test_a_share_last_year_with_nobody_to_count_is_not_compared():
    # Last year: a figure but a denominator of 0: no ratio, no change (and no division by zero).
    now = Outcome(Decimal("98.5"), Decimal(197), Decimal(200))
    r = result(
        BHYT, now, 97, "101.546", Status.EXCEEDED, previous=Outcome(Decimal(0), Decimal(5), Decimal(0))
    )
    assert narrative.describe_year_on_year(r) is None


def test_a_minimums_change_without_a_level_word_counts_units():
    # 3 against 1: 2 more; with no level word given, "đơn vị".
    r = result(MODEL, Outcome(Decimal(3), units=3), 3, "100", Status.MET, previous=Outcome(Decimal(1)))
    assert narrative.describe_year_on_year(r).words == "tăng 2 đơn vị"


def test_a_level_without_a_word_of_its_own_is_called_units():
    # Level "ward" has no word in the wording: "đơn vị" (1 of 2 reach the minimum).
    r = result(MODEL, Outcome(Decimal(1), units=2), 2, "50", Status.MISSED, level="ward")
    assert say(r, None) == "1 trên 2 đơn vị có mô hình, chưa đạt chỉ tiêu 100% đơn vị."


def test_no_data_names_the_indicator_and_the_units_missing():
    r = result(NEW, Outcome(None, missing=("D1",)), 60, status=Status.NO_DATA)
    assert say(r) == "Hội viên mới: chưa đủ số liệu để đánh giá (thiếu số liệu của quận Một)."


# ---------- one sentence per situation (issue 11): amount first, then the %, the verdict, the change ----------


def test_a_total_exceeded_says_it_exceeded_after_its_percentage_and_target():
    # 5.440 of 5.000 triệu, in tỷ: 5,44 of 5 tỷ đồng = 108,8%; 5.440 - 5.000 = 440 triệu = 0,44 tỷ, 8,8%.
    r = result(FUND, Outcome(Decimal(5440)), 5000, "108.8", Status.EXCEEDED, money_scale=fmt.BILLIONS)
    r = dataclasses.replace(r, previous=Outcome(Decimal(5000)))
    assert say(r) == (
        "Quỹ hỗ trợ 5,44 tỷ đồng, đạt 108,8% chỉ tiêu năm (5 tỷ đồng), vượt chỉ tiêu, "
        "tăng 0,44 tỷ đồng (8,8%) so với cùng kỳ năm 2021."
    )


def test_a_total_met_exactly_says_the_percentage_and_no_more():
    r = result(NEW, Outcome(Decimal(60)), 60, "100", Status.MET)
    assert say(r, None) == "Phát triển mới 60 hội viên, đạt 100,0% chỉ tiêu năm (60 hội viên)."


def test_a_total_missed_says_bang_and_chua_dat():
    # 546 of 600: 91,0%.
    r = result(NEW, Outcome(Decimal(546)), 600, "91", Status.MISSED)
    assert (
        say(r, None)
        == "Phát triển mới 546 hội viên, bằng 91,0% chỉ tiêu năm (600 hội viên), chưa đạt chỉ tiêu."
    )


def test_a_six_month_total_is_judged_against_the_progress_due():
    # 40 of 60 for the year, 30 due by June: 66,7% of the year, ahead of the progress due.
    ahead = dataclasses.replace(
        result(NEW, Outcome(Decimal(40)), 60, "66.6667", Status.EXCEEDED), expected=Decimal(30)
    )
    assert (
        say(ahead, None) == "Phát triển mới 40 hội viên, đạt 66,7% chỉ tiêu năm (60 hội viên), vượt tiến độ."
    )
    on_time = dataclasses.replace(
        result(NEW, Outcome(Decimal(30)), 60, "50", Status.MET), expected=Decimal(30)
    )
    assert (
        say(on_time, None) == "Phát triển mới 30 hội viên, đạt 50,0% chỉ tiêu năm (60 hội viên), đạt tiến độ."
    )


def test_a_share_met_says_it_reached_the_threshold():
    # 97 of 100 = 97,0%, the threshold exactly.
    r = result(BHYT, Outcome(Decimal(97), Decimal(97), Decimal(100)), 97, "100", Status.MET)
    assert (
        say(r, None)
        == "Hội viên tham gia BHYT: 97 trên tổng số 100 hội viên, tỷ lệ 97,0%, đạt chỉ tiêu (97%)."
    )


def test_a_minimum_missed_names_the_units_lower_case_mid_sentence():
    # 1 of 3 districts... here: of the city's 2 districts, none but D1 reached it; D2 did not.
    r = result(MODEL, Outcome(Decimal(1), units=2, failing=("D2", "D1")), 2, "50", Status.MISSED)
    assert say(r, None) == (
        "1 trên 2 quận, huyện có mô hình, chưa đạt chỉ tiêu 100% quận, huyện. Chưa đạt: huyện Hai, quận Một."
    )


def test_a_minimum_nobody_reached_says_none_did():
    r = result(MODEL, Outcome(Decimal(0), units=3, failing=("G1", "G2", "G3")), 3, "0", Status.MISSED,
               level="grassroots")  # fmt: skip
    assert say(r, None) == "Chưa có cơ sở Hội nào có mô hình, chưa đạt chỉ tiêu 100% cơ sở Hội."


def test_no_sentence_puts_a_slash_between_two_numbers():
    cases = [
        result(NEW, Outcome(Decimal(3120)), 5620, "55.516", Status.MISSED),
        result(FUND, Outcome(Decimal(5440)), 5000, "108.8", Status.EXCEEDED, money_scale=fmt.BILLIONS),
        result(BHYT, Outcome(Decimal("98.5"), Decimal(197), Decimal(200)), 97, "101.546", Status.EXCEEDED),
        result(
            MODEL,
            Outcome(Decimal(2), units=3, failing=("G3",)),
            3,
            "66.67",
            Status.MISSED,
            level="grassroots",
        ),
        result(WEAK, Outcome(Decimal(2), failing=("G1", "G2")), status=Status.MISSED, unit="D1"),
    ]
    for r in cases:
        text = say(r)
        assert not re.search(r"\d\s*/\s*\d", text), text
        assert not re.search(r"[,;]\s*(đạt|vượt|chưa đạt)\s*[;.]", text), text  # no bare verdict


def test_the_wording_gets_each_levels_word_from_the_levels_file():
    from conftest import LEVELS_2022

    from reportkit.report.inputs import load_levels

    wording = narrative.with_level_words({"kept": 1}, load_levels(LEVELS_2022))
    # data/org/levels-2022.yaml: each level's `one`.
    assert wording == {
        "kept": 1,
        "level_words": {"city": "thành phố", "district": "quận, huyện", "grassroots": "cơ sở Hội"},
    }
