"""Tables: the appendix, the districts side by side and the ranking, as styled HTML tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from .. import formats as fmt
from ..model import Catalogue, Kind, OrgTree, Result, Status
from .metrics import Standing, percent_of_due
from .narrative import describe_money_unit, describe_total_pair, describe_year_on_year, render_text

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


def render_table(frame: pd.DataFrame, classes: pd.DataFrame | None = None, table_id: str = "") -> str:
    """A plain bordered table (class rk-table) with per-cell classes; no index column.

    Cells and headers are escaped: a Styler writes its values into HTML as they are, and unit or
    indicator names come from data files ("A & B", or worse)."""
    styler = frame.style.hide(axis="index").format(escape="html").format_index(escape="html", axis=1)
    if classes is not None:
        styler = styler.set_td_classes(classes)
    return styler.set_table_attributes('class="rk-table"').to_html(table_uuid=table_id or None)


def render_appendix_table(results: Sequence[Result], wording: Mapping[str, Any], table_id: str) -> str:
    frame = build_appendix(results, wording)
    columns = wording["table"]["columns"]
    classes = _status_classes(frame, [r.status for r in results], [columns[5], columns[7]])
    return render_table(frame, classes, table_id)


def build_side_by_side(
    results_by_unit: Mapping[str, Sequence[Result]], catalogue: Catalogue, tree: OrgTree, wording
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Indicators down, districts across, % of target in each cell; and the cells' classes."""
    codes = list(results_by_unit)
    header = [wording["table"]["indicator_column"]] + [tree[c].name for c in codes]
    rows, classes = [], []
    for indicator in catalogue.indicators:
        by_unit = [_find(results_by_unit[c], indicator.id) for c in codes]
        if all(r is None for r in by_unit):
            continue
        rows.append([indicator.short] + [_cell_text(r, wording) for r in by_unit])
        classes.append([""] + [STATUS_CLASS.get(r.status, "num") if r else "num" for r in by_unit])
    frame = pd.DataFrame(rows, columns=header)
    return frame, pd.DataFrame(classes, columns=header)


def _find(results: Sequence[Result], indicator_id: str) -> Result | None:
    return next((r for r in results if r.indicator.id == indicator_id), None)


def _cell_text(result: Result | None, wording) -> str:
    if result is None:
        return "—"
    due = percent_of_due(result)
    if due is not None:
        return fmt.format_plain(due, 1)
    if result.indicator.kind is Kind.NONE and result.actual is not None:
        return wording["status_label"][result.status.value]
    return "—"


def build_ranking(standings: Sequence[Standing], tree: OrgTree, wording) -> pd.DataFrame:
    rows = [
        [
            str(s.rank),
            tree.title(s.unit_code),
            f"{s.reached}/{s.judged}",
            fmt.format_percent(s.mean_total_percent) if s.mean_total_percent is not None else "—",
        ]
        for s in standings
    ]
    return pd.DataFrame(rows, columns=wording["table"]["ranking_columns"])


def describe_heatmap(
    results_by_unit: Mapping[str, Sequence[Result]], catalogue: Catalogue, tree: OrgTree
) -> tuple[list[list[Decimal | None]], list[str], list[str]]:
    """The % matrix for the heat map: indicators with a % down, districts across."""
    codes = list(results_by_unit)
    matrix, row_labels = [], []
    for indicator in catalogue.indicators:
        cells = [_find(results_by_unit[c], indicator.id) for c in codes]
        values = [percent_of_due(r) if r is not None else None for r in cells]
        if any(v is not None for v in values):
            matrix.append(values)
            row_labels.append(indicator.short)
    return matrix, row_labels, [tree[c].name for c in codes]


def describe_due_percent(result: Result) -> str:
    """ " (85,0%)": % of what is due by the period, or nothing where there is none."""
    due = percent_of_due(result)
    return f" ({fmt.format_percent(due)})" if due is not None else ""


def describe_missed_rows(
    missed: Mapping[str, Sequence[Result]], catalogue: Catalogue, tree: OrgTree, wording
) -> list[str]:
    """ "<chỉ tiêu>: Quận A (85,0%), Huyện B (90,1%)." for each target some unit missed (% of what
    is due by the period, as in the side-by-side table)."""
    lines = []
    for indicator in catalogue.indicators:
        if indicator.id not in missed:
            continue
        units = ", ".join(tree.title(r.unit_code) + describe_due_percent(r) for r in missed[indicator.id])
        lines.append(render_text(wording["table"]["missed_row"], short=indicator.short, units=units))
    return lines
