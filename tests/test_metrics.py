"""Each kind's roll-up rule, status, the same-period change and the ranking, on tiny data."""

from decimal import Decimal
from fractions import Fraction

from conftest import figures, make_period, make_targets

from reportkit.model import Status
from reportkit.report.metrics import PeriodData, compute_ranking, compute_result, compute_results

FULL = {
    ("D1", "members_new"): 70, ("D2", "members_new"): 35,
    ("D1", "insured"): 90, ("D1", "members"): 100, ("D2", "insured"): 990, ("D2", "members"): 1000,
    ("G1", "models"): 2, ("G2", "models"): 1, ("G3", "models"): 5,
    ("D1", "weak"): 0, ("D2", "weak"): 1,
    ("D1", "months"): 12, ("D2", "months"): 11,
}  # fmt: skip


def result(catalogue, tree, unit, indicator_id, values=FULL, period=None, previous=None):
    current = PeriodData(period or make_period(), figures(values))
    return compute_result(
        catalogue.indicator(indicator_id), catalogue, tree, unit, current, make_targets(), previous
    )


def test_total_sums_districts_against_the_city_target(catalogue, tree):
    r = result(catalogue, tree, "C", "new")
    assert r.actual == 105 and r.target == 100
    assert r.percent == Decimal("105") and r.status is Status.EXCEEDED


def test_total_uses_the_units_own_target(catalogue, tree):
    r = result(catalogue, tree, "D2", "new")
    assert (r.actual, r.target, r.status) == (35, 40, Status.MISSED)
    assert r.target_basis == "sample"


def test_total_exactly_on_target_is_met_not_exceeded(catalogue, tree):
    r = result(catalogue, tree, "D1", "new", {**FULL, ("D1", "members_new"): 60})
    assert r.status is Status.MET


def test_six_month_total_is_judged_against_progress(catalogue, tree):
    half = make_period(months=6, progress=Fraction(1, 2))
    r = result(catalogue, tree, "D1", "new", {**FULL, ("D1", "members_new"): 31}, period=half)
    assert r.expected == 30 and r.status is Status.EXCEEDED
    assert r.percent.quantize(Decimal("0.1")) == Decimal("51.7")  # of the yearly target


def test_share_sums_numerators_and_denominators_never_averages_percentages(catalogue, tree):
    r = result(catalogue, tree, "C", "bhyt")
    # (90 + 990) / (100 + 1000) = 98.18%; the mean of 90% and 99% would be 94.5%.
    assert r.outcome.numerator == 1080 and r.outcome.denominator == 1100
    assert r.actual.quantize(Decimal("0.01")) == Decimal("98.18")
    assert r.status is Status.EXCEEDED


def test_share_below_threshold_is_missed_exactly(catalogue, tree):
    # 97/100 is exactly the threshold: met; 96.99...% is not.
    met = result(catalogue, tree, "D1", "bhyt", {**FULL, ("D1", "insured"): 97})
    missed = result(
        catalogue, tree, "D1", "bhyt", {**FULL, ("D1", "insured"): 9699, ("D1", "members"): 10000}
    )
    assert met.status is Status.MET and missed.status is Status.MISSED


def test_minimum_counts_units_reaching_it(catalogue, tree):
    city = result(catalogue, tree, "C", "model")
    assert (city.actual, city.outcome.units, city.outcome.failing) == (2, 3, ("G2",))
    assert city.status is Status.MISSED
    d2 = result(catalogue, tree, "D2", "model")
    assert (d2.actual, d2.outcome.units, d2.status) == (1, 1, Status.MET)


def test_monthly_minimum_is_due_every_month_of_the_period(catalogue, tree):
    year = result(catalogue, tree, "C", "bulletin")
    assert (year.actual, year.outcome.failing) == (1, ("D2",))
    half = make_period(months=6, progress=Fraction(1, 2))
    six = result(
        catalogue, tree, "C", "bulletin", {**FULL, ("D1", "months"): 6, ("D2", "months"): 5}, period=half
    )
    assert six.outcome.failing == ("D2",)


def test_none_allowed_fails_on_any_unit(catalogue, tree):
    r = result(catalogue, tree, "C", "weak")
    assert (r.actual, r.status, r.outcome.failing) == (1, Status.MISSED, ("D2",))
    assert result(catalogue, tree, "D1", "weak").status is Status.MET


def test_missing_figure_is_never_taken_as_zero(catalogue, tree):
    values = {k: v for k, v in FULL.items() if k != ("D2", "members_new")}
    r = result(catalogue, tree, "C", "new", values)
    assert r.actual is None and r.status is Status.NO_DATA and r.outcome.missing == ("D2",)


def test_indicator_of_a_level_below_the_unit_does_not_apply(catalogue, tree):
    assert result(catalogue, tree, "G1", "new") is None


def test_change_from_same_period_last_year(catalogue, tree):
    before = PeriodData(
        make_period("Q"), figures({**FULL, ("D1", "members_new"): 50, ("D2", "members_new"): 50}, "Q")
    )
    r = result(catalogue, tree, "C", "new", previous=before)
    assert r.change == Decimal(5)  # 105 vs 100: +5%
    share = result(catalogue, tree, "D1", "bhyt", previous=before)
    assert share.change == 0  # percentage points
    prev_models = {**FULL, ("G1", "models"): 0}
    minimum = result(
        catalogue, tree, "C", "model", previous=PeriodData(make_period("Q"), figures(prev_models, "Q"))
    )
    assert minimum.change == 1  # one more commune reaches it


def test_results_follow_catalogue_order(catalogue, tree):
    results = compute_results(catalogue, tree, "C", PeriodData(make_period(), figures(FULL)), make_targets())
    assert [r.indicator.id for r in results] == ["new", "bhyt", "model", "weak", "bulletin"]


def test_ranking_orders_by_targets_reached_then_mean_total_percent(catalogue, tree):
    current = PeriodData(make_period(), figures(FULL))
    by_unit = {code: compute_results(catalogue, tree, code, current, make_targets()) for code in ("D1", "D2")}
    standings = compute_ranking(by_unit)
    assert [s.unit_code for s in standings] == ["D1", "D2"]
    assert standings[0].rank == 1 and standings[0].reached > standings[1].reached
