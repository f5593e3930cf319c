"""Tables: the appendix, the child units one row each, and the missed targets, as styled HTML tables."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .. import formats as fmt
from ..model import Catalogue, Kind, OrgTree, Result, Status
from .metrics import Standing, percent_of_due
from .narrative import (
    describe_money_unit,
    describe_total_pair,
    describe_unit_in_text,
    describe_year_on_year,
    render_text,
)

STATUS_CLASS = {
    Status.EXCEEDED: "rk-status-vuot",
    Status.MET: "rk-status-dat",
    Status.MISSED: "rk-status-chuadat",
}


def describe_plan(result: Result, wording: Mapping[str, Any]) -> str:
    ind = result.indicator
    if ind.kind is Kind.TOTAL:
        return describe_total_pair(result)[1] if result.target is not None else "—"
    if ind.kind is Kind.SHARE:
        return fmt.format_threshold(ind.threshold)
    if ind.kind is Kind.MINIMUM:
        return fmt.format_number(result.outcome.units)
    return wording["table"]["none_plan"]


def describe_actual(result: Result) -> str:
    if result.actual is None:
        return "—"
    if result.indicator.kind is Kind.SHARE:
        return fmt.format_percent(result.actual)
    if result.indicator.kind is Kind.TOTAL:
        if result.target is not None:
            return describe_total_pair(result)[0]
        if result.indicator.unit == fmt.MONEY_UNIT:
            return fmt.format_money(result.actual, describe_money_unit(result))
    return fmt.format_number(result.actual)


def describe_unit_of_measure(result: Result, wording: Mapping[str, Any]) -> str:
    ind = result.indicator
    if ind.kind is Kind.TOTAL:
        return describe_money_unit(result)
    if ind.kind is Kind.MINIMUM:
        return wording["level_words"].get(result.level, ind.unit)
    return ind.unit


def describe_change_short(result: Result, wording: Mapping[str, Any]) -> str:
    """The change column: "+12,3%", "-0,01%", "-1,3 điểm", "+2", "bằng" (as the sentence says it)."""
    level_word = wording["level_words"].get(result.level, "đơn vị")
    change = describe_year_on_year(result, level_word)
    return change.signed if change is not None else "—"


def build_appendix(results: Sequence[Result], wording: Mapping[str, Any]) -> pd.DataFrame:
    """One row per indicator: STT, Chỉ tiêu, ĐVT, Kế hoạch, Thực hiện, Đạt %, So cùng kỳ, Đánh giá."""
    labels = wording["status_label"]
    rows = [
        [
            str(number),
            r.indicator.short,
            describe_unit_of_measure(r, wording),
            describe_plan(r, wording),
            describe_actual(r),
            fmt.format_percent(r.percent) if r.percent is not None else "—",
            describe_change_short(r, wording),
            labels[r.status.value],
        ]
        for number, r in enumerate(results, start=1)
    ]
    return pd.DataFrame(rows, columns=wording["table"]["columns"])


def _status_classes(frame: pd.DataFrame, statuses: Sequence[Status], columns: Sequence[str]) -> pd.DataFrame:
    classes = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for column in frame.columns:
        if column not in columns:
            classes[column] = "num" if column not in frame.columns[:3] else ""
    for row, status in zip(frame.index, statuses, strict=True):
        for column in columns:
            classes.loc[row, column] = STATUS_CLASS.get(status, "")
    return classes


def render_table(
    frame: pd.DataFrame, classes: pd.DataFrame | None = None, table_id: str = "", css_class: str = "rk-table"
) -> str:
    """A plain bordered table (class rk-table, or as given) with per-cell classes; no index column.

    Cells and headers are escaped: a Styler writes its values into HTML as they are, and unit or
    indicator names come from data files ("A & B", or worse)."""
    styler = frame.style.hide(axis="index").format(escape="html").format_index(escape="html", axis=1)
    if classes is not None:
        styler = styler.set_td_classes(classes)
    return styler.set_table_attributes(f'class="{css_class}"').to_html(table_uuid=table_id or None)


def render_appendix_table(results: Sequence[Result], wording: Mapping[str, Any], table_id: str) -> str:
    frame = build_appendix(results, wording)
    columns = wording["table"]["columns"]
    classes = _status_classes(frame, [r.status for r in results], [columns[5], columns[7]])
    return render_table(frame, classes, table_id)


# Indicator columns per table of units: with the unit's name (a third of the width) they fit the
# A4 text block at the tables' 12 pt, each header wrapping to a few lines.
INDICATORS_PER_TABLE = 6


def build_unit_rows(
    results_by_unit: Mapping[str, Sequence[Result]], catalogue: Catalogue, tree: OrgTree, wording
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per unit (its name, then % of what is due per indicator), and the cells' classes;
    an indicator no unit has a % or a verdict for is left out. Rows, not columns: a hundred units
    make a longer table, never a wider one."""
    codes = list(results_by_unit)
    found = {i.id: [_find(results_by_unit[c], i.id) for c in codes] for i in catalogue.indicators}
    texts = {key: [_cell_text(r, wording) for r in results] for key, results in found.items()}
    shown = [i for i in catalogue.indicators if any(text != "—" for text in texts[i.id])]
    header = [wording["table"]["unit_column"]] + [i.short for i in shown]
    rows = [[tree.title(c)] + [texts[i.id][n] for i in shown] for n, c in enumerate(codes)]
    classes = [[""] + [_cell_class(found[i.id][n]) for i in shown] for n in range(len(codes))]
    return pd.DataFrame(rows, columns=header), pd.DataFrame(classes, columns=header)


def split_evenly(count: int, most: int) -> list[range]:
    """0..count in as few runs of at most `most` as there can be, as even as they can be (103 by 35:
    34, 34, 35; 13 by 6: 4, 4, 5, not 6, 6, 1)."""
    parts = -(-count // most)
    cuts = [n * count // parts for n in range(parts + 1)] if parts else []
    return [range(a, b) for a, b in itertools.pairwise(cuts)]


def split_columns(
    frame: pd.DataFrame, classes: pd.DataFrame, per_table: int = INDICATORS_PER_TABLE
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """The units' table cut into tables of at most `per_table` indicator columns, each starting
    with the units' names."""
    columns = list(frame.columns[1:])
    runs = [[frame.columns[0], *(columns[n] for n in run)] for run in split_evenly(len(columns), per_table)]
    return [(frame[run], classes[run]) for run in runs]


def _find(results: Sequence[Result], indicator_id: str) -> Result | None:
    return next((r for r in results if r.indicator.id == indicator_id), None)


def _cell_class(result: Result | None) -> str:
    return STATUS_CLASS.get(result.status, "num") if result is not None else "num"


def _cell_text(result: Result | None, wording) -> str:
    if result is None:
        return "—"
    due = percent_of_due(result)
    if due is not None:
        return fmt.format_plain(due, 1)
    if result.indicator.kind is Kind.NONE and result.actual is not None:
        return wording["status_label"][result.status.value]
    return "—"


def describe_ranking_bars(standings: Sequence[Standing], tree: OrgTree) -> tuple[list[str], list[str]]:
    """The ranking chart's labels, best first: "1. Quận A" and "9/12 (95,3%)" (targets reached of
    those judged, and the mean % of the total targets that breaks ties)."""
    names = [f"{s.rank}. {tree.title(s.unit_code)}" for s in standings]
    values = [
        f"{s.reached}/{s.judged}"
        + (f" ({fmt.format_percent(s.mean_total_percent)})" if s.mean_total_percent is not None else "")
        for s in standings
    ]
    return names, values


def describe_due_percent(result: Result, wording) -> str:
    """ " (85,0%)": % of what is due by the period; " (chưa có)" for a unit with nothing at all
    (not "0,0%"); nothing where there is no %."""
    due = percent_of_due(result)
    if due is None:
        return ""
    return f" ({wording['table']['missed_nothing'] if due == 0 else fmt.format_percent(due)})"


# A cell of the missed-targets table names at most this many units, the lowest first; the rest
# are counted, so a target a hundred units missed stays a few lines.
MISSED_LISTED = 10


def describe_missed_units(results: Sequence[Result], tree: OrgTree, wording) -> str:
    """ "Quận A (85,0%), huyện B (90,1%)": the units that missed a target, lowest % of what is due
    first (a unit without a % last); past MISSED_LISTED, the lowest ones and how many others. The
    cell starts with a capital, the names after it take their kind word in lower case (ND30)."""
    due = [percent_of_due(r) for r in results]
    order = sorted(range(len(results)), key=lambda n: (due[n] is None, due[n] or 0))
    named = [
        describe_unit_in_text(tree, results[n].unit_code) + describe_due_percent(results[n], wording)
        for n in order
    ]
    if len(named) <= MISSED_LISTED:
        listed = ", ".join(named)
        return listed[:1].upper() + listed[1:]  # the cell's first word
    listed = ", ".join(named[:MISSED_LISTED])
    return render_text(wording["table"]["missed_lowest"], listed=listed, others=len(named) - MISSED_LISTED)


def build_missed_table(
    missed: Mapping[str, Sequence[Result]], catalogue: Catalogue, tree: OrgTree, wording
) -> pd.DataFrame:
    """One row per target some unit missed, in catalogue order: the indicator, how many units
    missed it, and which."""
    shown = [indicator for indicator in catalogue.indicators if indicator.id in missed]
    rows = [
        [i.short, str(len(missed[i.id])), describe_missed_units(missed[i.id], tree, wording)] for i in shown
    ]
    return pd.DataFrame(rows, columns=wording["table"]["missed_columns"])
