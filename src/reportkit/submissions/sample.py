"""Sample data: split each plan's city targets over the submitting units (the level that `submits` in
the levels file) and make seeded, plausible figures for the periods of every plan.

A plan is a catalogue named by periods of periods.yaml. The 2022 plan keeps the drawing it was
shipped with (its figures and tests depend on it, draw for draw); any other plan's figures are
drawn from its catalogue alone: a total from its target, a share near its threshold, a count that
must be none mostly none, a minimum around it, any other measure from the range its catalogue's
`sample` block gives; then every constraint of the catalogue is made to hold."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from ..datafiles import read_yaml
from ..model import Catalogue, Kind, OrgTree, Period, Target
from ..paths import (
    SAMPLE_FIGURES,
    SAMPLE_NARRATIVE,
    SAMPLE_SUBMISSIONS,
    narrative_file,
    periods_file,
    sample_figures_file,
    wording_file,
)
from ..report.inputs import load_catalogue, load_identity, load_period_tree, load_periods, load_targets

SEED = 2022
SAMPLE_BASIS = "sample"


def split_largest_remainder(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split a whole total in proportion to weights so that the parts add up exactly."""
    weight_sum = sum(weights.values())
    exact = {k: total * w / weight_sum for k, w in weights.items()}
    parts = {k: int(v) for k, v in exact.items()}
    short = total - sum(parts.values())
    # Hand the remaining units to the largest remainders; ties go to the first code.
    for key in sorted(exact, key=lambda k: (-(exact[k] - parts[k]), k))[:short]:
        parts[key] += 1
    return parts


def split_city_targets(catalogue: Catalogue, tree: OrgTree, city_code: str) -> list[Target]:
    """The submitting units' targets: the plan's city targets split by how many associations each
    stands for. The city's own targets stay in the catalogue only (a target is written in one place)."""
    submitting = tree.members(city_code, tree.levels.submits)
    weights = {d.code: _associations(tree, d.code) for d in submitting}
    targets = []
    for ind in catalogue.indicators:
        if ind.kind is not Kind.TOTAL or ind.city_target is None:
            continue
        for code, part in split_largest_remainder(int(ind.city_target), weights).items():
            targets.append(Target(code, ind.id, Decimal(part), SAMPLE_BASIS))
    return targets


def _associations(tree: OrgTree, code: str) -> int:
    """How many associations a submitting unit stands for: its members (the level below it), or
    itself alone in a tree with no level below it (a city of communes)."""
    members = tree.levels.members()
    return max(1, len(tree.members(code, members))) if members else 1


class _FigureMaker:
    """Draws one year's figures for every unit, then the six months from them."""

    def __init__(self, rng: random.Random, catalogue: Catalogue, tree: OrgTree, city: str):
        self.rng, self.catalogue, self.tree, self.city = rng, catalogue, tree, city

    def year(self, targets: Mapping[tuple[str, str], Target], pace: float) -> dict:
        values: dict[tuple[str, str], Decimal] = {}
        members = self.tree.levels.members()
        for submitter in self.tree.members(self.city, self.tree.levels.submits):
            values.update(self._district(submitter.code, targets, pace))
            for member in self.tree.members(submitter.code, members) if members else ():
                values.update(self._grassroots(member.code, pace))
        return values

    def _performance(self) -> float:
        # Most districts land near their target; some fall well short and some go past it.
        return max(0.6, self.rng.gauss(1.02, 0.11))

    def _district(self, code: str, targets, pace: float) -> dict:
        r, n = self.rng, _associations(self.tree, code)
        members = self.tree.levels.members()
        grassroots = len(self.tree.members(code, members)) if members else 0

        def total(indicator_id: str) -> int:
            return round(float(targets[(code, indicator_id)].value) * self._performance() * pace)

        members = n * r.randint(1300, 2100)
        registered = total("sxkd_registered")
        rated = grassroots
        weak = 1 if r.random() < 0.15 and rated else 0
        good = max(0, rated - weak - (1 if r.random() < 0.25 else 0))
        cadres = n * r.randint(8, 13)
        food = n * r.randint(60, 140)
        fund = Decimal(
            str(round(float(targets[(code, "fund_growth")].value) * self._performance() * pace, 1))
        )
        v = {
            "propaganda_attendance": total("propaganda"),
            "new_members": total("new_members"),
            "members_total": members,
            "members_health_insured": min(members, round(members * r.uniform(0.94, 0.995))),
            "members_social_insured": round(members * r.uniform(0.026, 0.045)),
            "grassroots_rated": rated,
            "grassroots_good": good,
            "grassroots_weak": weak,
            "branch_cadres_total": cadres,
            "branch_cadres_trained": cadres if r.random() < 0.4 else round(cadres * r.uniform(0.9, 0.99)),
            "sxkd_registered": registered,
            "sxkd_achieved": min(registered, total("sxkd_achieved")),
            "fund_growth": fund,
            "food_households_total": food,
            "food_households_committed": food if r.random() < 0.4 else round(food * r.uniform(0.92, 0.99)),
            "district_cadres_trained": r.randint(1, 3),
            "district_services": r.randint(1, 6),
            "dialogues": r.choice([0, 1, 1, 2, 2, 3]),
            "shelter_houses": r.choice([0, 1, 1, 2, 3]),
            "bulletin_months": 12 if r.random() < 0.7 else r.randint(10, 11),
        }
        return {(code, m): Decimal(value) for m, value in v.items()}

    def _grassroots(self, code: str, pace: float) -> dict:
        r = self.rng
        v = {
            "poverty_exits": max(0, round(r.choice([0, 1, 2, 2, 2, 3, 3, 4]) * pace)),
            "party_introduced": r.choice([0, 1, 1, 1, 2, 2, 3]),
            "grassroots_cadres_trained": r.choice([0, 1, 1, 1, 2]),
            "grassroots_services": r.choice([0, 1, 1, 2, 3, 4]),
            "coop_groups": r.choice([0, 1, 1, 1, 2]),
            "environment_models": r.choice([0, 1, 1, 2, 2, 3]),
            "security_models": r.choice([3, 4, 5, 5, 6, 6, 7, 8, 9]),
        }
        return {(code, m): Decimal(value) for m, value in v.items()}

    def six_months(self, year: Mapping[tuple[str, str], Decimal], months: int) -> dict:
        """Flows are about half the year's; stocks (members, ratings) about the same."""
        flows = {
            "propaganda_attendance", "new_members", "sxkd_registered", "sxkd_achieved",
            "fund_growth", "district_cadres_trained", "district_services", "dialogues",
            "shelter_houses", "poverty_exits", "party_introduced", "grassroots_cadres_trained",
            "grassroots_services", "coop_groups", "environment_models",
        }  # fmt: skip
        half: dict[tuple[str, str], Decimal] = {}
        for (code, measure), value in sorted(year.items()):
            if measure == "bulletin_months":
                half[(code, measure)] = Decimal(max(0, min(months, int(value) - (12 - months))))
            elif measure in flows:
                share = Decimal(str(round(self.rng.uniform(0.42, 0.6), 3)))
                exact = value * share
                half[(code, measure)] = exact.quantize(Decimal("0.1") if measure == "fund_growth" else 1)
            else:
                half[(code, measure)] = value
        _keep_possible(half)
        return half


# The measures the 2022 plan's drawing (_FigureMaker) knows; a catalogue with other measures is drawn
# by _CatalogueFigures.
PLAN_2022_MEASURES = frozenset(
    {
        "propaganda_attendance", "new_members", "members_total", "members_health_insured",
        "members_social_insured", "grassroots_rated", "grassroots_good", "grassroots_weak",
        "branch_cadres_total", "branch_cadres_trained", "sxkd_registered", "sxkd_achieved",
        "fund_growth", "food_households_total", "food_households_committed", "district_cadres_trained",
        "district_services", "dialogues", "shelter_houses", "bulletin_months", "poverty_exits",
        "party_introduced", "grassroots_cadres_trained", "grassroots_services", "coop_groups",
        "environment_models", "security_models",
    }
)  # fmt: skip
DEFAULT_RANGE = (0, 5)  # a measure no rule decides and the catalogue gives no range for
NONE_ODDS = 0.15  # the chance that a unit has one of what must be none


class _CatalogueFigures:
    """Draws one plan's figures for every unit from its catalogue alone, by each measure's role in
    the indicators (see the module's docstring)."""

    def __init__(self, rng, catalogue: Catalogue, tree: OrgTree, city: str, ranges: Mapping):
        self.rng, self.catalogue, self.tree, self.city = rng, catalogue, tree, city
        self.ranges = {m: (int(lo), int(hi)) for m, (lo, hi) in ranges.items()}
        self.totals = {i.measure: i.id for i in catalogue.indicators if i.kind is Kind.TOTAL}
        self.shares = {i.numerator: i for i in catalogue.indicators if i.kind is Kind.SHARE}
        self.nones = {i.measure for i in catalogue.indicators if i.kind is Kind.NONE}
        self.minimums = {i.measure: i.minimum for i in catalogue.indicators if i.kind is Kind.MINIMUM}

    def year(self, targets: Mapping[tuple[str, str], Target], pace: float) -> dict:
        values: dict[tuple[str, str], Decimal] = {}
        for unit in self.tree.walk(self.city):
            measures = [m for m in self.catalogue.measures.values() if m.level == unit.level]
            drawn = {m.id: self._draw(unit.code, m.id, targets, pace) for m in measures}
            # A share's numerator is drawn once its denominator is known.
            for numerator in [m for m in drawn if drawn[m] is None]:
                drawn[numerator] = self._share(self.shares[numerator], drawn)
            self._keep_constraints(drawn, months=12)
            values.update({(unit.code, m): v for m, v in drawn.items()})
        return values

    def _draw(self, code: str, measure: str, targets, pace: float) -> Decimal | None:
        r = self.rng
        if measure in self.totals and (code, self.totals[measure]) in targets:
            target = float(targets[(code, self.totals[measure])].value)
            return self._value(measure, target * max(0.6, r.gauss(1.02, 0.11)) * pace)
        if measure in self.shares:
            return None
        if measure in self.nones:
            return Decimal(1 if r.random() < NONE_ODDS else 0)
        if measure in self.minimums and measure not in self.ranges:
            least = int(self.minimums[measure] or 0)
            return Decimal(max(0, r.choice([least - 1, least, least, least + 1, least + 2])))
        return Decimal(r.randint(*self.ranges.get(measure, DEFAULT_RANGE)))

    def _value(self, measure: str, exact: float) -> Decimal:
        if self.catalogue.measures[measure].type == "count":
            return Decimal(max(0, round(exact)))
        return Decimal(str(round(exact, 1)))

    def _share(self, indicator, drawn: Mapping[str, Decimal | None]) -> Decimal:
        """Most units near the share's threshold, some under it."""
        whole = drawn[indicator.denominator] or Decimal(0)
        threshold = float(indicator.threshold or 100) / 100
        share = self.rng.uniform(threshold - 0.04, min(1.0, threshold + 0.025))
        return self._value(indicator.numerator, float(whole) * share)

    def _keep_constraints(self, drawn: dict[str, Decimal | None], months: int) -> None:
        """sum(lhs) <= rhs for every constraint of the catalogue: the excess is taken off the
        left-hand measures, the last first."""
        for constraint in self.catalogue.constraints:
            bound = Decimal(months) if constraint.rhs == "$months" else drawn.get(constraint.rhs)
            if bound is None or any(drawn.get(m) is None for m in constraint.lhs):
                continue
            excess = sum(drawn[m] for m in constraint.lhs) - bound  # type: ignore[misc]
            for measure in reversed(constraint.lhs):
                cut = min(excess, drawn[measure]) if excess > 0 else 0  # type: ignore[type-var]
                drawn[measure] -= cut  # type: ignore[operator]
                excess -= cut

    def six_months(self, year: Mapping[tuple[str, str], Decimal], months: int) -> dict:
        """A plan's totals are flows, about half the year's; other figures as at the year's end."""
        half = dict(year)
        for (code, measure), value in sorted(year.items()):
            if measure in self.totals:
                half[(code, measure)] = self._value(measure, float(value) * self.rng.uniform(0.42, 0.6))
        for code in sorted({c for c, _ in half}):
            drawn: dict[str, Decimal | None] = {m: v for (c, m), v in half.items() if c == code}
            self._keep_constraints(drawn, months)
            half.update({(code, m): v for m, v in drawn.items() if v is not None})
        return half


def _keep_possible(values: dict[tuple[str, str], Decimal]) -> None:
    """Rounding must never make achieving exceed registering, or a share exceed its whole."""
    pairs = [
        ("sxkd_achieved", "sxkd_registered"),
        ("new_members", "members_total"),
        ("members_health_insured", "members_total"),
        ("members_social_insured", "members_total"),
    ]
    for code in {c for c, _ in values}:
        for part, whole in pairs:
            if (code, part) in values and values[(code, part)] > values[(code, whole)]:
                values[(code, part)] = values[(code, whole)]


def generate_figures(
    catalogue: Catalogue,
    tree: OrgTree,
    city_code: str,
    periods: Sequence[Period],
    targets: Iterable[Target],
    seed: int = SEED,
    ranges: Mapping[str, Sequence[int]] | None = None,
) -> list[tuple[str, str, str, Decimal]]:
    """Rows (period, unit_code, measure, value) for each year's H1 and full year."""
    rng = random.Random(seed)
    target_map = {(t.unit_code, t.indicator_id): t for t in targets}
    maker: _FigureMaker | _CatalogueFigures
    if set(catalogue.measures) == PLAN_2022_MEASURES:
        maker = _FigureMaker(rng, catalogue, tree, city_code)
    else:
        maker = _CatalogueFigures(rng, catalogue, tree, city_code, ranges or {})
    rows = []
    for year in sorted({p.year for p in periods}):
        # 2021 ran a little behind 2022, so the comparison "so với cùng kỳ" shows growth mostly.
        pace = 1.0 if year == max(p.year for p in periods) else 0.93
        full = maker.year(target_map, pace)
        for period in sorted((p for p in periods if p.year == year), key=lambda p: p.months):
            values = full if period.months == 12 else maker.six_months(full, period.months)
            rows += [(period.id, code, m, v) for (code, m), v in sorted(values.items())]
    return rows


def write_targets(path: Path, targets: Iterable[Target]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["unit_code", "indicator_id", "target", "basis"])
        writer.writerows((t.unit_code, t.indicator_id, t.value, t.basis) for t in targets)


def write_figures(path: Path, rows: Iterable[tuple[str, str, str, Decimal]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["period", "unit_code", "measure", "value", "source"])
        writer.writerows((*row, SAMPLE_BASIS) for row in rows)


def write_submissions(
    out_dir: Path, rows: Iterable[tuple[str, str, str, Decimal]], catalogue: Catalogue, tree: OrgTree
) -> list[Path]:
    """One CSV submission per submitting unit and period, as an analyst would send it, marked as sample.

    `make reports` takes these in through the same intake as real files, so the default path is
    the real path."""
    values = {(period, code, measure): value for period, code, measure, value in rows}
    periods = sorted({period for period, _, _ in values})
    out_dir.mkdir(parents=True, exist_ok=True)
    # Another plan's submissions share the folder: only this plan's periods are written afresh.
    for period in periods:
        for old in out_dir.glob(f"{period}-*.csv"):
            old.unlink()
    written = []
    for period in periods:
        for root in tree.roots():
            for submitter in tree.members(root.code, tree.levels.submits):
                lines = _submission_rows(values, period, submitter.code, catalogue, tree)
                path = out_dir / f"{period}-{submitter.code}.csv"
                with open(path, "w", encoding="utf-8", newline="") as fh:
                    writer = csv.writer(fh, lineterminator="\n")
                    writer.writerow(["period", "unit_code", "unit_name", "measure", "value", "source"])
                    writer.writerows(lines)
                written.append(path)
    return written


def _submission_rows(values, period: str, district: str, catalogue: Catalogue, tree: OrgTree) -> list[tuple]:
    """The submitting unit's own figures, then each of its members', in catalogue order."""
    lines = []
    for unit in tree.walk(district):
        for measure in catalogue.measures.values():
            value = values.get((period, unit.code, measure.id))
            if measure.level == unit.level and value is not None:
                lines.append((period, unit.code, tree.title(unit.code), measure.id, value, SAMPLE_BASIS))
    return lines


def make_sample(data_dir: Path, params_dir: Path | None = None) -> None:
    """Rewrite every plan's sample targets, figures and submissions from its catalogue and tree
    (deterministic: each plan's draws are seeded with its year); with `params_dir`, also write the
    sample text of sections II-IV for every report that has none (write_sample_narratives)."""
    periods, default = load_periods(periods_file(data_dir))
    if params_dir is not None:
        write_sample_narratives(data_dir, params_dir)
    for catalogue_name, plan_periods in sample_plans(periods).items():
        plan = max(
            (p for p in plan_periods if p.catalogue == catalogue_name), key=lambda p: (p.year, p.months)
        )
        # The default period's plan keeps the figures file it always had; another plan has its own.
        default_plan = periods[default].catalogue == catalogue_name
        figures = SAMPLE_FIGURES if default_plan else sample_figures_file(plan.year)
        make_plan_sample(data_dir, plan, plan_periods, figures)


def sample_plans(periods: Mapping[str, Period]) -> dict[str, list[Period]]:
    """Each plan (its catalogue file) with the periods it has sample figures for: those judged
    against it and the same periods of the year before, which they are compared with."""
    plans: dict[str, dict[str, Period]] = {}
    for period in periods.values():
        if not (period.catalogue and period.targets):
            continue
        group = plans.setdefault(period.catalogue, {})
        group[period.id] = period
        if period.same_period_last_year:
            group[period.same_period_last_year] = periods[period.same_period_last_year]
    return {name: list(group.values()) for name, group in plans.items()}


def make_plan_sample(data_dir: Path, plan: Period, periods: Sequence[Period], figures_file: str) -> None:
    """One plan's sample: its targets (kept if they already split the city targets), figures and
    submissions."""
    assert plan.catalogue and plan.targets  # sample_plans gives only periods with a plan
    tree = load_period_tree(data_dir, plan)
    catalogue = load_catalogue(data_dir / plan.catalogue)
    (city,) = [u.code for u in tree.roots()]
    targets = sample_targets(data_dir / plan.targets, catalogue, tree, city)
    ranges = read_yaml(data_dir / plan.catalogue).get("sample") or {}
    rows = generate_figures(catalogue, tree, city, periods, targets, seed=plan.year, ranges=ranges)
    write_figures(data_dir / figures_file, rows)
    write_submissions(data_dir / SAMPLE_SUBMISSIONS, rows, catalogue, tree)


def sample_targets(path: Path, catalogue: Catalogue, tree: OrgTree, city: str) -> list[Target]:
    """The submitting units' sample targets. A targets file whose sample rows already give every
    submitting unit a target adding up to each city target is kept as it is (it may be weighted by
    hand, e.g. by the former communes a commune merges); otherwise the city targets are split by
    `split_city_targets` and written."""
    split = split_city_targets(catalogue, tree, city)
    if path.is_file():
        kept = [t for t in load_targets(path).values() if t.basis == SAMPLE_BASIS]
        if _same_totals(kept, split):
            return kept
    write_targets(path, split)
    return split


def _same_totals(kept: Sequence[Target], split: Sequence[Target]) -> bool:
    """Whether two splits cover the same units and indicators and add up to the same totals."""

    def totals(targets: Sequence[Target]) -> dict[str, Decimal]:
        sums: dict[str, Decimal] = {}
        for t in targets:
            sums[t.indicator_id] = sums.get(t.indicator_id, Decimal(0)) + t.value
        return sums

    keys = {(t.unit_code, t.indicator_id) for t in kept}
    return keys == {(t.unit_code, t.indicator_id) for t in split} and totals(kept) == totals(split)


def write_sample_narratives(data_dir: Path, params_dir: Path) -> list[Path]:
    """Sections II-IV for every report of every planned period that has no text yet, from
    data/sample/narrative.md (marked as sample in its text): the sample reports are then whole, not
    drafts. A file that exists is the analyst's and is never touched."""
    import jinja2

    periods, _ = load_periods(periods_file(data_dir))
    # Markdown keeps its lines: a plain Jinja environment, not the wording's (which folds them).
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = environment.from_string((data_dir / SAMPLE_NARRATIVE).read_text(encoding="utf-8"))
    identity = load_identity(wording_file(data_dir))
    written = []
    for period in (p for p in periods.values() if p.catalogue and p.targets):
        tree = load_period_tree(data_dir, period)
        for code in tree.at_levels(tree.levels.reports):
            path = narrative_file(params_dir, period.id, code)
            if path.exists():
                continue
            unit = identity.of(tree.title(code))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(template.render(unit=unit, year=period.year), encoding="utf-8")
            written.append(path)
    return written
