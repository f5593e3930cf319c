"""Document: assemble the report's HTML blocks (header, results, districts, appendix, closing)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import mistune
import nh3

from .. import formats as fmt
from ..errors import DataError
from ..model import ReportInputs
from ..vntext import lower_first
from . import charts, tables
from .metrics import ReportData
from .narrative import describe_result, render_text

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


def describe_level_words(inputs: ReportInputs) -> dict[str, str]:
    """The level words the wording names, from the period's levels file: child_* for the level of
    the units this report compares, submitter_* for the level that fills in the templates,
    member_* for the level below that one (blank when there is none)."""
    levels = inputs.tree.levels
    return levels.placeholders(
        child=inputs.tree.child_level(inputs.unit_code), submitter=levels.submits, member=levels.members()
    )


def _words(inputs: ReportInputs, text: str, **values: Any) -> str:
    """A wording template filled with the report's level words (and any other values)."""
    return render_text(text, **describe_level_words(inputs), **values)


def _sample_notes(report: ReportData) -> list[str]:
    wording = report.inputs.wording["sample"]
    notes = [wording["note"]] if report.inputs.figures.is_sample else []
    if any(r.target_basis == "sample" for r in report.results):
        notes.append(_words(report.inputs, wording["targets_note"]))
    return notes


def describe_plan_reference(inputs: ReportInputs) -> tuple[str, str]:
    """The plan's number and date as the opening cites them ("12-KH/HNDT", "10/01/2022"), from the
    catalogue's `plan:`; "" for what it does not give (the opening leaves it out, never makes one up)."""
    plan = inputs.catalogue.plan
    number = str(plan.get("number") or "").strip()
    date = plan.get("date")
    if isinstance(date, str) and date.strip():
        date = dt.date.fromisoformat(date.strip())
    return number, date.strftime("%d/%m/%Y") if isinstance(date, dt.date) else ""


def _document_symbol(inputs: ReportInputs) -> str:
    return inputs.params.get("doc_symbol") or inputs.wording["organisation"]["document_symbol"]


def render_header(report: ReportData) -> str:
    """The two header blocks, the title and the opening paragraph."""
    inputs, words = report.inputs, report.inputs.wording
    header, title, organisation = words["header"], words["title"], words["organisation"]
    unit_title = inputs.tree.title(inputs.unit_code)
    plan_number, plan_date = describe_plan_reference(inputs)
    place = inputs.params.get("place") or inputs.tree[inputs.unit_code].name
    year = inputs.period.year
    review = inputs.period.review
    return _render(
        "header.html.j2",
        sample=inputs.figures.is_sample,
        sample_mark=words["sample"]["mark"],
        draft=describe_draft(report),
        organisation=render_text(header["organisation"], organisation=organisation),
        committee=[
            render_text(line, unit_title=unit_title, organisation=organisation)
            for line in header["committee"]
        ],
        number=render_text(
            header["number"],
            number=inputs.params.get("doc_number", ""),
            symbol=_document_symbol(inputs),
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
            unit_title=lower_first(unit_title),
            organisation=organisation,
            plan_number=plan_number,
            plan_date=plan_date,
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


def number_figure(report: ReportData, key: str) -> int:
    """The number of the chart `key`: the next one the first time it is shown, the same one after
    (a notebook cell run twice in JupyterLab does not renumber it)."""
    return report.figure_numbers.setdefault(key, len(report.figure_numbers) + 1)


def _caption(report: ReportData, key: str, title: str) -> str:
    number = number_figure(report, key)
    return render_text(report.inputs.wording["charts"]["caption"], number=number, title=title)


# The parts whose heading is a cell of its own (the others' render_* print their heading).
PART_HEADINGS = ("results",)
ROMAN_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def describe_part_headings(report: ReportData) -> dict[str, str]:
    """Each part's heading with its Roman numeral, in the order the report prints the parts: the
    results, the units compared (a report that compares its units), then sections II-IV's three."""
    inputs, words = report.inputs, report.inputs.wording
    order = ["results", *(["districts"] if report.children else []), *SECTION_KEYS]
    return {
        key: render_text(
            words["part_heading"], numeral=ROMAN_NUMERALS[n], heading=_words(inputs, words["sections"][key])
        )
        for n, key in enumerate(order)
    }


def render_part_heading(report: ReportData, part: str) -> str:
    """A part's heading ("I. KẾT QUẢ …") as a cell of its own, so the analyst's cells can follow it."""
    if part not in PART_HEADINGS:
        raise DataError(f"Không có phần {part!r} trong báo cáo; các phần: {', '.join(PART_HEADINGS)}.")
    return _render("part.html.j2", heading=describe_part_headings(report)[part])


def describe_results_sections(report: ReportData) -> dict[str, tuple[int, str, list[str]]]:
    """Per catalogue field that has results: (its number in section I, title, sentences).
    Fields without results are left out and not numbered, as in describe_field_results."""
    if not report.sections:
        report.sections.update(_describe_results_sections(report))
    return report.sections


def _describe_results_sections(report: ReportData) -> dict[str, tuple[int, str, list[str]]]:
    inputs = report.inputs
    year = _previous_year(inputs)
    sections = {}
    for field in inputs.catalogue.fields:
        in_field = [r for r in report.results if r.indicator.field == field.id]
        if in_field:
            sentences = [
                describe_result(r, inputs.catalogue, inputs.tree, inputs.wording, year) for r in in_field
            ]
            sections[field.id] = (len(sections) + 1, field.title, sentences)
    return sections


def render_results_section(report: ReportData, field: str) -> str:
    """One field of section I ("1. Công tác tuyên truyền, giáo dục" and its sentences), by the
    catalogue's field id; empty when the unit has no indicator in that field this period."""
    known = [f.id for f in report.inputs.catalogue.fields]
    if field not in known:
        # A cell naming a field the period's catalogue dropped must fail loudly, not print nothing.
        raise DataError(f"Danh mục chỉ tiêu không có lĩnh vực {field!r}; các lĩnh vực: {', '.join(known)}.")
    report.shown_fields.add(field)
    section = describe_results_sections(report).get(field)
    if section is None:
        return ""
    return _render_field(*section)


def check_fields_shown(report: ReportData) -> None:
    """Refuse a report whose notebook printed no cell for a field that has results: a field added
    to the catalogue would otherwise reach the committee in the appendix only. A cell tagged
    `remove-cell` still runs, so a section hidden on purpose passes."""
    missing = [field for field in describe_results_sections(report) if field not in report.shown_fields]
    if missing:
        cells = "; ".join(f'rk.show(rk.render_results_section(report, "{field}"))' for field in missing)
        raise DataError(
            f"Sổ tay chưa có ô nào in lĩnh vực {', '.join(missing)} của danh mục chỉ tiêu. "
            f"Thêm ô vào phần I: {cells} (gắn thẻ remove-cell nếu muốn ẩn lĩnh vực)."
        )


def _render_field(number: int, title: str, sentences: list[str]) -> str:
    return _render("field.html.j2", number=number, title=title, sentences=sentences)


def render_charts(report: ReportData) -> str:
    """Section I's two charts (achievement, change on last year) and its closing notes."""
    inputs, words = report.inputs, report.inputs.wording
    chart_words = words["charts"]
    overview = charts.plot_achievement(
        report.results, chart_words["legend"], chart_words["achievement_axis"], _progress_percent(inputs)
    )
    year = _previous_year(inputs)
    change = charts.plot_change(report.results, chart_words["change_axis"]) if year else None
    overview_title = chart_words["achievement_title"]
    change_title = render_text(chart_words["change_title"], year=year)
    return _render(
        "charts.html.j2",
        overview=overview,
        overview_caption=_caption(report, "achievement", overview_title) if overview else "",
        change_chart=change,
        change_caption=_caption(report, "change", change_title) if change else "",
        notes=_progress_notes(inputs),
    )


def render_results(report: ReportData) -> str:
    """Section I whole: its heading, field by field, one sentence per indicator, with two charts
    (the notebooks show the same pieces one cell each)."""
    sections = describe_results_sections(report)
    report.shown_fields.update(sections)
    fields = [_render_field(*section) for section in sections.values()]
    pieces = [render_part_heading(report, "results"), *fields, render_charts(report)]
    return "".join(pieces)


def render_districts(report: ReportData) -> str:
    """The city report's comparison of its units, each thing once: a table with a row per unit,
    the ranking as a chart, and the targets missed with the units that missed them."""
    inputs, words = report.inputs, report.inputs.wording
    tree, catalogue = inputs.tree, inputs.catalogue
    sections = {key: _words(inputs, text) for key, text in words["sections"].items() if isinstance(text, str)}
    frame, classes = tables.build_unit_rows(report.children, catalogue, tree, words)
    names, values = tables.describe_ranking_bars(report.ranking, tree)
    reached = [s.reached for s in report.ranking]
    judged = [s.judged for s in report.ranking]
    ranking = charts.plot_ranking(names, reached, judged, values, words["charts"]["ranking_axis"])
    ranking_title = _words(inputs, words["charts"]["ranking_title"])
    missed = tables.build_missed_table(report.missed, catalogue, tree, words)
    return _render(
        "districts.html.j2",
        heading=describe_part_headings(report)["districts"],
        judged=any(judged),
        no_data=words["table"]["no_data"],
        notes=_due_notes(inputs),
        units_heading=sections["side_by_side"],
        unit_tables=[
            tables.render_table(part, part_classes, f"units-{n}", "rk-table rk-units")
            for n, (part, part_classes) in enumerate(tables.split_columns(frame, classes), start=1)
        ],
        ranking_heading=sections["ranking"],
        ranking_note=words["table"]["ranking_note"],
        ranking_charts=ranking,
        ranking_captions=describe_part_captions(report, "ranking", ranking_title, len(ranking)),
        missed_heading=sections["missed"],
        missed_table=tables.render_table(missed, None, "missed", "rk-table rk-missed") if len(missed) else "",
        none_missed=words["table"]["none_missed"],
    )


def describe_part_captions(report: ReportData, key: str, title: str, parts: int) -> list[str]:
    """The captions of a chart drawn as `parts` figures: one number for all ("Biểu đồ 3 (phần 1/3).
    …"), the part only when there are several."""
    if parts < 2:
        return [_caption(report, key, title)] * parts
    number = number_figure(report, key)
    template = report.inputs.wording["charts"]["caption_part"]
    return [
        render_text(template, number=number, part=part, parts=parts, title=title)
        for part in range(1, parts + 1)
    ]


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


def missing_sections(report: ReportData) -> list[str]:
    """The headings of sections II-IV the analyst has not written yet (printed as placeholders),
    numbered as the report prints them."""
    parts = split_analyst_markdown(report.inputs.analyst_markdown)
    headings = describe_part_headings(report)
    return [headings[key] for key in SECTION_KEYS if key not in parts]


@dataclass(frozen=True)
class Draft:
    """A report with a placeholder section: what is missing and the file to write it in."""

    mark: str
    sections: str
    path: str


def describe_draft(report: ReportData) -> Draft | None:
    """The draft mark the page carries (and the build reads back), or None for a finished report."""
    inputs = report.inputs
    missing = missing_sections(report)
    if not missing:
        return None
    return Draft(inputs.wording["draft"]["mark"], "; ".join(missing), inputs.analyst_path)


# The analyst's sections by their number in the report.
ANALYST_NUMERALS = {"II": "assessment", "III": "directions", "IV": "proposals"}


def render_analyst_section(report: ReportData, section: str) -> str:
    """One of sections II-IV ("II", "III", "IV", or "assessment", "directions", "proposals") from
    params/narrative/<period>/<unit>.md, or its marked placeholder. The numerals name the analyst's
    file's sections; the printed heading takes the part's place in the report (the city's, after its
    units' part II, are III-V: describe_part_headings)."""
    key = ANALYST_NUMERALS.get(section, section)
    if key not in SECTION_KEYS:
        raise DataError(f"Không có phần {section!r}; các phần: {', '.join(ANALYST_NUMERALS)}.")
    inputs, words = report.inputs, report.inputs.wording
    parts = split_analyst_markdown(inputs.analyst_markdown)
    html = render_markdown(parts[key]) if key in parts else ""
    return _render(
        "analyst.html.j2",
        sections=[AnalystSection(describe_part_headings(report)[key], html)],
        placeholder=render_text(words["placeholder"], path=inputs.analyst_path),
    )


def render_analyst_sections(report: ReportData) -> str:
    """Sections II-IV whole (the notebooks show them one cell each)."""
    return "".join(render_analyst_section(report, numeral) for numeral in ANALYST_NUMERALS)


def describe_attachment(inputs: ReportInputs) -> str:
    """The appendix's attachment line (ND30): "(Kèm theo Báo cáo số …-BC/HNDT ngày 15 tháng 12 năm
    2022 của Ban Thường vụ Hội Nông dân thành phố Cần Thơ)", from the report's own number, symbol,
    date and unit."""
    return render_text(
        inputs.wording["attachment"],
        number=inputs.params.get("doc_number", ""),
        symbol=_document_symbol(inputs),
        date=fmt.format_date_numbers(report_date(inputs)),
        organisation=inputs.wording["organisation"],
        unit_title=lower_first(inputs.tree.title(inputs.unit_code)),
    )


def render_appendix(report: ReportData) -> str:
    inputs, words = report.inputs, report.inputs.wording
    return _render(
        "table.html.j2",
        heading=words["sections"]["appendix"],
        attachment=describe_attachment(inputs),
        subheading=inputs.tree.title(inputs.unit_code) + " - " + inputs.period.label,
        table=tables.render_appendix_table(report.results, words, "appendix"),
        notes=_progress_notes(inputs),
    )


def describe_recipients(inputs: ReportInputs) -> list[str]:
    """The parameters' recipients, each line filled with the report's level words and the number of
    units it compares ("Hội Nông dân {{ child_count }} {{ child_one }}" -> "… 8 quận, huyện")."""
    count = len(inputs.tree.children(inputs.unit_code))
    lines = []
    for line in inputs.params.get("recipients") or []:
        try:
            lines.append(_words(inputs, str(line), child_count=count))
        except jinja2.TemplateError as exc:
            raise DataError(
                f"Nơi nhận “{line}” (recipients trong params/): không điền được ({exc})."
            ) from None
    return lines


def render_closing(report: ReportData) -> str:
    """The recipients and the signature; first, a check that section I showed every field."""
    check_fields_shown(report)
    inputs, closing = report.inputs, report.inputs.wording["closing"]
    return _render(
        "closing.html.j2",
        recipients_title=closing["recipients_title"],
        recipients=describe_recipients(inputs),
        on_behalf=closing["on_behalf"],
        position=closing["position"],
        signer=inputs.params.get("signer_name", ""),  # none: the line is left for a hand-written name
    )
