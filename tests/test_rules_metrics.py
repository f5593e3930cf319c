"""The metrics rules one at a time, each against a hand-worked example (issue 14).

The tree of conftest: city C; district D1 with communes G1, G2; district D2 with commune G3.
Each test says the rule, works the figures by hand in a comment, and would fail if the rule
changed: a missing figure taken as zero or as reached, a tie not shared, a fallback target
taken as the largest part, a unit with no data listed as short of its target.
"""

from decimal import Decimal

from conftest import figures, make_period, make_targets

from reportkit.metrics import PeriodData, compute_missed, compute_ranking, compute_result, compute_target
from reportkit.model import Indicator, Kind, Outcome, Result, Status, Target

# Every figure present; the tests remove one at a time.
FULL = {
    ("D1", "members_new"): 70, ("D2", "members_new"): 35,
    ("D1", "insured"): 90, ("D1", "members"): 100, ("D2", "insured"): 990, ("D2", "members"): 1000,
    ("G1", "models"): 2, ("G2", "models"): 1, ("G3", "models"): 5,
    ("D1", "weak"): 0, ("D2", "weak"): 1,
    ("D1", "months"): 12, ("D2", "months"): 11,
}  # fmt: skip


def judged(catalogue, tree, unit, indicator_id, values, targets=None):
    current = PeriodData(make_period(), figures(values))
    indicator = catalogue.indicator(indicator_id)
    targets = make_targets() if targets is None else targets
    return compute_result(indicator, catalogue, tree, unit, current, targets)


def without(*keys):
    return {k: v for k, v in FULL.items() if k not in keys}


# ---------- a missing figure is never zero, never reached ----------


def test_share_with_a_missing_numerator_has_no_data(catalogue, tree):
    # D2 sent its members (1000) but not how many are insured. Taken as 0, the city would be
    # 90 / 1100 = 8.2% "chưa đạt"; taken as reached, "vượt". Neither is known: no data.
    r = judged(catalogue, tree, "C", "bhyt", without(("D2", "insured")))
    assert (r.actual, r.status, r.outcome.missing) == (None, Status.NO_DATA, ("D2",))
    assert r.percent is None


def test_share_with_a_missing_denominator_has_no_data(catalogue, tree):
    # D1 sent 90 insured but no member count: 90 / 0 or 1080 / 1000 would both be wrong.
    r = judged(catalogue, tree, "C", "bhyt", without(("D1", "members")))
    assert (r.actual, r.status, r.outcome.missing) == (None, Status.NO_DATA, ("D1",))


def test_share_of_a_unit_with_its_own_figures_is_judged_when_another_unit_is_missing(catalogue, tree):
    # D1's own share is 90 / 100 = 90% < 97%: chưa đạt, whatever D2 did or did not send.
    r = judged(catalogue, tree, "D1", "bhyt", without(("D2", "insured")))
    assert (r.actual, r.status) == (Decimal(90), Status.MISSED)


def test_minimum_with_a_missing_commune_has_no_data(catalogue, tree):
    # Minimum 2 models per commune. G1 = 2 (reaches), G3 = 5 (reaches), G2 sent nothing.
    # As zero: 2 of 3 reach, "chưa đạt" with G2 failing; as reached: 3 of 3, "đạt".
    r = judged(catalogue, tree, "C", "model", without(("G2", "models")))
    assert (r.actual, r.status) == (None, Status.NO_DATA)
    assert r.outcome.missing == ("G2",) and r.outcome.failing == ()
    assert r.outcome.total is None and r.outcome.units == 3
    # D1 alone: G1 reaches, G2 missing -> still no data, not 1 of 2 nor 2 of 2.
    d1 = judged(catalogue, tree, "D1", "model", without(("G2", "models")))
    assert (d1.actual, d1.status, d1.outcome.missing) == (None, Status.NO_DATA, ("G2",))


def test_minimum_keeps_a_failing_unit_failing_beside_a_missing_one(catalogue, tree):
    # G2 = 1 < 2 fails; G3 missing. The verdict is still "no data" for the city, and G2 is
    # named as failing (it is known to fall short), G3 as missing.
    r = judged(catalogue, tree, "C", "model", without(("G3", "models")))
    assert (r.status, r.outcome.failing, r.outcome.missing) == (Status.NO_DATA, ("G2",), ("G3",))


def test_monthly_minimum_with_a_missing_district_has_no_data(catalogue, tree):
    # 1 bulletin a month for 12 months; D1 = 12 reaches, D2 missing: not "1 of 2", not "2 of 2".
    r = judged(catalogue, tree, "C", "bulletin", without(("D2", "months")))
    assert (r.actual, r.status, r.outcome.missing) == (None, Status.NO_DATA, ("D2",))


def test_none_allowed_with_a_missing_district_has_no_data(catalogue, tree):
    # D1 has 0 weak associations, D2 sent nothing. As zero the city would be "đạt" (0 weak).
    r = judged(catalogue, tree, "C", "weak", without(("D2", "weak")))
    assert (r.actual, r.status, r.outcome.missing) == (None, Status.NO_DATA, ("D2",))
    assert r.outcome.failing == ()


def test_none_allowed_with_a_missing_district_that_would_fail_has_no_data_either(catalogue, tree):
    # D2 has 1 weak association, D1 sent nothing: no data, not "chưa đạt" with a count of 1.
    r = judged(catalogue, tree, "C", "weak", without(("D1", "weak")))
    assert (r.actual, r.status, r.outcome.missing) == (None, Status.NO_DATA, ("D1",))


# ---------- targets: the unit's own, else the sum of its units' ----------


def district_targets(basis_d1="sample", basis_d2="sample"):
    return {
        ("D1", "new"): Target("D1", "new", Decimal(60), basis_d1),
        ("D2", "new"): Target("D2", "new", Decimal(40), basis_d2),
    }


def test_city_target_without_its_own_is_the_sum_of_the_districts(catalogue, tree):
    # 60 + 40 = 100 (the largest part would be 60).
    assert compute_target(catalogue.indicator("new"), catalogue, tree, "C", district_targets()) == (
        Decimal(100),
        "sample",
    )


def test_summed_target_judges_the_city(catalogue, tree):
    # Actual 70 + 35 = 105 against 60 + 40 = 100: 105%, vượt. Against 60 it would read 175%.
    r = judged(catalogue, tree, "C", "new", FULL, targets=district_targets())
    assert (r.target, r.percent, r.status) == (Decimal(100), Decimal(105), Status.EXCEEDED)


def test_summed_target_is_plan_only_when_every_part_is_plan(catalogue, tree):
    indicator = catalogue.indicator("new")
    assert compute_target(indicator, catalogue, tree, "C", district_targets("plan", "plan")) == (
        Decimal(100),
        "plan",
    )
    # One district's target made up for the sample makes the sum a sample target.
    assert compute_target(indicator, catalogue, tree, "C", district_targets("plan", "sample"))[1] == "sample"
    assert compute_target(indicator, catalogue, tree, "C", district_targets("sample", "plan"))[1] == "sample"


def test_own_target_keeps_its_basis(catalogue, tree):
    targets = {("C", "new"): Target("C", "new", Decimal(100), "sample"), **district_targets("plan", "plan")}
    assert compute_target(catalogue.indicator("new"), catalogue, tree, "C", targets) == (
        Decimal(100),
        "sample",
    )
    r = judged(catalogue, tree, "C", "new", FULL, targets=targets)
    assert r.target_basis == "sample"


def test_summed_target_with_a_missing_part_is_no_target(catalogue, tree):
    # D2 has no target: the city's cannot be summed, and 60 alone is not the city's target.
    targets = {("D1", "new"): Target("D1", "new", Decimal(60), "plan")}
    assert compute_target(catalogue.indicator("new"), catalogue, tree, "C", targets) == (None, "")
    r = judged(catalogue, tree, "C", "new", FULL, targets=targets)
    assert (r.target, r.percent, r.status) == (None, None, Status.NO_TARGET)


# ---------- ranking ----------

TOTAL = Indicator("t", "f", Kind.TOTAL, "hội viên", "T", "T", "T", measure="m")
SHARE = Indicator("s", "f", Kind.SHARE, "%", "S", "S", "S", numerator="a", denominator="b")


def made_result(unit, status, percent=None, indicator=TOTAL):
    actual = None if status is Status.NO_DATA else Decimal(1)
    return Result(indicator, unit, "P", "district", Outcome(actual), None, None, percent, status)


def standings_of(rows):
    return {s.unit_code: (s.rank, s.reached, s.judged, s.mean_total_percent) for s in compute_ranking(rows)}


def test_ranking_shares_ties_and_skips_the_places_they_take():
    # A and B: 2 reached, mean (110 + 90) / 2 = 100 and (100 + 100) / 2 = 100 -> both 1st.
    # C: 1 reached, mean 120 -> 3rd (not 2nd); D: 1 reached, mean 80 -> 4th.
    rows = {
        "A": [made_result("A", Status.EXCEEDED, Decimal(110)), made_result("A", Status.MET, Decimal(90))],
        "C": [made_result("C", Status.EXCEEDED, Decimal(120)), made_result("C", Status.MISSED, Decimal(120))],
        "D": [made_result("D", Status.MET, Decimal(80)), made_result("D", Status.MISSED, Decimal(80))],
        "B": [made_result("B", Status.MET, Decimal(100)), made_result("B", Status.MET, Decimal(100))],
    }
    assert standings_of(rows) == {
        "A": (1, 2, 2, Decimal(100)),
        "B": (1, 2, 2, Decimal(100)),
        "C": (3, 1, 2, Decimal(120)),
        "D": (4, 1, 2, Decimal(80)),
    }
    assert [s.unit_code for s in compute_ranking(rows)][2:] == ["C", "D"]


def test_ranking_breaks_equal_counts_by_the_higher_mean():
    # Both reach 1 of 2; E's mean is 95, F's 105: F first. Given in the order E, F.
    rows = {
        "E": [made_result("E", Status.MET, Decimal(95)), made_result("E", Status.MISSED, Decimal(95))],
        "F": [made_result("F", Status.MET, Decimal(105)), made_result("F", Status.MISSED, Decimal(105))],
    }
    assert [(s.unit_code, s.rank) for s in compute_ranking(rows)] == [("F", 1), ("E", 2)]


def test_ranking_counts_targets_reached_before_the_mean():
    # G reaches 2 with mean 50; H reaches 1 with mean 200: G first.
    rows = {
        "H": [made_result("H", Status.EXCEEDED, Decimal(300)), made_result("H", Status.MISSED, Decimal(100))],
        "G": [made_result("G", Status.MET, Decimal(50)), made_result("G", Status.MET, Decimal(50))],
    }
    assert [(s.unit_code, s.rank) for s in compute_ranking(rows)] == [("G", 1), ("H", 2)]


def test_ranking_leaves_a_missing_percent_out_of_the_mean():
    # J: one total at 100%, one with no data (no %): mean 100, not (100 + 0) / 2 = 50.
    # K: one total at 80%. Both reach 1 target: J ranks above K.
    rows = {
        "K": [made_result("K", Status.MET, Decimal(80))],
        "J": [made_result("J", Status.MET, Decimal(100)), made_result("J", Status.NO_DATA)],
    }
    assert standings_of(rows) == {"J": (1, 1, 1, Decimal(100)), "K": (2, 1, 1, Decimal(80))}


def test_ranking_puts_a_unit_with_no_percent_after_one_at_zero():
    # Both reach 0 of 1. M's total is at 0%; L has no % at all (its only total has no data,
    # its share is missed). A unit with no figure ranks below any unit with one, even 0%.
    rows = {
        "L": [made_result("L", Status.NO_DATA), made_result("L", Status.MISSED, Decimal(50), SHARE)],
        "M": [made_result("M", Status.MISSED, Decimal(0))],
    }
    assert standings_of(rows) == {"M": (1, 0, 1, Decimal(0)), "L": (2, 0, 1, None)}


def test_ranking_ignores_share_percentages_in_the_mean():
    # N: a total at 90% and a share at 300% of its threshold: the mean is of totals only, 90.
    rows = {
        "N": [made_result("N", Status.MISSED, Decimal(90)), made_result("N", Status.MET, Decimal(300), SHARE)]
    }
    assert standings_of(rows) == {"N": (1, 1, 2, Decimal(90))}


# ---------- units short of a target ----------


def test_missed_lists_only_units_judged_short_not_units_without_data():
    short = made_result("A", Status.MISSED, Decimal(80))
    rows = {
        "A": [short],
        "B": [made_result("B", Status.NO_DATA)],
        "C": [made_result("C", Status.MET, Decimal(100))],
        "D": [made_result("D", Status.NO_TARGET)],
    }
    assert compute_missed(rows, [TOTAL]) == {"t": (short,)}


def test_missed_leaves_out_an_indicator_nobody_is_known_to_miss():
    rows = {"B": [made_result("B", Status.NO_DATA)], "C": [made_result("C", Status.EXCEEDED, Decimal(120))]}
    assert compute_missed(rows, [TOTAL]) == {}
