"""The metrics rules one at a time, each against a hand-worked example (issue 14).

The tree of conftest: city C; district D1 with communes G1, G2; district D2 with commune G3.
Each test says the rule, works the figures by hand in a comment, and would fail if the rule
changed: a missing figure taken as zero or as reached, a tie not shared, a fallback target
taken as the largest part, a unit with no data listed as short of its target.
"""

import dataclasses
from decimal import Decimal
from fractions import Fraction

from conftest import figures, make_period, make_targets

from reportkit.model import Indicator, Kind, Measure, Outcome, ReportInputs, Result, Status, Target
from reportkit.report.metrics import (
    PeriodData,
    compute_missed,
    compute_ranking,
    compute_report,
    compute_result,
    compute_results,
    compute_target,
)

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
    # A consistent result: target and what is due both 100, so the actual figure is the percent.
    if status is Status.NO_DATA or percent is None:
        return Result(indicator, unit, "P", "district", Outcome(None), None, None, None, status)
    hundred = Decimal(100)
    return Result(indicator, unit, "P", "district", Outcome(percent), hundred, hundred, percent, status)


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


def test_ranking_puts_a_unit_with_no_percent_after_one_with_a_negative_mean():
    # A fund that shrank: P's only total is at -50% of its target. Q has no % at all. Both
    # reach 0 of 1. A unit with a figure, even a fall, ranks above one with none.
    rows = {
        "Q": [made_result("Q", Status.NO_DATA), made_result("Q", Status.MISSED, Decimal(50), SHARE)],
        "P": [made_result("P", Status.MISSED, Decimal(-50))],
    }
    assert standings_of(rows) == {"P": (1, 0, 1, Decimal(-50)), "Q": (2, 0, 1, None)}


# ---------- killers of mutmut's survivors (docs/testing.md) ----------


def test_each_kind_reports_its_own_target_and_percent(catalogue, tree):
    # Total: target 100 (the city's own), 105 of it = 105%.
    total = judged(catalogue, tree, "C", "new", FULL)
    assert (total.target, total.percent, total.target_basis) == (Decimal(100), Decimal(105), "plan")
    # Share: D1 90 of 100 = 90%, against a 97% threshold: 90 / 97 = 92,78% of it.
    share = judged(catalogue, tree, "D1", "bhyt", FULL)
    assert share.target == Decimal(97) and share.percent.quantize(Decimal("0.01")) == Decimal("92.78")
    assert share.target_basis == "plan"  # the plan's threshold
    # Minimum: 3 communes, 2 reach it (G1 = 2, G3 = 5): 2 / 3 = 66,67%; their models 2 + 1 + 5 = 8.
    minimum = judged(catalogue, tree, "C", "model", FULL)
    assert (minimum.target, minimum.expected, minimum.outcome.total) == (3, 3, 8)
    assert minimum.percent.quantize(Decimal("0.01")) == Decimal("66.67")
    assert minimum.period == "P"


def test_a_100_percent_threshold_is_met_never_exceeded(catalogue, tree):
    full = Indicator(
        "all",
        "f",
        Kind.SHARE,
        "%",
        "A",
        "A",
        "A",
        numerator="insured",
        denominator="members",
        threshold=Decimal(100),
    )
    catalogue = type(catalogue)(catalogue.plan, catalogue.fields, catalogue.measures, (full,), ())
    current = PeriodData(make_period(), figures({("D1", "insured"): 100, ("D1", "members"): 100}))

    def status(insured):
        values = {("D1", "insured"): insured, ("D1", "members"): 100}
        current = PeriodData(make_period(), figures(values))
        return compute_result(full, catalogue, tree, "D1", current, {}).status

    assert compute_result(full, catalogue, tree, "D1", current, {}).status is Status.MET
    assert status(99) is Status.MISSED
    assert status(101) is Status.MET  # more than all of them (bad data) still reads "đạt"


def test_a_share_of_no_members_has_no_figure(catalogue, tree):
    # 0 of 0 is no share at all: not 0%, not a division error.
    r = judged(catalogue, tree, "D1", "bhyt", {**FULL, ("D1", "insured"): 0, ("D1", "members"): 0})
    assert (r.actual, r.status) == (None, Status.NO_DATA)


def one_target(value):
    return {("D1", "new"): Target("D1", "new", Decimal(value), "plan")}


def test_a_target_of_zero_is_no_target_but_one_is_a_target(catalogue, tree):
    zero = judged(catalogue, tree, "D1", "new", FULL, targets=one_target(0))
    assert (zero.percent, zero.status) == (None, Status.NO_TARGET)
    # 70 new members against a target of 1: 7.000%, vượt.
    one = judged(catalogue, tree, "D1", "new", FULL, targets=one_target(1))
    assert (one.percent, one.status) == (Decimal(7000), Status.EXCEEDED)


def test_six_months_expect_half_of_an_odd_target(catalogue, tree):
    # 45 a year, half of it by mid-year: 22,5. 23 exceeds it, 22 falls short.
    half = make_period(months=6, progress=Fraction(1, 2))
    current = PeriodData(half, figures({**FULL, ("D1", "members_new"): 23}))
    r = compute_result(catalogue.indicator("new"), catalogue, tree, "D1", current, one_target(45))
    assert (r.expected, r.status) == (Decimal("22.5"), Status.EXCEEDED)


def test_change_from_zero_has_no_percent_but_from_one_it_has(catalogue, tree):
    before = {**FULL, ("D1", "members_new"): 0}
    r = judged_with_previous(catalogue, tree, "D1", "new", FULL, before)
    assert r.change is None and r.previous.actual == 0
    # From 1 to 70: (70 - 1) / 1 = +6.900%.
    r = judged_with_previous(catalogue, tree, "D1", "new", FULL, {**FULL, ("D1", "members_new"): 1})
    assert r.change == Decimal(6900)


def test_a_monthly_minimum_is_compared_with_last_year_over_last_years_months(catalogue, tree):
    # Last year D1 wrote 12 bulletins, D2 only 10 of 12 months: 1 district reached it; now
    # D1 = 12 and D2 = 11 still 1. Change 0; last year's outcome is kept.
    before = {**FULL, ("D2", "months"): 10}
    r = judged_with_previous(catalogue, tree, "C", "bulletin", FULL, before)
    assert (r.previous.actual, r.previous.failing, r.change) == (1, ("D2",), 0)


def judged_with_previous(catalogue, tree, unit, indicator_id, values, before):
    current = PeriodData(make_period(), figures(values))
    previous = PeriodData(make_period("Q"), figures(before, "Q"))
    return compute_result(
        catalogue.indicator(indicator_id), catalogue, tree, unit, current, make_targets(), previous
    )


def test_results_carry_last_years_figures(catalogue, tree):
    current = PeriodData(make_period(), figures(FULL))
    previous = PeriodData(make_period("Q"), figures({**FULL, ("D1", "members_new"): 50}, "Q"))
    results = compute_results(catalogue, tree, "D1", current, make_targets(), previous)
    new = next(r for r in results if r.indicator.id == "new")
    # 70 now, 50 last year: +40%.
    assert (new.previous.actual, new.change) == (Decimal(50), Decimal(40))


# ---------- the whole report: the unit, its children, their ranking and who missed ----------


def report_inputs(catalogue, tree, values=FULL, before=None):
    previous_period = make_period("Q") if before is not None else None
    return ReportInputs(
        unit_code="C",
        period=make_period(),
        previous_period=previous_period,
        tree=tree,
        catalogue=catalogue,
        targets=make_targets(),
        figures=figures(values),
        previous_figures=figures(before, "Q") if before is not None else None,
        wording={},
        params={},
        analyst_markdown=None,
        analyst_path="",
    )


def test_a_report_without_children_judges_only_its_unit(catalogue, tree):
    report = compute_report(report_inputs(catalogue, tree))
    assert [(r.unit_code, r.indicator.id) for r in report.results] == [
        ("C", "new"), ("C", "bhyt"), ("C", "model"), ("C", "weak"), ("C", "bulletin"),
    ]  # fmt: skip
    assert (report.children, report.ranking, dict(report.missed)) == ({}, (), {})


def test_a_report_comparing_children_ranks_them_and_lists_who_missed(catalogue, tree):
    before = {**FULL, ("D1", "members_new"): 35, ("D2", "members_new"): 70}
    report = compute_report(report_inputs(catalogue, tree, before=before), compare_children=True)
    assert list(report.children) == ["D1", "D2"]
    # D1: new 70/60 vượt, bhyt 90% chưa đạt, model 1 of 2 communes chưa đạt, weak 0 đạt,
    #     bulletin 12 of 12 đạt -> 3 of 5 reached, mean of totals 70/60 = 116,67%.
    # D2: new 35/40 chưa đạt, bhyt 99% vượt, model 1 of 1 đạt, weak 1 chưa đạt, bulletin
    #     11 of 12 chưa đạt -> 2 of 5, mean 87,5%.
    d1, d2 = report.ranking
    assert (d1.unit_code, d1.rank, d1.reached, d1.judged) == ("D1", 1, 3, 5)
    assert d1.mean_total_percent.quantize(Decimal("0.01")) == Decimal("116.67")
    assert (d2.unit_code, d2.rank, d2.reached, d2.judged, d2.mean_total_percent) == (
        "D2",
        2,
        2,
        5,
        Decimal("87.5"),
    )
    missed = {k: [r.unit_code for r in v] for k, v in report.missed.items()}
    assert missed == {"new": ["D2"], "bhyt": ["D1"], "model": ["D1"], "weak": ["D2"], "bulletin": ["D2"]}
    # Last year: D1 35 -> 70 is +100%, the city 105 -> 105 is 0%.
    d1_new = next(r for r in report.children["D1"] if r.indicator.id == "new")
    assert d1_new.change == Decimal(100)
    assert next(r for r in report.results if r.indicator.id == "new").change == 0


def test_none_allowed_expects_zero(catalogue, tree):
    r = judged(catalogue, tree, "C", "weak", FULL)
    assert (r.target, r.expected, r.actual, r.status) == (0, 0, 1, Status.MISSED)


def test_a_six_month_total_keeps_the_yearly_target(catalogue, tree):
    # Target 60 a year; by mid-year 30 are expected. 31 is 51,67% of the year's target.
    half = make_period(months=6, progress=Fraction(1, 2))
    current = PeriodData(half, figures({**FULL, ("D1", "members_new"): 31}))
    r = compute_result(catalogue.indicator("new"), catalogue, tree, "D1", current, make_targets())
    assert (r.target, r.expected) == (60, 30)


def test_ranking_puts_a_small_mean_above_a_zero_mean():
    # Both reach 0 of 1: 0,5% ranks above 0%.
    rows = {
        "Z": [made_result("Z", Status.MISSED, Decimal(0))],
        "S": [made_result("S", Status.MISSED, Decimal("0.5"))],
    }
    assert [(s.unit_code, s.rank) for s in compute_ranking(rows)] == [("S", 1), ("Z", 2)]


def test_a_report_keeps_its_inputs(catalogue, tree):
    inputs = report_inputs(catalogue, tree)
    assert compute_report(inputs).inputs is inputs
    assert compute_report(inputs, compare_children=True).inputs is inputs


def test_a_previous_period_without_figures_gives_no_change(catalogue, tree):
    inputs = dataclasses.replace(report_inputs(catalogue, tree), previous_period=make_period("Q"))
    report = compute_report(inputs)
    assert all(r.previous is None and r.change is None for r in report.results)


def test_one_money_scale_per_indicator_from_the_city_target_and_every_units_target():
    from conftest import make_catalogue

    from reportkit import formats as fmt
    from reportkit.report.metrics import compute_money_scales

    def money(ind_id, city_target=None):
        return Indicator(
            ind_id,
            "f",
            Kind.TOTAL,
            fmt.MONEY_UNIT,
            ind_id,
            ind_id,
            ind_id,
            measure="m",
            city_target=city_target,
        )

    base = make_catalogue()
    catalogue = dataclasses.replace(
        base,
        indicators=(
            *base.indicators,
            money("fund", Decimal(800)),  # city 800, a district 1.200 triệu: tỷ
            money("small"),  # districts 200 and 999 triệu: below one tỷ, triệu
            money("city_only", Decimal(1000)),  # the city's 1.000 triệu alone: exactly one tỷ
            money("none"),  # no target anywhere: no scale
        ),
    )
    targets = {
        (t.unit_code, t.indicator_id): t
        for t in (
            Target("D1", "fund", Decimal(300), "plan"),
            Target("D2", "fund", Decimal(1200), "plan"),
            Target("D1", "small", Decimal(200), "plan"),
            Target("D2", "small", Decimal(999), "plan"),
            Target("C", "new", Decimal(5000), "plan"),  # members, not money: no scale
        )
    }
    assert compute_money_scales(catalogue, targets) == {
        "fund": fmt.BILLIONS,
        "small": fmt.MONEY_UNIT,
        "city_only": fmt.BILLIONS,
    }


def fund_catalogue(catalogue):
    """The catalogue with one money indicator only: a fund, in triệu đồng."""
    from reportkit import formats as fmt

    fund = Measure("fund", "district", "amount", fmt.MONEY_UNIT, "Quỹ")
    indicator = Indicator(
        "fund", "f", Kind.TOTAL, fmt.MONEY_UNIT, "Quỹ", "Quỹ", "Quỹ", measure="fund", city_target=None
    )
    return dataclasses.replace(
        catalogue, measures={**catalogue.measures, "fund": fund}, indicators=(indicator,)
    )


def test_a_units_money_figures_take_the_scale_of_every_units_targets(catalogue, tree):
    # The fund: D2's target is 1.200 triệu, so the indicator is in tỷ in every report. D1's own
    # figures (target 300, actual 250 triệu) are below one tỷ, yet D1's report prints tỷ too.
    from reportkit import formats as fmt

    with_fund = fund_catalogue(catalogue)
    targets = {
        ("D1", "fund"): Target("D1", "fund", Decimal(300), "plan"),
        ("D2", "fund"): Target("D2", "fund", Decimal(1200), "plan"),
    }
    current = PeriodData(make_period(), figures({("D1", "fund"): 250, ("D2", "fund"): 1300}))
    (result,) = compute_results(with_fund, tree, "D1", current, targets)
    assert (result.actual, result.money_scale) == (Decimal(250), fmt.BILLIONS)


def test_without_the_plans_scales_a_money_figure_takes_the_scale_of_its_own_amounts(catalogue, tree):
    # compute_result on its own (no scales worked out from every unit's targets): the amounts a
    # reader sees beside each other decide, the target, this year's and last year's figure; tỷ as
    # soon as one reaches 1.000 triệu.
    from reportkit import formats as fmt

    with_fund = fund_catalogue(catalogue)
    indicator = with_fund.indicator("fund")

    def scale(actual, before=None, target=None, scales=None):
        current = PeriodData(make_period(), figures({("D1", "fund"): actual}))
        previous = (
            None if before is None else PeriodData(make_period("Q"), figures({("D1", "fund"): before}, "Q"))
        )
        targets = {} if target is None else {("D1", "fund"): Target("D1", "fund", Decimal(target), "plan")}
        return compute_result(
            indicator, with_fund, tree, "D1", current, targets, previous, scales
        ).money_scale

    assert scale(250) == fmt.MONEY_UNIT  # 250 triệu alone
    assert scale(1000) == fmt.BILLIONS  # exactly one tỷ
    assert scale(250, before=1100) == fmt.BILLIONS  # last year's 1.100 triệu is read beside it
    assert scale(250, before=300) == fmt.MONEY_UNIT
    assert scale(250, target=1200) == fmt.BILLIONS  # the target's 1.200 triệu
    assert scale(250, target=300) == fmt.MONEY_UNIT
    # Scales of other indicators only: this one's amounts still decide.
    assert scale(250, target=1200, scales={"other": fmt.MONEY_UNIT}) == fmt.BILLIONS
    assert scale(250, scales={"other": fmt.BILLIONS}) == fmt.MONEY_UNIT
    assert scale(250, scales={"fund": fmt.BILLIONS}) == fmt.BILLIONS  # the plan's scale, when given
