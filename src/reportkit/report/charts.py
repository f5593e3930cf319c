"""Charts: print-ready SVG figures with Vietnamese labels that still read in grayscale."""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import matplotlib.pyplot as plt
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.textpath import TextToPath

from .. import formats as fmt
from ..model import Kind, Result, Status
from .fonts import register_with_matplotlib
from .narrative import describe_year_on_year
from .tables import split_evenly

# The A4 text block (210 mm less 30 + 15 mm margins) is 6,5 in. Figures are laid out at this width
# ("constrained" layout keeps the labels inside it), so the page prints them at 100%: a point
# in matplotlib is a point on paper, and no text is drawn under MIN_PT.
WIDTH_IN = 6.3
MIN_PT = 8.5  # bar values, heat map cells; labels and axes are 9 pt
PERCENT_CAP = 150  # longer bars are cut here and labelled with their true value

# Fill, edge and hatch per status: the hatch and the fill's lightness tell the statuses
# apart on a grayscale printer, the colour helps on screen.
STYLE = {
    Status.EXCEEDED: {"color": "#1f5c3a", "hatch": ""},
    Status.MET: {"color": "#7fb38f", "hatch": ""},
    Status.MISSED: {"color": "#ffffff", "hatch": "////"},
}

RC = {
    # The shipped font file, under a name no installed font has (see fonts.py); with
    # svg.fonttype none the SVG names it too, and the page's @font-face supplies it.
    "font.family": [register_with_matplotlib()],
    "font.size": 9,
    "figure.constrained_layout.use": True,
    "svg.fonttype": "none",  # keep text as text: searchable, and drawn in the page's font
    "svg.hashsalt": "reportkit",  # stable ids, so the same data gives the same file
    "hatch.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


# matplotlib measures every label again for each renderer it makes, and savefig makes two per
# figure (one lays the figure out, one draws it): about a quarter of a chart's time went there.
# An SVG renderer measures text with TextToPath at a fixed scale, so a label's size depends on its
# text and font alone, and one memo serves every figure the process draws; the fork server's
# warm-up fills it with the words every report shares. The output is the same to the byte
# (tests/test_charts_text.py).
_TEXT_TO_PATH = TextToPath()


@functools.lru_cache(maxsize=8192)
def _text_size(text: str, prop: FontProperties, ismath: bool | str) -> tuple[float, float, float]:
    return _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath)


def measure_svg_text(renderer: RendererSVG, text: str, prop: FontProperties, ismath: bool | str):
    """RendererSVG.get_text_width_height_descent, remembered for the process."""
    return _text_size(text, prop.copy(), ismath)  # a copy: the caller may change its prop later


RendererSVG.get_text_width_height_descent = measure_svg_text


def measure_labels(texts: Iterable[str]) -> None:
    """Measure `texts` as the charts measure their row and tick labels (the charts' font at its
    size), before a chart needs them: the fork server's warm-up (report/warmup.py)."""
    with plt.rc_context(RC):
        prop = FontProperties()
    for text in texts:
        _text_size(text, prop, False)


def _to_svg(figure: Figure) -> str:
    buffer = io.StringIO()
    # No bbox_inches="tight": it would grow the figure past WIDTH_IN to fit long labels, and the page
    # would then shrink the whole chart, its text with it, to the column's width.
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    svg = buffer.getvalue()
    # The XML prologue and DOCTYPE (which names a w3.org DTD) are not needed inline in HTML.
    return svg[svg.index("<svg") :]


def _bar_style(status: Status) -> dict:
    style = STYLE.get(status, {"color": "#bbbbbb", "hatch": ""})
    return {"facecolor": style["color"], "hatch": style["hatch"], "edgecolor": "#222222", "linewidth": 0.6}


def _legend(ax, labels: Mapping[str, str]) -> None:
    handles = [Patch(label=labels[s.value], **_bar_style(s)) for s in STYLE]
    ax.legend(handles=handles, loc="lower right", frameon=False, fontsize=MIN_PT)


def plot_achievement(
    results: Sequence[Result], labels: Mapping[str, str], axis_label: str, progress: Decimal | None
) -> str | None:
    """Horizontal bars of % of target per indicator, with the 100% line (and the progress line);
    None when no indicator has a figure yet."""
    rows = [r for r in results if r.percent is not None]
    if not rows:
        return None
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.28 * len(rows) + 0.9))
        names = [r.indicator.short for r in rows][::-1]
        for y, result in enumerate(rows[::-1]):
            value = min(float(result.percent), PERCENT_CAP)
            ax.barh(y, value, height=0.62, **_bar_style(result.status))
            ax.text(value + 1.5, y, fmt.format_percent(result.percent), va="center", fontsize=MIN_PT)
        ax.set_yticks(range(len(rows)), names)
        ax.axvline(100, color="#000000", linewidth=0.9)
        if progress is not None and progress < 100:
            ax.axvline(float(progress), color="#000000", linewidth=0.8, linestyle="--")
        ax.set_xlim(0, PERCENT_CAP + 18)
        ax.set_xlabel(axis_label)
        ax.xaxis.set_major_formatter(lambda x, _: fmt.format_plain(x, 0))
        _legend(ax, labels)
        return _to_svg(fig)


def plot_change(results: Sequence[Result], axis_label: str) -> str | None:
    """Bars of the % change from the same period last year, for the total indicators; None if none."""
    # The same description as the sentence and the appendix: the bar's label is its `signed` form.
    described = [(r, describe_year_on_year(r)) for r in results if r.indicator.kind is Kind.TOTAL]
    labelled = [(r, c) for r, c in described if r.change is not None and c is not None]
    if not labelled:
        return None
    rows = [r for r, _ in labelled]
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.32 * len(rows) + 0.9))
        for y, (result, change) in enumerate(labelled[::-1]):
            value = float(result.change)
            ax.barh(y, value, height=0.6, color="#555555" if value >= 0 else "#ffffff",
                    hatch="" if value >= 0 else "\\\\\\\\", edgecolor="#222222", linewidth=0.6)  # fmt: skip
            ax.text(value, y, f" {change.signed} ", va="center",
                    ha="left" if value >= 0 else "right", fontsize=MIN_PT)  # fmt: skip
        ax.set_yticks(range(len(rows)), [r.indicator.short for r in rows][::-1])
        ax.axvline(0, color="#000000", linewidth=0.8)
        low = min(0.0, *(float(r.change) for r in rows))
        high = max(0.0, *(float(r.change) for r in rows))
        pad = max(8.0, (high - low) * 0.25)
        ax.set_xlim(low - (pad if low < 0 else 0), high + pad)
        ax.set_xlabel(axis_label)
        ax.xaxis.set_major_formatter(lambda x, _: fmt.format_plain(x, 0))
        return _to_svg(fig)


# A ranking of a hundred units is drawn as several figures of at most this many bars, each a
# page or less at BAR_PITCH_IN a bar, its labels at 9 pt: never one figure shrunk to fit.
BARS_PER_FIGURE = 35
BAR_PITCH_IN = 0.24


def plot_ranking(
    names: Sequence[str], reached: Sequence[int], judged: Sequence[int], values: Sequence[str], axis: str
) -> list[str]:
    """Targets reached per unit, in the order given (best first), each bar inside an outline as
    long as the targets judged and labelled with `values`; one figure per BARS_PER_FIGURE units or
    fewer, all on the same scale. No figure when no target could be judged yet."""
    if not any(judged):
        return []
    bars = list(zip(names, reached, judged, values, strict=True))
    top = max(judged)
    return [
        _plot_ranking_part([bars[n] for n in run], axis, top)
        for run in split_evenly(len(bars), BARS_PER_FIGURE)
    ]


def _plot_ranking_part(bars: Sequence[tuple[str, int, int, str]], axis_label: str, top: int) -> str:
    names, reached, judged, values = zip(*bars, strict=True)
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, BAR_PITCH_IN * len(names) + 0.8))
        ys = list(range(len(names)))[::-1]
        ax.barh(ys, judged, height=0.64, color="#ffffff", edgecolor="#222222", linewidth=0.6)
        ax.barh(ys, reached, height=0.64, color="#555555", edgecolor="#222222", linewidth=0.6)
        for y, total, value in zip(ys, judged, values, strict=True):
            ax.text(total + top * 0.02, y, value, va="center", fontsize=MIN_PT)
        ax.set_yticks(ys, names)
        ax.set_ylim(-0.6, len(names) - 0.4)
        # Room on the right for the longest label ("12/12 (100,0%)") after a full bar.
        ax.set_xlim(0, top * 1.45)
        ax.set_xticks(range(0, top + 1, max(1, -(-top // 8))))
        ax.set_xlabel(axis_label)
        return _to_svg(fig)
