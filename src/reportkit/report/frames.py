"""Frames: a report's figures and results as pandas DataFrames, and the house style for an analyst's
own matplotlib charts.

The report's own objects (`report.results`, `inputs.figures`) hold exact Decimals for judging and
printing; an analyst who wants to sort, pivot or plot needs plain numbers. Every number here is a
float64 column (NaN where the figure or target is missing, never a string); codes and names are
text. What the report prints is unchanged: these are copies for analysis.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..model import ReportInputs, Result
from .metrics import ReportData, compute_report, percent_of_due

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

RESULT_COLUMNS = {
    "indicator": "string",
    "short": "string",
    "name": "string",
    "field": "string",
    "kind": "string",
    "unit": "string",
    "actual": "float64",
    "target": "float64",
    "expected": "float64",
    "percent": "float64",
    "percent_of_due": "float64",
    "last_year": "float64",
    "change": "float64",
    "verdict": "string",
    "verdict_label": "string",
}
UNIT_COLUMNS = {
    "unit_code": "string",
    "unit_name": "string",
    "indicator": "string",
    "name": "string",
    "actual": "float64",
    "target": "float64",
    "percent": "float64",
    "percent_of_due": "float64",
    "verdict": "string",
    "verdict_label": "string",
}
MEASURE_COLUMNS = {
    "unit_code": "string",
    "unit_name": "string",
    "measure": "string",
    "measure_name": "string",
    "value": "float64",
    "is_sample": "bool",
}


def _number(value: Decimal | int | None) -> float:
    return float("nan") if value is None else float(value)


def _frame(rows: Iterable[dict[str, Any]], columns: dict[str, str]) -> pd.DataFrame:
    # Built with the dtypes stated, so an empty frame (no children, no figures) has them too.
    frame = pd.DataFrame(list(rows), columns=list(columns))
    return frame.astype(columns)


def _verdict_label(result: Result, wording: dict) -> str:
    return wording.get("status_label", {}).get(result.status.value, result.status.value)


def results_frame(report: ReportData) -> pd.DataFrame:
    """One row per indicator of the report's unit, in catalogue order.

    Columns: indicator (id), short (the name charts use), name, field, kind (total, share, minimum,
    none), unit, actual, target (a total's yearly target, a share's threshold in %, a minimum's
    number of units), expected (what
    the period requires), percent (of the target), percent_of_due (of what the period requires),
    last_year (the same period last year), change (% for totals, points for shares, else a
    difference), verdict (vuot, dat, chua_dat, khong_chi_tieu, thieu_so_lieu) and verdict_label
    (as the report prints it)."""
    wording = report.inputs.wording
    rows = (
        {
            "indicator": r.indicator.id,
            "short": r.indicator.short,
            "name": r.indicator.name,
            "field": r.indicator.field,
            "kind": r.indicator.kind.value,
            "unit": r.indicator.unit,
            "actual": _number(r.actual),
            "target": _number(r.target),
            "expected": _number(r.expected),
            "percent": _number(r.percent),
            "percent_of_due": _number(percent_of_due(r)),
            "last_year": _number(r.previous.actual if r.previous else None),
            "change": _number(r.change),
            "verdict": r.status.value,
            "verdict_label": _verdict_label(r, wording),
        }
        for r in report.results
    )
    return _frame(rows, RESULT_COLUMNS)


def units_frame(report: ReportData) -> pd.DataFrame:
    """One row per child unit and indicator (long form: pivot it for a table), in tree order.

    The city's report has its districts judged already; for any other report the unit's children
    are judged here, the same way. Columns: unit_code, unit_name, indicator, name, actual, target,
    percent, percent_of_due, verdict, verdict_label (as in results_frame)."""
    children = report.children or compute_report(report.inputs, compare_children=True).children
    tree, wording = report.inputs.tree, report.inputs.wording
    rows = (
        {
            "unit_code": code,
            "unit_name": tree[code].name,
            "indicator": r.indicator.id,
            "name": r.indicator.name,
            "actual": _number(r.actual),
            "target": _number(r.target),
            "percent": _number(r.percent),
            "percent_of_due": _number(percent_of_due(r)),
            "verdict": r.status.value,
            "verdict_label": _verdict_label(r, wording),
        }
        for code, results in children.items()
        for r in results
    )
    return _frame(rows, UNIT_COLUMNS)


def measures_frame(inputs: ReportInputs, last_year: bool = False) -> pd.DataFrame:
    """The figures the report reads (its unit's subtree), one row per unit and measure, in tree
    order: unit_code, unit_name, measure, measure_name, value, is_sample (the row came from sample
    data). `last_year=True` gives the same period last year's instead (empty if there are none)."""
    figures = inputs.previous_figures if last_year else inputs.figures
    measures = inputs.catalogue.measures
    rows = []
    if figures is not None:
        order = {u.code: i for i, u in enumerate(inputs.tree.walk(inputs.unit_code))}
        keys = sorted(figures.values, key=lambda k: (order.get(k[0], len(order)), k[0], k[1]))
        for code, measure in keys:
            rows.append(
                {
                    "unit_code": code,
                    "unit_name": inputs.tree[code].name if code in inputs.tree else "",
                    "measure": measure,
                    "measure_name": measures[measure].name if measure in measures else "",
                    "value": _number(figures.values[(code, measure)]),
                    "is_sample": figures.is_sample_row(code, measure),
                }
            )
    return _frame(rows, MEASURE_COLUMNS)


# ----------------------------------------------------------------- the house chart style

# Greyscale-safe fills, one per data series in drawing order: the report's own status fills
# (charts.STYLE) first, then a mid grey; hatches tell them apart on a grayscale printer.
LINE_STYLES = (("#000000", "-"), ("#555555", "--"), ("#000000", ":"), ("#555555", "-."))
TICK_SIZE = 8


def _series_styles() -> list[dict[str, str]]:
    from .charts import STYLE

    styles = [{"facecolor": s["color"], "hatch": s["hatch"]} for s in STYLE.values()]
    return [*styles, {"facecolor": "#bbbbbb", "hatch": "...."}]


def style_chart(figure: Figure | Axes, recolour: bool = True) -> Figure:
    """Give an analyst's matplotlib chart the report's look: the report font, its sizes, no top or
    right frame, the width of the page's text, and (unless `recolour=False`) bar series and lines in
    fills, hatches and dashes that still read on a grayscale printer. Returns the figure; call it
    just before `plt.show()`."""
    from matplotlib.figure import Figure as MatplotlibFigure
    from matplotlib.text import Text

    from .charts import RC, WIDTH_IN

    fig = figure if isinstance(figure, MatplotlibFigure) else figure.figure
    family = RC["font.family"][0]
    for text in fig.findobj(Text):
        text.set_fontfamily(family)
        text.set_fontsize(min(text.get_fontsize(), RC["font.size"]))
    width, height = fig.get_size_inches()
    if width > WIDTH_IN:
        fig.set_size_inches(WIDTH_IN, height * WIDTH_IN / width)
    for ax in fig.axes:
        _style_axes(ax, recolour)
    return fig


def _style_axes(ax: Axes, recolour: bool) -> None:
    from matplotlib.container import BarContainer

    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.tick_params(labelsize=TICK_SIZE)
    if not recolour:
        return
    styles = _series_styles()
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    for index, container in enumerate(bars):
        for patch in container.patches:
            patch.set(**styles[index % len(styles)], edgecolor="#222222", linewidth=0.6)
    for index, line in enumerate(ax.get_lines()):
        colour, dashes = LINE_STYLES[index % len(LINE_STYLES)]
        line.set(color=colour, linestyle=dashes)
    if ax.get_legend() is not None:
        ax.legend(frameon=False, fontsize=TICK_SIZE)
