"""The tables' rules (issue 14), each against a hand-built result: what each column of the appendix
says, which cells are coloured, the units' rows (% of what is due), the ranking's labels, the missed
targets.

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


# ---------- the units, one row each: % of what is due ----------


def test_units_are_rows_with_percent_of_what_is_due_and_empty_indicators_left_out():
    by_unit = {"D1": [NEW_D1, WEAK_D1], "D2": [NEW_D2, result(WEAK, None, status=Status.NO_DATA, unit="D2")]}
    frame, classes = tables.build_unit_rows(by_unit, CATALOGUE, TREE, WORDING)
    assert list(frame.columns) == list(classes.columns) == ["Đơn vị", "Hội viên mới", "Yếu kém"]
    # D1: 25 of the 30 due = 83,33% -> 83,3. D2: 36 of 20 due = 180%.
    # Yếu kém has no %: its verdict; no figure: "—". BHYT, Mô hình, Bài: no unit has them, no column.
    assert frame.values.tolist() == [["Quận Một", "83,3", "Đạt"], ["Huyện Hai", "180", "—"]]
    assert classes.values.tolist() == [
        ["", "rk-status-chuadat", "rk-status-dat"],
        ["", "rk-status-vuot", "num"],  # no data has no colour
    ]


def test_a_unit_without_the_indicator_gets_a_dash():
    # D2 has no target (nothing due): a dash; G1 has no result at all: a dash too, both number cells.
    frame, classes = tables.build_unit_rows(
        {"D1": [NEW_D1], "D2": [result(NEW, 5, unit="D2", status=Status.NO_TARGET)], "G1": []},
        CATALOGUE,
        TREE,
        WORDING,
    )
    assert frame.values.tolist() == [["Quận Một", "83,3"], ["Huyện Hai", "—"], ["Phường A", "—"]]
    assert classes.values.tolist() == [["", "rk-status-chuadat"], ["", "num"], ["", "num"]]


def test_a_wide_table_is_cut_into_tables_that_each_start_with_the_units():
    import pandas as pd

    header = ["Đơn vị", *(f"c{n}" for n in range(1, 14))]
    frame = pd.DataFrame([["Quận Một", *range(1, 14)]], columns=header)
    parts = tables.split_columns(frame, frame.map(lambda _: ""), per_table=6)
    # 13 columns, at most 6 a table: 3 tables, 4 + 4 + 5, not 6 + 6 + 1.
    assert [list(part.columns) for part, _ in parts] == [
        ["Đơn vị", "c1", "c2", "c3", "c4"],
        ["Đơn vị", "c5", "c6", "c7", "c8"],
        ["Đơn vị", "c9", "c10", "c11", "c12", "c13"],
    ]
    assert [list(classes.columns) for _, classes in parts] == [list(part.columns) for part, _ in parts]


def test_runs_are_as_few_and_as_even_as_they_can_be():
    assert tables.split_evenly(103, 35) == [range(0, 34), range(34, 68), range(68, 103)]
    assert tables.split_evenly(35, 35) == [range(0, 35)]
    assert tables.split_evenly(36, 35) == [range(0, 18), range(18, 36)]
    assert tables.split_evenly(0, 35) == []


# ---------- the ranking's bars and the missed targets ----------


def test_ranking_bars_name_the_rank_and_label_reached_of_judged_and_the_mean():
    standings = [Standing("D1", 1, 2, 3, Decimal("95.25")), Standing("D2", 2, 0, 3, None)]
    # 95,25% half-up to one decimal: 95,3%; no mean: no brackets.
    assert tables.describe_ranking_bars(standings, TREE) == (
        ["1. Quận Một", "2. Huyện Hai"],
        ["2/3 (95,3%)", "0/3"],
    )


def test_missed_table_follows_the_catalogue_and_lists_the_lowest_first():
    missed_bhyt = result(BHYT, None, 97, "90.14", Status.MISSED, unit="D2", outcome=Outcome(Decimal("87.4")))
    weak_d2 = result(WEAK, 1, status=Status.MISSED, unit="D2")
    # Given out of order: rows in catalogue order (Hội viên mới, BHYT, then Yếu kém past Mô hình,
    # which nobody missed); units lowest % of due first: D1 25/30 = 83,3% before D2 36/20 = 180,0%.
    # A none indicator has no %: the units' names alone, in the order given.
    missed = {"weak": [WEAK_D1, weak_d2], "bhyt": [missed_bhyt], "new": [NEW_D2, NEW_D1]}
    frame = tables.build_missed_table(missed, CATALOGUE, TREE, WORDING)
    assert list(frame.columns) == ["Chỉ tiêu", "Số đơn vị chưa đạt", "Đơn vị chưa đạt (% mức phải đạt)"]
    assert frame.values.tolist() == [
        # The cell starts with a capital; the names after it are written "huyện Hai" (ND30).
        ["Hội viên mới", "2", "Quận Một (83,3%), huyện Hai (180,0%)"],
        ["BHYT", "1", "Huyện Hai (90,1%)"],
        ["Yếu kém", "2", "Quận Một, huyện Hai"],
    ]


def test_a_long_missed_list_names_the_ten_lowest_and_counts_the_others():
    from reportkit.model import OrgTree, Unit

    units = {f"X{n}": Unit(f"X{n}", f"Số {n}", "xã", "C", "district") for n in range(1, 13)}
    tree = OrgTree(units, {"xã": "Xã"})
    # Twelve units, unit n at (20 - n) of the 20 due (of 40 for the year): n = 12 is lowest (8 ->
    # 40,0%), n = 1 highest (19 -> 95,0%). The ten lowest are 12 down to 3; units 2 and 1 are counted.
    missed = [
        result(NEW, 20 - n, 40, str(2.5 * (20 - n)), Status.MISSED, unit=f"X{n}", expected=Decimal(20))
        for n in range(1, 13)
    ]
    # After "Thấp nhất:" every name is mid-sentence: "xã Số 12".
    listed = ", ".join(f"xã Số {n} ({5 * (20 - n)},0%)" for n in range(12, 2, -1))
    assert listed.startswith("xã Số 12 (40,0%), xã Số 11 (45,0%)") and listed.endswith("xã Số 3 (85,0%)")
    assert tables.describe_missed_units(missed, tree, WORDING) == f"Thấp nhất: {listed}; và 2 đơn vị khác."


def test_due_percent_is_empty_where_nothing_is_due():
    assert tables.describe_due_percent(result(WEAK, 2, status=Status.MISSED), WORDING) == ""
    assert tables.describe_due_percent(NEW_D2, WORDING) == " (180,0%)"


def test_a_unit_with_nothing_is_said_to_have_none_not_zero_percent():
    # 0 of the 40 due: "(chưa có)", never "(0,0%)".
    nothing = result(NEW, 0, 40, "0", Status.MISSED, unit="D2", expected=Decimal(40))
    assert tables.describe_due_percent(nothing, WORDING) == " (chưa có)"
    assert (
        tables.describe_missed_units([NEW_D1, nothing], TREE, WORDING)
        == "Huyện Hai (chưa có), quận Một (83,3%)"
    )


def test_money_without_a_target_is_printed_in_its_indicators_scale():
    # 500 triệu alone would be printed in triệu; the indicator's scale (set from every unit's
    # targets) is tỷ: 0,5.
    small = result(FUND, 500, status=Status.NO_TARGET, money_scale=fmt.BILLIONS)
    assert tables.describe_actual(small) == "0,5"


def xa_tree(count):
    from reportkit.model import OrgTree, Unit

    return OrgTree(
        {f"X{n}": Unit(f"X{n}", f"Số {n}", "xã", "C", "district") for n in range(1, count + 1)}, {"xã": "Xã"}
    )


def test_missed_units_nothing_before_a_little_and_no_percent_last():
    # X1: 1 of the 200 due, 0,5%; X2: nothing of 40, "chưa có" (0%), before 0,5%; X3 a target
    # with no % (a "none" indicator's unit): last, whatever its place in the list.
    little = result(NEW, 1, 400, "0.25", Status.MISSED, unit="X1", expected=Decimal(200))
    nothing = result(NEW, 0, 40, "0", Status.MISSED, unit="X2", expected=Decimal(40))
    no_percent = result(WEAK, 2, status=Status.MISSED, unit="X3")
    tree = xa_tree(3)
    assert tables.describe_missed_units([no_percent, little, nothing], tree, WORDING) == (
        "Xã Số 2 (chưa có), xã Số 1 (0,5%), xã Số 3"
    )
    frame = tables.build_missed_table({"new": [little, nothing]}, CATALOGUE, tree, WORDING)
    assert frame.values.tolist() == [["Hội viên mới", "2", "Xã Số 2 (chưa có), xã Số 1 (0,5%)"]]


def test_ten_missed_units_are_all_named_without_a_count():
    # Unit n at (20 - n) of the 20 due: 10 units, 50,0% (n = 10) up to 95,0% (n = 1).
    missed = [
        result(NEW, 20 - n, 40, str(2.5 * (20 - n)), Status.MISSED, unit=f"X{n}", expected=Decimal(20))
        for n in range(1, 11)
    ]
    listed = ", ".join(f"xã Số {n} ({5 * (20 - n)},0%)" for n in range(10, 0, -1))
    assert tables.describe_missed_units(missed, xa_tree(10), WORDING) == "X" + listed[1:]
