"""Invariants of the figures, checked on generated data (issue 14).

- a roll-up does not depend on the order the units are listed in;
- a share is the sum of numerators over the sum of denominators, never the mean of shares;
- a missing figure never improves a verdict: it leaves it as it was, or makes it "no data";
- a vi_VN number, formatted then parsed back (Babel, vi_VN), is the number.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from babel.numbers import parse_decimal
from conftest import figures, make_catalogue, make_period, make_targets, make_tree
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from reportkit import formats as fmt
from reportkit.model import OrgTree, Status
from reportkit.report.metrics import PeriodData, compute_result

CATALOGUE = make_catalogue()
TREE = make_tree()
UNITS = ("C", "D1", "D2", "G1", "G2", "G3")
INDICATORS = tuple(i.id for i in CATALOGUE.indicators)
DISTRICT_MEASURES = ("members_new", "insured", "members", "weak", "months")

count = st.integers(min_value=0, max_value=5000)

# Two cores shared by several test runs (and mutmut's tracing): time is not what is tested.
untimed = settings(deadline=None)


@st.composite
def complete_figures(draw):
    """Every figure of the conftest catalogue, with insured <= members as a real plan has."""
    values = {}
    for district in ("D1", "D2"):
        members = draw(st.integers(min_value=1, max_value=5000))
        values[(district, "members")] = members
        values[(district, "insured")] = draw(st.integers(min_value=0, max_value=members))
        values[(district, "members_new")] = draw(count)
        values[(district, "weak")] = draw(st.integers(min_value=0, max_value=3))
        values[(district, "months")] = draw(st.integers(min_value=0, max_value=12))
    for commune in ("G1", "G2", "G3"):
        values[(commune, "models")] = draw(st.integers(min_value=0, max_value=6))
    return values


def judge_all(tree: OrgTree, values, unit="C"):
    current = PeriodData(make_period(), figures(values))
    return {
        i.id: compute_result(CATALOGUE.indicator(i.id), CATALOGUE, tree, unit, current, make_targets())
        for i in CATALOGUE.indicators
    }


def verdict(result):
    o = result.outcome
    return (
        result.status,
        o.actual,
        o.numerator,
        o.denominator,
        o.total,
        o.units,
        frozenset(o.failing),
        frozenset(o.missing),
        result.target,
        result.percent,
    )


@untimed
@given(values=complete_figures(), order=st.permutations(UNITS))
def test_roll_ups_do_not_depend_on_the_order_of_units(values, order):
    shuffled = OrgTree({code: TREE[code] for code in order}, TREE.titles)
    for unit in ("C", "D1", "D2"):
        base, other = judge_all(TREE, values, unit), judge_all(shuffled, values, unit)
        assert {k: verdict(r) for k, r in base.items() if r} == {k: verdict(r) for k, r in other.items() if r}


@st.composite
def part_of(draw):
    """(numerator, denominator) of one district: 0 <= insured <= members, members >= 1."""
    denominator = draw(st.integers(1, 10_000))
    return draw(st.integers(0, denominator)), denominator


@untimed
@given(first=part_of(), second=part_of())
@example(first=(90, 100), second=(990, 1000))  # 98,18% pooled; the mean of 90% and 99% is 94,5%
def test_a_share_is_the_sum_over_the_sum_never_the_mean_of_shares(first, second):
    (n1, d1), (n2, d2) = first, second
    pooled = Fraction(100 * (n1 + n2), d1 + d2)
    mean = (Fraction(100 * n1, d1) + Fraction(100 * n2, d2)) / 2
    assume(pooled != mean)  # equal denominators or equal shares: the two agree
    values = {("D1", "insured"): n1, ("D1", "members"): d1, ("D2", "insured"): n2, ("D2", "members"): d2}
    result = judge_all(TREE, values)["bhyt"]
    assert (result.outcome.numerator, result.outcome.denominator) == (n1 + n2, d1 + d2)
    # The kit keeps 28 significant digits until display: it is pooled, and far from the mean.
    assert abs(Fraction(result.actual) - pooled) < Fraction(1, 10**20)
    assert abs(Fraction(result.actual) - mean) > Fraction(1, 10**15)
    # And the verdict is the pooled one, judged exactly: pooled >= 97% is reached.
    assert result.status.reached == (pooled >= 97)


@untimed
@given(values=complete_figures(), data=st.data())
def test_a_missing_figure_never_improves_a_verdict(values, data):
    gone = data.draw(st.sampled_from(sorted(values)))
    fewer = {k: v for k, v in values.items() if k != gone}
    for unit in ("C", "D1", "D2"):
        full, partial = judge_all(TREE, values, unit), judge_all(TREE, fewer, unit)
        for indicator_id, before in full.items():
            after = partial[indicator_id]
            if before is None:
                continue
            in_subtree = gone[0] in {u.code for u in TREE.walk(unit)}
            reads_it = gone[1] in after.indicator.measures
            if in_subtree and reads_it:
                assert after.status is Status.NO_DATA, (unit, indicator_id, gone)
                assert gone[0] in after.outcome.missing
            else:
                assert verdict(after) == verdict(before), (unit, indicator_id, gone)


def parse_vi(text: str) -> Decimal:
    """A vi_VN number as a reader types it back: "1.234,5" -> 1234.5 (Babel, strict)."""
    return parse_decimal(text, locale="vi_VN", strict=True)


@untimed
@given(units=st.integers(-(10**12), 10**12), decimals=st.integers(0, 3))
def test_format_number_then_parse_gives_the_number_back(units, decimals):
    value = Decimal(units).scaleb(-decimals)  # exactly `decimals` places: nothing to round
    assert parse_vi(fmt.format_number(value, decimals)) == value


@untimed
@given(units=st.integers(-(10**9), 10**9), decimals=st.integers(0, 2))
def test_format_plain_and_percent_then_parse_give_the_number_back(units, decimals):
    value = Decimal(units).scaleb(-decimals)
    assert parse_vi(fmt.format_plain(value)) == value
    assert parse_vi(fmt.format_percent(value, 2).removesuffix("%")) == value


@untimed
@given(units=st.integers(-(10**9), 10**9))
def test_a_rounded_number_parses_back_to_the_half_up_rounding(units):
    # Three places shown with one: the last digit 5 rounds away from zero (x,x5 -> x,(x+1)).
    value = Decimal(units).scaleb(-3)
    shown = parse_vi(fmt.format_number(value, 1))
    assert abs(shown - value) <= Decimal("0.05")
    hundredths = abs(value) * 100 % 10
    if hundredths == 5 and abs(value) * 1000 % 10 == 0:
        assert abs(shown) > abs(value)  # exactly half: away from zero
