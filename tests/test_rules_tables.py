"""The tables' rules (issue 14), each against a hand-built result: what each column of the appendix
says, which cells are coloured, the side-by-side and heat-map cells (% of what is due), the ranking.

Expected strings are written by hand: vi_VN puts "." between thousands and "," before decimals,
and rounds a half away from zero.
"""

from decimal import Decimal

from conftest import load_wording, make_catalogue, make_tree

from reportkit import formats as fmt
from reportkit.model import Indicator, Kind, Outcome, Result, Status
from reportkit.report import tables
from reportkit.report.metrics import Standing

WORDING = load_wording()
CATALOGUE = make_catalogue()
TREE = make_tree()
NEW, BHYT, MODEL, WEAK, _BULLETIN = CATALOGUE.indicators
FUND = Indicator("fund", "f", Kind.TOTAL, fmt.MONEY_UNIT, "Quỹ", "Quỹ", "Quỹ", measure="fund")


def result(indicator, actual, target=None, percent=None, status=Status.MET, **extra):
    outcome = extra.pop("outcome", None) or Outcome(None if actual is None else Decimal(actual))
    return Result(
        indicator,
        extra.pop("unit", "D1"),
        "P",
        extra.pop("level", "district"),
        outcome,
        None if target is None else Decimal(target),
        extra.pop("expected", None),
        None if percent is None else Decimal(percent),
        status,
        **extra,
    )


# D1 at a half-year review: 25 new members of 60 for the year (41,67%), 30 due by now.
NEW_D1 = result(NEW, 25, 60, "41.6667", Status.MISSED, expected=Decimal(30), previous=Outcome(Decimal(20)))
# D2: 36 of 40 for the year, 20 due.
NEW_D2 = result(NEW, 36, 40, "90", Status.EXCEEDED, unit="D2", expected=Decimal(20))
BHYT_D1 = result(
    BHYT, None, 97, "101.546", Status.EXCEEDED, outcome=Outcome(Decimal("98.5"), Decimal(197), Decimal(200))
)
MODEL_D1 = result(
    MODEL,
    None,
    2,
    "50",
    Status.MISSED,
    level="grassroots",
    outcome=Outcome(Decimal(1), units=2, failing=("G2",)),
)
WEAK_D1 = result(WEAK, 0, status=Status.MET, previous=Outcome(Decimal(2)))
FUND_D1 = result(FUND, 2500, status=Status.NO_TARGET, money_scale=fmt.BILLIONS)


# ---------- the appendix, column by column ----------


def test_appendix_rows_say_each_kind_of_indicator_in_its_own_words():
    frame = tables.build_appendix([NEW_D1, BHYT_D1, MODEL_D1, WEAK_D1, FUND_D1], WORDING)
    assert list(frame.columns) == [
        "STT",
        "Chỉ tiêu",
        "ĐVT",
        "Kế hoạch",
        "Thực hiện",
        "Đạt %",
        "So cùng kỳ",
        "Đánh giá",
    ]
    assert frame.values.tolist() == [
        # 25 of 60, 41,6667% -> 41,7%; (25 - 20) / 20 = +25,0% on last year.
        ["1", "Hội viên mới", "hội viên", "60", "25", "41,7%", "+25,0%", "Chưa đạt"],
        # a share: the threshold as planned, the ratio with one decimal; no last year: "—".
        ["2", "BHYT", "%", "97%", "98,5%", "101,5%", "—", "Vượt"],
        # a minimum: the plan is the number of units (2), the unit of measure the level's word.
        ["3", "Mô hình", "cơ sở Hội", "2", "1", "50,0%", "—", "Chưa đạt"],
        # none: no plan, 0 against 2 last year is 2 fewer ("-2", no unit in the narrow column).
        ["4", "Yếu kém", "cơ sở", "Không có", "0", "—", "-2", "Đạt"],
        # money with no target: 2.500 triệu in its indicator's scale, tỷ: 2,5.
        ["5", "Quỹ", "tỷ đồng", "—", "2,5", "—", "—", "—"],
    ]


def test_a_total_with_no_figure_shows_its_target_and_a_dash():
    missing = result(NEW, None, 60, None, Status.NO_DATA)
    assert tables.describe_plan(missing, WORDING) == "60"
    assert tables.describe_actual(missing) == "—"


def test_a_total_with_no_target_shows_its_count_and_no_plan():
    # 3.120 members, no target: the count with a thousands dot, "—" for the plan.
    alone = result(NEW, 3120, status=Status.NO_TARGET)
    assert tables.describe_plan(alone, WORDING) == "—"
    assert tables.describe_actual(alone) == "3.120"


def test_a_money_total_with_a_target_prints_the_pair_in_its_scale():
    # 1.500 / 3.000 triệu in tỷ: 1,5 / 3 (50,0% recomputes from the printed figures).
    pair = result(FUND, 1500, 3000, "50", Status.MISSED, money_scale=fmt.BILLIONS)
    assert (tables.describe_plan(pair, WORDING), tables.describe_actual(pair)) == ("3", "1,5")
    assert tables.describe_unit_of_measure(pair, WORDING) == "tỷ đồng"


def test_a_minimum_at_a_level_with_no_word_uses_the_indicators_unit():
    odd = result(MODEL, None, 2, "50", Status.MISSED, level="ward", outcome=Outcome(Decimal(1), units=2))
    assert tables.describe_unit_of_measure(odd, WORDING) == "cơ sở"
    assert tables.describe_change_short(odd, WORDING) == "—"


def test_the_change_column_of_a_minimum_counts_in_units_of_its_level():
    # 3 units reaching it, 1 last year: +2 (the level word is not printed in the narrow column).
    grew = result(MODEL, 3, 4, "75", Status.MISSED, previous=Outcome(Decimal(1)))
    assert tables.describe_change_short(grew, WORDING) == "+2"


# ---------- rendering: escaped, classed, no index ----------


def test_the_appendix_colours_only_its_percent_and_verdict_columns():
    html = tables.render_appendix_table([NEW_D1, BHYT_D1, FUND_D1], WORDING, "app")
    assert '<table id="T_app" class="rk-table">' in html
    # Row 0 missed, row 1 exceeded, row 2 no target (no colour): columns 5 (Đạt %) and 7 (Đánh giá)
    # carry the status.
    for row, status in ((0, " rk-status-chuadat"), (1, " rk-status-vuot"), (2, "")):
        for col in (5, 7):
            assert f'class="data row{row} col{col}{status}" ' in html
        # Columns 3, 4 and 6 are numbers; 0 to 2 (STT, name, unit) have no class of their own.
        for col in (3, 4, 6):
            assert f'class="data row{row} col{col} num"' in html
        for col in (0, 1, 2):
            assert f'class="data row{row} col{col}" ' in html
    assert "row_heading" not in html  # no index column


def test_tables_without_an_id_of_their_own_do_not_share_one():
    import pandas as pd

    frame = pd.DataFrame([["1"]], columns=["a"])
    first, second = tables.render_table(frame), tables.render_table(frame)
    assert first.split('id="', 1)[1].split('"')[0] != second.split('id="', 1)[1].split('"')[0]


def test_a_table_escapes_its_cells_and_headers():
    import pandas as pd

    html = tables.render_table(pd.DataFrame([["A & B"]], columns=["<x>"]))
    assert "A &amp; B" in html and "&lt;x&gt;" in html
    assert "A & B" not in html and "<x>" not in html


# ---------- units side by side, and the heat map: % of what is due ----------


def test_side_by_side_shows_percent_of_what_is_due_and_skips_empty_indicators():
    by_unit = {"D1": [NEW_D1, WEAK_D1], "D2": [NEW_D2, result(WEAK, None, status=Status.NO_DATA, unit="D2")]}
    frame, classes = tables.build_side_by_side(by_unit, CATALOGUE, TREE, WORDING)
    assert list(frame.columns) == list(classes.columns) == ["Chỉ tiêu", "Một", "Hai"]
    # D1: 25 of the 30 due = 83,33% -> 83,3. D2: 36 of 20 due = 180%.
    # Yếu kém has no %: its verdict; no figure: "—". BHYT, Mô hình, Bài: no unit has them, no row.
    assert frame.values.tolist() == [["Hội viên mới", "83,3", "180"], ["Yếu kém", "Đạt", "—"]]
    assert classes.values.tolist() == [
        ["", "rk-status-chuadat", "rk-status-vuot"],
        ["", "rk-status-dat", "num"],  # no data has no colour
    ]


def test_side_by_side_marks_a_unit_without_the_indicator():
    # D2 has no result for Hội viên mới at all: a dash, classed as a number cell; a total with no target
    # has nothing due: a dash too.
    frame, classes = tables.build_side_by_side(
        {"D1": [NEW_D1], "D2": [result(NEW, 5, unit="D2", status=Status.NO_TARGET)], "G1": []},
        CATALOGUE,
        TREE,
        WORDING,
    )
    assert frame.values.tolist() == [["Hội viên mới", "83,3", "—", "—"]]
    assert classes.values.tolist() == [["", "rk-status-chuadat", "num", "num"]]


def test_heatmap_has_a_row_per_indicator_with_a_percent():
    by_unit = {"D1": [NEW_D1, WEAK_D1], "D2": [NEW_D2]}
    matrix, rows, columns = tables.describe_heatmap(by_unit, CATALOGUE, TREE)
    # 25 * 100 / 30 = 83,33…; 36 * 100 / 20 = 180. Yếu kém has no %: no row.
    assert rows == ["Hội viên mới"] and columns == ["Một", "Hai"]
    [[d1, d2]] = matrix
    assert round(d1, 2) == Decimal("83.33") and d2 == Decimal(180)


def test_heatmap_leaves_a_gap_for_a_unit_without_the_indicator():
    matrix, rows, _ = tables.describe_heatmap({"D1": [NEW_D1], "D2": []}, CATALOGUE, TREE)
    assert rows == ["Hội viên mới"] and matrix[0][1] is None


# ---------- ranking and the missed targets ----------


def test_ranking_rows():
    standings = [Standing("D1", 1, 2, 3, Decimal("95.25")), Standing("D2", 2, 0, 3, None)]
    frame = tables.build_ranking(standings, TREE, WORDING)
    assert list(frame.columns) == ["Hạng", "Đơn vị", "Chỉ tiêu đạt", "Bình quân chỉ tiêu tổng số"]
    # 95,25% half-up to one decimal: 95,3%; no mean: "—".
    assert frame.values.tolist() == [["1", "Quận Một", "2/3", "95,3%"], ["2", "Huyện Hai", "0/3", "—"]]


def test_missed_rows_follow_the_catalogue_and_give_percent_of_due():
    missed_bhyt = result(BHYT, None, 97, "90.14", Status.MISSED, unit="D2", outcome=Outcome(Decimal("87.4")))
    weak_d2 = result(WEAK, 1, status=Status.MISSED, unit="D2")
    # Given out of order: listed in catalogue order (Hội viên mới, BHYT, then Yếu kém past Mô hình,
    # which nobody missed). D1: 25/30 = 83,3%; D2 share: 90,1%; D2's new members 36/20 = 180,0%.
    # A none indicator has no %: the unit's name alone.
    missed = {"weak": [WEAK_D1, weak_d2], "bhyt": [missed_bhyt], "new": [NEW_D1, NEW_D2]}
    assert tables.describe_missed_rows(missed, CATALOGUE, TREE, WORDING) == [
        "Hội viên mới: Quận Một (83,3%), Huyện Hai (180,0%).",
        "BHYT: Huyện Hai (90,1%).",
        "Yếu kém: Quận Một, Huyện Hai.",
    ]


def test_due_percent_is_empty_where_nothing_is_due():
    assert tables.describe_due_percent(result(WEAK, 2, status=Status.MISSED)) == ""
    assert tables.describe_due_percent(NEW_D2) == " (180,0%)"


def test_money_without_a_target_is_printed_in_its_indicators_scale():
    # 500 triệu alone would be printed in triệu; the indicator's scale (set from every unit's
    # targets) is tỷ: 0,5.
    small = result(FUND, 500, status=Status.NO_TARGET, money_scale=fmt.BILLIONS)
    assert tables.describe_actual(small) == "0,5"
