"""Document: assemble the report's HTML blocks (header, results, districts, appendix, closing)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import mistune
import nh3

from .. import formats as fmt
from ..model import ReportInputs, Status
from . import charts, tables
from .metrics import ReportData, percent_of_due
from .narrative import describe_field_results, render_text

FRAGMENTS = Path(__file__).resolve().parents[1] / "templates" / "fragments"


@functools.cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(FRAGMENTS),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(name: str, **values: Any) -> str:
    return _templates().get_template(name).render(**values)


def show(html: str) -> None:
    """Display an HTML block as a notebook output (the notebooks' only display call). Outside a
    build (in JupyterLab) the header brings the report's print styles, which the built page has in
    its <head>."""
    from IPython.display import HTML, display

    from .lab import in_build, preview_html

    display(HTML(html if in_build() else preview_html(html)))


def report_date(inputs: ReportInputs) -> dt.date:
    given = inputs.params.get("report_date")
    if given:
        return dt.date.fromisoformat(str(given))
    return inputs.period.report_date or dt.date(inputs.period.year, 12, 31)


def _previous_year(inputs: ReportInputs) -> int | None:
    return inputs.previous_period.year if inputs.previous_period else None


def _sample_notes(report: ReportData) -> list[str]:
    wording = report.inputs.wording["sample"]
    notes = [wording["note"]] if report.inputs.figures.is_sample else []
    if any(r.target_basis == "sample" for r in report.results):
        notes.append(wording["targets_note"])
    return notes


def render_header(report: ReportData) -> str:
    """The two header blocks, the title and the opening paragraph."""
    inputs, words = report.inputs, report.inputs.wording
    header, title = words["header"], words["title"]
    unit_title = inputs.tree.title(inputs.unit_code)
    place = inputs.params.get("place") or inputs.tree[inputs.unit_code].name
    year = inputs.period.year
    review = inputs.period.review
    return _render(
        "header.html.j2",
        sample=inputs.figures.is_sample,
        sample_mark=words["sample"]["mark"],
        draft=describe_draft(inputs),
        organisation=header["organisation"],
        committee=[render_text(line, unit_title=unit_title) for line in header["committee"]],
        number=render_text(
            header["number"],
            number=inputs.params.get("doc_number", ""),
            symbol=inputs.params.get("doc_symbol", "BC/HND"),
        ),
        nation=header["nation"],
        motto=header["motto"],
        date_line=fmt.format_date_line(place, report_date(inputs)),
        title=title[review],
        title_line=render_text(title[f"{review}_line"], year=year),
        theme=render_text(title["theme"], theme=" ".join(str(inputs.catalogue.plan["theme"]).split())),
        intro=render_text(
            words["intro"],
            year=year,
            unit_title=unit_title,
            review_word=words["review_word"][review],
            period_label=inputs.period.label,
        ),
        notes=_sample_notes(report),
    )


def _progress_percent(inputs: ReportInputs) -> Decimal:
    progress = inputs.period.progress
    return Decimal(progress.numerator * 100) / Decimal(progress.denominator)


def _progress_notes(inputs: ReportInputs) -> list[str]:
    """A six-month review judges totals against part of the year's target: say so."""
    if inputs.period.progress >= 1:
        return []
    progress = fmt.format_percent(_progress_percent(inputs), 0)
    return [render_text(inputs.wording["sentences"]["progress_note"], progress=progress)]


def _due_notes(inputs: ReportInputs) -> list[str]:
    """A six-month review compares units on what is due by the period, not on the year: say so."""
    if inputs.period.progress >= 1:
        return []
    progress = fmt.format_percent(_progress_percent(inputs), 0)
    return [render_text(inputs.wording["sentences"]["due_note"], progress=progress)]


def _caption(words: Mapping[str, Any], number: int, title: str) -> str:
    return render_text(words["charts"]["caption"], number=number, title=title)


def render_results(report: ReportData, first_chart: int = 1) -> str:
    """Section I: field by field, one sentence per indicator, with two charts."""
    inputs, words = report.inputs, report.inputs.wording
    chart_words = words["charts"]
    progress_percent = _progress_percent(inputs)
    labels = chart_words["legend"]
    overview = charts.plot_achievement(
        report.results, labels, chart_words["achievement_axis"], progress_percent
    )
    year = _previous_year(inputs)
    change = charts.plot_change(report.results, chart_words["change_axis"]) if year else None
    return _render(
        "results.html.j2",
        heading=words["sections"]["results"],
        overview=overview,
        overview_caption=_caption(words, first_chart, chart_words["achievement_title"]),
        fields=describe_field_results(report.results, inputs.catalogue, inputs.tree, words, year),
        change_chart=change,
        change_caption=_caption(
            words, first_chart + (1 if overview else 0), render_text(chart_words["change_title"], year=year)
        )
        if change
        else "",
        notes=_progress_notes(inputs),
    )


def render_districts(report: ReportData, first_chart: int = 3) -> str:
    """The city report's comparison: side by side, ranking, heat map, missed targets, summaries."""
    inputs, words = report.inputs, report.inputs.wording
    tree, catalogue, sections = inputs.tree, inputs.catalogue, words["sections"]
    side, side_classes = tables.build_side_by_side(report.children, catalogue, tree, words)
    ranking = tables.build_ranking(report.ranking, tree, words)
    matrix, rows, columns = tables.describe_heatmap(report.children, catalogue, tree)
    return _render(
        "districts.html.j2",
        heading=sections["districts"],
        judged=any(s.judged for s in report.ranking),
        no_data=words["table"]["no_data"],
        notes=_due_notes(inputs),
        side_heading=sections["side_by_side"],
        side_table=tables.render_table(side, side_classes, "side-by-side"),
        ranking_heading=sections["ranking"],
        ranking_table=tables.render_table(ranking, None, "ranking"),
        ranking_note=words["table"]["ranking_note"],
        ranking_chart=charts.plot_ranking(
            [tree[s.unit_code].name for s in report.ranking],
            [s.reached for s in report.ranking],
            [s.judged for s in report.ranking],
            words["charts"]["ranking_axis"],
        ),
        ranking_caption=_caption(words, first_chart, words["charts"]["ranking_title"]),
        heatmap_heading=sections["heatmap"],
        heatmap=charts.plot_heatmap(matrix, rows, columns),
        heatmap_caption=_caption(words, first_chart + 1, words["charts"]["heatmap_title"]),
        missed_heading=sections["missed"],
        missed=tables.describe_missed_rows(report.missed, catalogue, tree, words),
        none_missed=words["table"]["none_missed"],
        summaries_heading=sections["district_summaries"],
        summaries=describe_child_summaries(report),
    )


SUMMARY_LOWEST = 3  # a summary names only the few targets furthest from reach


def describe_child_summaries(report: ReportData) -> list[str]:
    """One line per child unit, in tree order: rank, targets reached, the lowest missed ones."""
    inputs, words = report.inputs, report.inputs.wording
    standings = {s.unit_code: s for s in report.ranking}
    lines = []
    for code, results in report.children.items():
        standing = standings[code]
        if not standing.judged:
            no_data = words["table"]["district_no_data"]
            lines.append(render_text(no_data, unit_title=inputs.tree.title(code)))
            continue
        missed = [r for r in results if r.status is Status.MISSED]
        # Lowest of what is due by the period: a six-month total at 45% of its year is not "lower"
        # than a share at 90% of its threshold.
        due = {id(r): percent_of_due(r) for r in missed}
        lowest = sorted(missed, key=lambda r: due[id(r)] if due[id(r)] is not None else Decimal(-1))
        named = [r.indicator.short + tables.describe_due_percent(r) for r in lowest[:SUMMARY_LOWEST]]
        lines.append(
            render_text(
                words["table"]["district_summary"],
                unit_title=inputs.tree.title(code),
                rank=standing.rank,
                units=len(standings),
                reached=standing.reached,
                judged=standing.judged,
                missed_count=len(missed),
                missed="; ".join(named),
            )
        )
    return lines


@dataclass(frozen=True)
class AnalystSection:
    heading: str
    html: str


# Which of the analyst's "## ..." headings feeds which report section.
SECTION_KEYS = {"assessment": "đánh giá", "directions": "phương hướng", "proposals": "kiến nghị"}


def split_analyst_markdown(markdown: str | None) -> dict[str, str]:
    """The analyst's file cut at its level-2 headings, keyed by report section."""
    parts: dict[str, str] = {}
    if not markdown:
        return parts
    for chunk in re.split(r"(?m)^## ", markdown)[1:]:
        heading, _, body = chunk.partition("\n")
        for key, word in SECTION_KEYS.items():
            if word in heading.lower() and body.strip():
                parts[key] = body.strip()
    return parts


ANALYST_TAGS = {"p", "ul", "ol", "li", "strong", "em", "h3", "h4", "br", "blockquote"}
ANALYST_TAGS |= {"table", "thead", "tbody", "tr", "th", "td"}


def render_markdown(markdown: str) -> str:
    """Markdown to HTML, sanitised: the analyst's file must not inject scripts or links out."""
    html = mistune.html(markdown)
    return nh3.clean(html, tags=ANALYST_TAGS, attributes={})


def missing_sections(inputs: ReportInputs) -> list[str]:
    """The headings of sections II-IV the analyst has not written yet (printed as placeholders)."""
    parts = split_analyst_markdown(inputs.analyst_markdown)
    return [inputs.wording["sections"][key] for key in SECTION_KEYS if key not in parts]


@dataclass(frozen=True)
class Draft:
    """A report with a placeholder section: what is missing and the file to write it in."""

    mark: str
    sections: str
    path: str


def describe_draft(inputs: ReportInputs) -> Draft | None:
    """The draft mark the page carries (and the build reads back), or None for a finished report."""
    missing = missing_sections(inputs)
    if not missing:
        return None
    return Draft(inputs.wording["draft"]["mark"], "; ".join(missing), inputs.analyst_path)


def render_analyst_sections(report: ReportData) -> str:
    """Sections II-IV from params/narrative/<period>/<unit>.md, or marked placeholders."""
    inputs, words = report.inputs, report.inputs.wording
    parts = split_analyst_markdown(inputs.analyst_markdown)
    sections = [
        AnalystSection(words["sections"][key], render_markdown(parts[key]) if key in parts else "")
        for key in SECTION_KEYS
    ]
    return _render(
        "analyst.html.j2",
        sections=sections,
        placeholder=render_text(words["placeholder"], path=inputs.analyst_path),
    )


def render_appendix(report: ReportData) -> str:
    inputs, words = report.inputs, report.inputs.wording
    return _render(
        "table.html.j2",
        heading=words["sections"]["appendix"],
        subheading=inputs.tree.title(inputs.unit_code) + " - " + inputs.period.label,
        table=tables.render_appendix_table(report.results, words, "appendix"),
        notes=_progress_notes(inputs),
    )


def render_closing(report: ReportData) -> str:
    inputs, closing = report.inputs, report.inputs.wording["closing"]
    return _render(
        "closing.html.j2",
        recipients_title=closing["recipients_title"],
        recipients=list(inputs.params.get("recipients") or []),
        on_behalf=closing["on_behalf"],
        position=closing["position"],
        signer=inputs.params.get("signer_name", ""),
        unsigned=closing["unsigned"],
    )
