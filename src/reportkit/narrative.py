"""Narrative: Vietnamese sentences describing each judged indicator, worded from data (pure)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import jinja2

from . import formats as fmt
from .model import Catalogue, Kind, OrgTree, Result, Status

MAX_NAMED_UNITS = 12  # beyond this a list of units reads as noise; the appendix has the rest


@functools.cache
def _environment() -> jinja2.Environment:
    # Plain text out: escaping happens once, where the text is put into HTML.
    return jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)


def render_text(template: str, **values: Any) -> str:
    """Fill one wording template; whitespace from folded YAML lines is collapsed."""
    text = _environment().from_string(template).render(**values)
    return " ".join(text.split())


def describe_units(tree: OrgTree, codes: Sequence[str]) -> str:
    """ "Phường A, Xã B và 3 đơn vị khác"."""
    names = [tree.title(code) for code in codes[:MAX_NAMED_UNITS]]
    rest = len(codes) - len(names)
    return ", ".join(names) + (f" và {rest} đơn vị khác" if rest > 0 else "")


def describe_value(result: Result, value: Decimal, scale: str | None = None) -> str:
    """A total's figure in its unit's style: money in tỷ/triệu đồng, counts with dots."""
    if result.indicator.unit == "triệu đồng":
        return fmt.format_money(value, scale)
    return fmt.format_number(value)


def describe_change(result: Result, wording: Mapping[str, Any], year: int | None) -> str:
    """The clause about the same period last year, empty when there is no such period."""
    if year is None:
        return ""
    sentences = wording["sentences"]
    if result.change is None:
        if result.previous is None or result.previous.actual is None:
            return render_text(sentences["change_unavailable"], year=year)
        return ""
    kind = result.indicator.kind
    if kind is Kind.TOTAL:
        change = fmt.format_signed_percent(result.change)
    elif kind is Kind.SHARE:
        change = fmt.format_signed_points(result.change)
    elif kind is Kind.NONE:
        change = fmt.format_signed_count(result.change, result.indicator.unit)
    else:
        change = fmt.format_signed_count(result.change, _level_word(result, wording))
    key = "change_same" if change == fmt.SAME else "change"
    return render_text(sentences[key], year=year, change=change)


def _level_word(result: Result, wording: Mapping[str, Any]) -> str:
    return wording["level_words"].get(result.level, "đơn vị")


def describe_result(
    result: Result,
    catalogue: Catalogue,
    tree: OrgTree,
    wording: Mapping[str, Any],
    previous_year: int | None,
) -> str:
    """One sentence for one indicator, e.g. "Phát triển mới 3.120/5.620 hội viên, đạt …"."""
    sentences = wording["sentences"]
    ind = result.indicator
    if result.status is Status.NO_DATA:
        return render_text(
            sentences["no_data"], short=ind.short, missing=describe_units(tree, result.outcome.missing)
        )
    common = {
        "lead": ind.lead,
        "status": wording["status"][result.status.value],
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


def _describe_total(result, catalogue, tree, wording, common):
    ind, sentences = result.indicator, wording["sentences"]
    unit = ind.unit
    if ind.unit == "triệu đồng":
        unit = fmt.money_scale(result.actual, result.target)
    actual = describe_value(result, result.actual, unit)
    if result.target is None:
        return render_text(sentences["total_no_target"], actual=actual, unit=unit, **common)
    return render_text(
        sentences["total"],
        actual=actual,
        target=describe_value(result, result.target, unit),
        unit=unit,
        percent=fmt.format_percent(result.percent),
        **common,
    )


def _describe_share(result, catalogue, tree, wording, common):
    ind, outcome, sentences = result.indicator, result.outcome, wording["sentences"]
    if not outcome.denominator:
        return render_text(sentences["share_empty"], **common)
    return render_text(
        sentences["share"],
        numerator=fmt.format_number(outcome.numerator),
        denominator=fmt.format_number(outcome.denominator),
        unit=catalogue.measures[ind.denominator].unit,
        ratio=fmt.format_percent(outcome.actual),
        threshold=fmt.format_threshold(ind.threshold),
        **common,
    )


def _describe_minimum(result, catalogue, tree, wording, common):
    ind, outcome, sentences = result.indicator, result.outcome, wording["sentences"]
    if result.level == tree[result.unit_code].level:
        # The report's own unit is the one that must reach the minimum.
        value = catalogue.measures[ind.measure]
        figure = outcome.total
        self_word = render_text(wording["self_word"], unit_title=tree.title(result.unit_code))
        return render_text(
            sentences["minimum_self"],
            self_word=self_word,
            value=fmt.format_number(figure) if figure is not None else "—",
            measure_unit=value.unit,
            **common,
        )
    return render_text(
        sentences["minimum_many"],
        reached=fmt.format_number(outcome.actual),
        units=fmt.format_number(outcome.units),
        failing=describe_units(tree, outcome.failing),
        **common,
    )


def _describe_none(result, catalogue, tree, wording, common):
    sentences = wording["sentences"]
    if result.status is Status.MET:
        return render_text(sentences["none_zero"], **common)
    failing = result.outcome.failing
    named = describe_units(tree, failing) if failing != (result.unit_code,) else ""
    return render_text(
        sentences["none_some"], actual=fmt.format_number(result.actual), failing=named, **common
    )


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
