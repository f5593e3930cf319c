"""Warm-ups for the build's fork server (build/zygote.py): the report stage's first-use costs, paid
once before any report's process is forked from it instead of in every report's process.

warm_up_kit() pays what every report of any project pays: templates, Babel's data, the charts'
every element. warm_up_project(data_dir) pays what every report of one project shares: its wording
templates compiled and its indicators' names measured for the charts (in each fresh report
process these cost about 0,05 s of a 0,48 s report). Only caches keyed by their content are
filled, so a report reads the same from a warm cache as from a cold one, and no unit's figures
are read: the process every report is forked from holds no unit's data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import formats as fmt
from ..datafiles import read_yaml
from ..model import Indicator, Kind, Outcome, Result, Status
from ..paths import periods_file, wording_file
from . import charts, document, narrative
from .inputs import load_catalogue, load_periods

# Made-up words and numbers, never a unit's.
WARM_UP_TEXT = "Chỉ tiêu mẫu: thành viên được hỗ trợ vốn, Quỹ hỗ trợ đời sống"
TEMPLATE_MARKS = ("{{", "{%")
JUDGED = (Status.EXCEEDED, Status.MET, Status.MISSED)  # one of each draws the charts' every style
LABELS = {status.value: WARM_UP_TEXT for status in Status}


def warm_up_kit() -> None:
    """What every report pays on first use: templates, Babel's number and date data, the charts."""
    # Jinja compiles a template on its first use, and Babel loads its locale data.
    for template in document.FRAGMENTS.glob("*.j2"):
        document._templates().get_template(template.name)
    fmt.format_money_with_unit(Decimal("5000.5"))
    fmt.format_date_line("Cần Thơ", dt.date(2022, 6, 15))
    narrative.render_text("{{ x }}", x=WARM_UP_TEXT)
    document.render_markdown("*x*")
    results = made_up_results()
    charts.plot_achievement(results, LABELS, WARM_UP_TEXT, Decimal(50))
    charts.plot_change(results, WARM_UP_TEXT)
    charts.plot_ranking(["Ơ", "Ư"], [1, 2], [3, 3], ["1/3", "2/3"], WARM_UP_TEXT)


def warm_up_project(data_dir: Path) -> None:
    """What every report of the project in `data_dir` shares: its wording templates (the catalogue's
    texts are values put into them, not templates) and the names of the indicators of every plan
    its periods name. DataError if those files do not read."""
    narrative.compile_templates(templates_in([read_yaml(wording_file(data_dir))]))
    periods, _ = load_periods(periods_file(data_dir))
    for path in sorted({data_dir / period.catalogue for period in periods.values() if period.catalogue}):
        # The charts' rows are the indicators' short names: each report finds them measured.
        charts.measure_labels(indicator.short for indicator in load_catalogue(path).indicators)


def made_up_results() -> list[Result]:
    """Three made-up judged indicators, one per status, to draw the charts' every element."""
    results = []
    for number, status in enumerate(JUDGED, start=1):
        value = Decimal(40 * number)
        indicator = Indicator(
            f"mau{number}", "mau", Kind.TOTAL, "hội viên", WARM_UP_TEXT[:20], WARM_UP_TEXT, ""
        )
        outcomes = dict(outcome=Outcome(value), previous=Outcome(2 * value), change=-value)
        judged = dict(target=value, expected=value, percent=value, status=status)
        results.append(Result(indicator, "0", "mau", "mau", **outcomes, **judged))
    return results


def templates_in(sources: Iterable[Any]) -> Iterator[str]:
    """Every text in YAML content (mappings and lists, nested) that is a wording template."""
    for source in sources:
        if isinstance(source, str):
            if any(mark in source for mark in TEMPLATE_MARKS):
                yield source
        elif isinstance(source, dict):
            yield from templates_in(source.values())
        elif isinstance(source, list):
            yield from templates_in(source)
