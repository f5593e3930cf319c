"""Narrative: Vietnamese sentences describing each judged indicator, worded from data (pure)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import jinja2

from .. import formats as fmt
from .. import vntext
from ..model import Catalogue, Kind, Levels, OrgTree, Outcome, Result, Status

MAX_NAMED_UNITS = 12  # beyond this a list of units reads as noise; the appendix has the rest


@functools.cache
def _environment() -> jinja2.Environment:
    # Plain text out: escaping happens once, where the text is put into HTML.
    return jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)


@functools.lru_cache(maxsize=1024)
def _compiled(template: str) -> jinja2.Template:
    # A report fills the same few dozen wording templates hundreds of times; compiling one
    # costs about a millisecond, filling it a few microseconds.
    return _environment().from_string(template)


def compile_templates(templates: Iterable[str]) -> None:
    """Compile wording templates before their first use (the fork server's warm-up); one that does
    not compile is left for its use to report."""
    for template in templates:
        with contextlib.suppress(jinja2.TemplateError):
            _compiled(template)


def render_text(template: str, **values: Any) -> str:
    """Fill one wording template; whitespace from folded YAML lines is collapsed."""
    text = _compiled(template).render(**values)
    return " ".join(text.split())


def describe_units(tree: OrgTree, codes: Sequence[str]) -> str:
    """ "phường A, xã B và 3 đơn vị khác": names inside a sentence, their kind word in lower case
    (ND30: "huyện Cờ Đỏ", where a table cell or heading starts with "Huyện Cờ Đỏ")."""
    names = [describe_unit_in_text(tree, code) for code in codes[:MAX_NAMED_UNITS]]
    rest = len(codes) - len(names)
    return ", ".join(names) + (f" và {rest} đơn vị khác" if rest > 0 else "")


def describe_unit_in_text(tree: OrgTree, code: str) -> str:
    """A unit's title inside a sentence or list: "huyện Cờ Đỏ" (its name keeps its capitals)."""
    return vntext.lower_first(tree.title(code))


def describe_value(result: Result, value: Decimal, scale: str | None = None) -> str:
    """A total's figure in its unit's style: money in tỷ/triệu đồng, counts with dots."""
    if result.indicator.unit == fmt.MONEY_UNIT:
        return fmt.format_money(value, scale or result.money_scale)
    return fmt.format_number(value)


def describe_money_unit(result: Result) -> str:
    """The unit a total is printed in: its money scale (one per indicator), else its own unit."""
    if result.indicator.unit == fmt.MONEY_UNIT:
        return result.money_scale or fmt.money_scale(result.actual, result.target)
    return result.indicator.unit


def _exact_ratio(outcome: Outcome) -> Fraction | None:
    # The share's ratio from its counts, so "bằng" is said only of ratios that are truly equal.
    if outcome.numerator is None or not outcome.denominator:
        return None
    return Fraction(outcome.numerator) * 100 / Fraction(outcome.denominator)


def describe_year_on_year(result: Result, level_word: str = "đơn vị") -> fmt.Change | None:
    """The change from the same period last year, the one description the sentence, the appendix and
    the chart all print; None where either year has no figure to compare."""
    before, ind = result.previous, result.indicator
    if before is None or before.actual is None or result.actual is None:
        return None
    if ind.kind is Kind.TOTAL:
        scale = describe_money_unit(result) if ind.unit == fmt.MONEY_UNIT else None
        return fmt.describe_difference(result.actual, before.actual, ind.unit, relative=True, scale=scale)
    if ind.kind is Kind.SHARE:
        now, then = _exact_ratio(result.outcome), _exact_ratio(before)
        if now is None or then is None:
            return None
        return fmt.describe_difference(now, then, "điểm phần trăm", decimals=1, short_unit="điểm")
    unit = ind.unit if ind.kind is Kind.NONE else level_word
    return fmt.describe_difference(result.actual, before.actual, unit)


def describe_change(result: Result, wording: Mapping[str, Any], year: int | None) -> str:
    """The clause about the same period last year, empty when there is no such period."""
    if year is None:
        return ""
    sentences = wording["sentences"]
    change = describe_year_on_year(result, _level_word(result, wording))
    if change is None:
        if result.previous is None or result.previous.actual is None:
            return render_text(sentences["change_unavailable"], year=year)
        return ""
    key = "change_same" if not change.direction else "change"
    return render_text(sentences[key], year=year, change=change.words)


def _level_word(result: Result, wording: Mapping[str, Any]) -> str:
    return wording["level_words"].get(result.level, "đơn vị")


def with_level_words(wording: Mapping[str, Any], levels: Levels) -> dict[str, Any]:
    """The wording with `level_words` (level id -> its word, "cơ sở Hội") from the tree's levels
    file: the word a minimum's sentence, plan and change are counted in."""
    return {**wording, "level_words": {level: levels.words(level)["one"] for level in levels.levels}}


def describe_result(
    result: Result,
    catalogue: Catalogue,
    tree: OrgTree,
    wording: Mapping[str, Any],
    previous_year: int | None,
) -> str:
    """One sentence for one indicator, e.g. "Phát triển mới 3.120 hội viên, bằng 55,5% chỉ tiêu năm
    (5.620 hội viên), chưa đạt chỉ tiêu, tăng … so với cùng kỳ năm 2021"."""
    sentences = wording["sentences"]
    ind = result.indicator
    if result.status is Status.NO_DATA:
        return render_text(
            sentences["no_data"], short=ind.short, missing=describe_units(tree, result.outcome.missing)
        )
    common = {
        "lead": ind.lead,
        "change": describe_change(result, wording, previous_year),
        "level_word": _level_word(result, wording),
    }
    describe = {
        Kind.TOTAL: _describe_total,
        Kind.SHARE: _describe_share,
        Kind.MINIMUM: _describe_minimum,
        Kind.NONE: _describe_none,
    }[ind.kind]
    return describe(result, catalogue, tree, wording, common)


def _is_due_only(result: Result) -> bool:
    # A six-month review judges a total against the part of the year's target due by then.
    return result.expected is not None and result.target is not None and result.expected < result.target


def _describe_total(result, catalogue, tree, wording, common):
    patterns = wording["sentences"]["total"]
    unit = describe_money_unit(result)
    if result.target is None:
        actual = describe_value(result, result.actual, unit)
        return render_text(patterns["no_target"], actual=actual, unit=unit, **common)
    actual, target = describe_total_pair(result)
    due = _is_due_only(result)
    return render_text(
        patterns[result.status.value],
        actual=actual,
        target=target,
        unit=unit,
        percent=fmt.format_percent(result.percent),
        due=due,
        goal=wording["sentences"]["goal"]["due" if due else "year"],
        **common,
    )


def describe_total_pair(result: Result) -> tuple[str, str]:
    """A total's figure and target as printed (money: with the decimals that make the printed
    figures give the printed percentage)."""
    if result.actual is None:
        return "—", describe_value(result, result.target)
    if result.indicator.unit == fmt.MONEY_UNIT and result.target:
        return fmt.format_money_ratio(result.actual, result.target, describe_money_unit(result))
    return describe_value(result, result.actual), describe_value(result, result.target)


def _describe_share(result, catalogue, tree, wording, common):
    ind, outcome, patterns = result.indicator, result.outcome, wording["sentences"]["share"]
    if not outcome.denominator:
        return render_text(patterns["empty"], **common)
    return render_text(
        patterns[result.status.value],
        numerator=fmt.format_number(outcome.numerator),
        denominator=fmt.format_number(outcome.denominator),
        unit=catalogue.measures[ind.denominator].unit,
        ratio=fmt.format_percent(outcome.actual),
        threshold=fmt.format_threshold(ind.threshold),
        **common,
    )


def _minimum_situation(result: Result, reached: Decimal | None) -> str:
    if result.status.reached:
        return "dat"
    return "none_reached" if not reached else "chua_dat"


def _describe_minimum(result, catalogue, tree, wording, common):
    ind, outcome, sentences = result.indicator, result.outcome, wording["sentences"]
    if result.level == tree[result.unit_code].level:
        # The report's own unit is the one that must reach the minimum.
        value = catalogue.measures[ind.measure]
        figure = outcome.total
        title, organisation = describe_unit_in_text(tree, result.unit_code), wording["organisation"]
        self_word = render_text(wording["self_word"], unit_title=title, organisation=organisation)
        situation = "chua_dat" if figure is None else _minimum_situation(result, figure)
        return render_text(
            sentences["minimum_self"][situation],
            self_word=self_word,
            value=fmt.format_number(figure) if figure is not None else "—",
            measure_unit=value.unit,
            **common,
        )
    return render_text(
        sentences["minimum_many"][_minimum_situation(result, outcome.actual)],
        reached=fmt.format_number(outcome.actual),
        units=fmt.format_number(outcome.units),
        failing=describe_units(tree, outcome.failing),
        **common,
    )


def _describe_none(result, catalogue, tree, wording, common):
    patterns = wording["sentences"]["none"]
    if result.status is Status.MET:
        return render_text(patterns["dat"], **common)
    failing = result.outcome.failing
    named = describe_units(tree, failing) if failing != (result.unit_code,) else ""
    return render_text(patterns["chua_dat"], actual=fmt.format_number(result.actual), failing=named, **common)


def describe_field_results(
    results: Sequence[Result],
    catalogue: Catalogue,
    tree: OrgTree,
    wording: Mapping[str, Any],
    previous_year: int | None,
) -> list[tuple[str, list[str]]]:
    """(field title, sentences) for each field that has results, in catalogue order."""
    sections = []
    for field in catalogue.fields:
        in_field = [r for r in results if r.indicator.field == field.id]
        if in_field:
            sentences = [describe_result(r, catalogue, tree, wording, previous_year) for r in in_field]
            sections.append((field.title, sentences))
    return sections
