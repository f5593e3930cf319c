"""Metrics: judge every indicator for a unit and period, rolling figures up the tree (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction

from .. import formats as fmt
from ..model import (
    Catalogue,
    FigureSet,
    Indicator,
    Kind,
    OrgTree,
    Outcome,
    Period,
    ReportInputs,
    Result,
    Status,
    Target,
)

HUNDRED = Decimal(100)


def _div(a: Decimal, b: Decimal) -> Decimal:
    # Percentages are rounded only for display; keep plenty of digits until then.
    with localcontext() as ctx:
        ctx.prec = 28
        return a / b


def compute_outcome(
    indicator: Indicator,
    catalogue: Catalogue,
    tree: OrgTree,
    unit_code: str,
    figures: FigureSet,
    months: int,
) -> Outcome | None:
    """The indicator's figures for the unit's subtree; None where no unit of its level is there."""
    members = [u.code for u in tree.members(unit_code, catalogue.level_of(indicator))]
    if not members:
        return None
    if indicator.kind is Kind.SHARE:
        return _share_outcome(indicator, members, figures)
    values = {code: figures.get(code, indicator.measure) for code in members}
    missing = tuple(code for code, value in values.items() if value is None)
    if indicator.kind is Kind.MINIMUM:
        return _minimum_outcome(indicator, values, missing, months)
    if missing:
        return Outcome(actual=None, missing=missing)
    total = sum(values.values(), Decimal(0))
    if indicator.kind is Kind.NONE:
        failing = tuple(code for code, value in values.items() if value > 0)
        return Outcome(actual=total, failing=failing)
    return Outcome(actual=total)


def _share_outcome(indicator: Indicator, members: list[str], figures: FigureSet) -> Outcome:
    # Sum numerators and denominators separately: an average of percentages would weigh a
    # small commune like a large district.
    nums = {code: figures.get(code, indicator.numerator) for code in members}
    dens = {code: figures.get(code, indicator.denominator) for code in members}
    missing = tuple(c for c in members if nums[c] is None or dens[c] is None)
    if missing:
        return Outcome(actual=None, missing=missing)
    numerator = sum(nums.values(), Decimal(0))
    denominator = sum(dens.values(), Decimal(0))
    ratio = _div(numerator * HUNDRED, denominator) if denominator else None
    return Outcome(actual=ratio, numerator=numerator, denominator=denominator)


def _minimum_outcome(
    indicator: Indicator, values: Mapping[str, Decimal | None], missing: tuple[str, ...], months: int
) -> Outcome:
    required = required_minimum(indicator, months)
    failing = tuple(c for c, v in values.items() if v is not None and v < required)
    reached = len(values) - len(failing) - len(missing)
    actual = None if missing else Decimal(reached)
    total = None if missing else sum(values.values(), Decimal(0))
    return Outcome(actual=actual, units=len(values), total=total, failing=failing, missing=missing)


def required_minimum(indicator: Indicator, months: int) -> int:
    """The per-unit minimum for a period; a monthly minimum is due in every month."""
    return int(indicator.minimum or 0) * (months if indicator.per == "month" else 1)


def compute_target(
    indicator: Indicator,
    catalogue: Catalogue,
    tree: OrgTree,
    unit_code: str,
    targets: Mapping[tuple[str, str], Target],
) -> tuple[Decimal | None, str]:
    """A total's yearly target: the unit's own, else the sum of its reporting units' targets."""
    own = targets.get((unit_code, indicator.id))
    if own is not None:
        return own.value, own.basis
    members = tree.members(unit_code, catalogue.level_of(indicator))
    parts = [targets.get((u.code, indicator.id)) for u in members]
    if not parts or any(p is None for p in parts):
        return None, ""
    basis = "sample" if any(p.basis == "sample" for p in parts) else "plan"
    return sum((p.value for p in parts), Decimal(0)), basis


def judge(
    indicator: Indicator, outcome: Outcome, target: Decimal | None, progress: Fraction
) -> tuple[Decimal | None, Decimal | None, Status]:
    """(expected for the period, % of target, status) for one outcome."""
    if outcome.actual is None:
        return None, None, Status.NO_DATA
    judge_kind = {
        Kind.TOTAL: _judge_total,
        Kind.SHARE: _judge_share,
        Kind.MINIMUM: _judge_minimum,
        Kind.NONE: _judge_none,
    }[indicator.kind]
    return judge_kind(indicator, outcome, target, progress)


def _compare(actual: Fraction, expected: Fraction) -> Status:
    if actual > expected:
        return Status.EXCEEDED
    return Status.MET if actual == expected else Status.MISSED


def _judge_total(indicator, outcome, target, progress):
    if target is None or target <= 0:
        return None, None, Status.NO_TARGET
    # Compare exact fractions: a total exactly on target is "đạt", never lost to rounding.
    expected = Fraction(target) * progress
    status = _compare(Fraction(outcome.actual), expected)
    percent = _div(outcome.actual * HUNDRED, target)
    return Decimal(expected.numerator) / Decimal(expected.denominator), percent, status


def _judge_share(indicator, outcome, target, progress):
    threshold = indicator.threshold
    # num/den against threshold% without rounding: num * 100 vs threshold * den.
    status = _compare(Fraction(outcome.numerator) * 100, Fraction(threshold) * Fraction(outcome.denominator))
    if threshold >= HUNDRED and status is Status.EXCEEDED:
        status = Status.MET
    return threshold, _div(outcome.actual * HUNDRED, threshold), status


def _judge_minimum(indicator, outcome, target, progress):
    status = Status.MET if outcome.actual == outcome.units else Status.MISSED
    return Decimal(outcome.units), _div(outcome.actual * HUNDRED, Decimal(outcome.units)), status


def _judge_none(indicator, outcome, target, progress):
    return Decimal(0), None, Status.MET if outcome.actual == 0 else Status.MISSED


def percent_of_due(result: Result) -> Decimal | None:
    """% of what is due by the end of the period, the one scale on which indicators of every kind and
    every unit can be listed, ranked and coloured together.

    A total's own `percent` is of the yearly target; in a six-month review only part of it is due,
    so a total at 50% is on course while a share at 50% of its threshold is far from it. Shares and
    minimums are due in full in every period, so theirs is their `percent`."""
    if result.indicator.kind is not Kind.TOTAL or result.percent is None:
        return result.percent
    if not result.expected:
        return None
    return _div(result.actual * HUNDRED, result.expected)


def compute_money_scales(catalogue: Catalogue, targets: Mapping[tuple[str, str], Target]) -> dict[str, str]:
    """One money scale per indicator, from every unit's target for the year: the same indicator is
    printed in the same unit in the city's and every district's report, in both periods."""
    amounts: dict[str, list[Decimal]] = {}
    for ind in catalogue.indicators:
        if ind.unit == fmt.MONEY_UNIT and ind.city_target is not None:
            amounts.setdefault(ind.id, []).append(ind.city_target)
    money = {ind.id for ind in catalogue.indicators if ind.unit == fmt.MONEY_UNIT}
    for (_, indicator_id), target in targets.items():
        if indicator_id in money:
            amounts.setdefault(indicator_id, []).append(target.value)
    return {ind_id: fmt.money_scale(*values) for ind_id, values in amounts.items()}


def compute_change(indicator: Indicator, now: Outcome, before: Outcome | None) -> Decimal | None:
    """Change from the same period last year: % for totals, points for shares, else a count."""
    if before is None or now.actual is None or before.actual is None:
        return None
    if indicator.kind is Kind.TOTAL:
        if before.actual == 0:
            return None
        return _div((now.actual - before.actual) * HUNDRED, abs(before.actual))
    return now.actual - before.actual


@dataclass(frozen=True)
class PeriodData:
    """What metrics need of one period, already loaded."""

    period: Period
    figures: FigureSet


def compute_results(
    catalogue: Catalogue,
    tree: OrgTree,
    unit_code: str,
    current: PeriodData,
    targets: Mapping[tuple[str, str], Target],
    previous: PeriodData | None = None,
    money_scales: Mapping[str, str] | None = None,
) -> tuple[Result, ...]:
    """Every applicable indicator judged for one unit, in catalogue order."""
    if money_scales is None:
        money_scales = compute_money_scales(catalogue, targets)
    results = []
    for indicator in catalogue.indicators:
        result = compute_result(
            indicator, catalogue, tree, unit_code, current, targets, previous, money_scales
        )
        if result is not None:
            results.append(result)
    return tuple(results)


def compute_result(
    indicator: Indicator,
    catalogue: Catalogue,
    tree: OrgTree,
    unit_code: str,
    current: PeriodData,
    targets: Mapping[tuple[str, str], Target],
    previous: PeriodData | None = None,
    money_scales: Mapping[str, str] | None = None,
) -> Result | None:
    """One indicator judged for one unit; None where it does not apply to the unit's level."""
    period = current.period
    outcome = compute_outcome(indicator, catalogue, tree, unit_code, current.figures, period.months)
    if outcome is None:
        return None
    target, basis = None, "plan"
    if indicator.kind is Kind.TOTAL:
        target, basis = compute_target(indicator, catalogue, tree, unit_code, targets)
    expected, percent, status = judge(indicator, outcome, target, period.progress)
    before = None
    if previous is not None:
        before = compute_outcome(
            indicator, catalogue, tree, unit_code, previous.figures, previous.period.months
        )
    return Result(
        indicator=indicator,
        unit_code=unit_code,
        period=period.id,
        level=catalogue.level_of(indicator),
        outcome=outcome,
        target=target if indicator.kind is Kind.TOTAL else expected,
        expected=expected,
        percent=percent,
        status=status,
        previous=before,
        change=compute_change(indicator, outcome, before),
        target_basis=basis,
        money_scale=_money_scale(indicator, money_scales, target, outcome, before),
    )


def _money_scale(indicator, money_scales, target, outcome, before) -> str | None:
    if indicator.unit != fmt.MONEY_UNIT:
        return None
    if money_scales and indicator.id in money_scales:
        return money_scales[indicator.id]
    # No plan amount to go by: the unit's own figures decide.
    return fmt.money_scale(target, outcome.actual, before.actual if before else None)


@dataclass(frozen=True)
class Standing:
    """A unit's place among its peers."""

    unit_code: str
    rank: int
    reached: int
    judged: int
    mean_total_percent: Decimal | None


def compute_ranking(results_by_unit: Mapping[str, Sequence[Result]]) -> tuple[Standing, ...]:
    """Rank units by targets reached, then by the mean % of their total targets."""
    rows = []
    for code, results in results_by_unit.items():
        judged = [r for r in results if r.status in (Status.EXCEEDED, Status.MET, Status.MISSED)]
        reached = sum(r.status.reached for r in judged)
        # Of what is due by the period, so a six-month review ranks on the scale it judges on.
        totals = [percent_of_due(r) for r in results if r.indicator.kind is Kind.TOTAL]
        totals = [p for p in totals if p is not None]
        mean = _div(sum(totals, Decimal(0)), Decimal(len(totals))) if totals else None
        rows.append((code, reached, len(judged), mean))
    # No mean at all ranks after any mean, a negative one included (a fund that shrank).
    rows.sort(key=lambda r: (-r[1], r[3] is None, -(r[3] or 0)))
    standings, rank = [], 0
    for position, (code, reached, judged, mean) in enumerate(rows, start=1):
        tied = standings and (reached, mean) == (standings[-1].reached, standings[-1].mean_total_percent)
        rank = rank if tied else position
        standings.append(Standing(code, rank, reached, judged, mean))
    return tuple(standings)


def compute_missed(
    results_by_unit: Mapping[str, Sequence[Result]], indicators: Sequence[Indicator]
) -> dict[str, tuple[Result, ...]]:
    """For each indicator, the units' results that fell short, in the order units are given."""
    missed = {}
    for indicator in indicators:
        short = tuple(
            r
            for results in results_by_unit.values()
            for r in results
            if r.indicator.id == indicator.id and r.status is Status.MISSED
        )
        if short:
            missed[indicator.id] = short
    return missed


@dataclass(frozen=True)
class ReportData:
    """A unit's judged indicators, and, for a report that compares them, its children's."""

    inputs: ReportInputs
    results: tuple[Result, ...]
    children: Mapping[str, tuple[Result, ...]]
    ranking: tuple[Standing, ...] = ()
    missed: Mapping[str, tuple[Result, ...]] = field(default_factory=dict)
    # The fields of section I the notebook has shown so far (document.render_results_section), so
    # the closing can refuse a report whose notebook has no cell for a field the catalogue has.
    shown_fields: set[str] = field(default_factory=set, compare=False, repr=False)
    # The charts shown so far and their numbers (document.number_figure): numbered as they are
    # shown, so a chart left out (no last year, no figures yet) leaves no gap.
    figure_numbers: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    # Section I's sentences once worded (document.describe_results_sections): each field's cell,
    # and the closing's check, ask for them again.
    sections: dict[str, tuple[int, str, list[str]]] = field(default_factory=dict, compare=False, repr=False)


def compute_report(inputs: ReportInputs, compare_children: bool = False) -> ReportData:
    """Judge every indicator for the report's unit (and each child unit when comparing)."""
    current = PeriodData(inputs.period, inputs.figures)
    previous = None
    if inputs.previous_period is not None and inputs.previous_figures is not None:
        previous = PeriodData(inputs.previous_period, inputs.previous_figures)

    scales = compute_money_scales(inputs.catalogue, inputs.targets)

    def results_for(code: str) -> tuple[Result, ...]:
        return compute_results(inputs.catalogue, inputs.tree, code, current, inputs.targets, previous, scales)

    results = results_for(inputs.unit_code)
    if not compare_children:
        return ReportData(inputs, results, {})
    children = {c.code: results_for(c.code) for c in inputs.tree.children(inputs.unit_code)}
    return ReportData(
        inputs,
        results,
        children,
        ranking=compute_ranking(children),
        missed=compute_missed(children, inputs.catalogue.indicators),
    )
