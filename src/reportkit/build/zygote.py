"""Imported once by the fork server: load and warm what reports need, so each report's process starts hot."""

from __future__ import annotations

import datetime as dt
import gc
import sys
from decimal import Decimal

# jsonschema loads rfc3987-syntax (pulled in by jupyter-events) only to check the "iri" string
# format, and that import compiles a grammar for ~3 s. Notebook schemas never use that format.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from .engine import default_to_inline_figures  # noqa: E402

# The reports' backend, as in a kernel; set before matplotlib loads.
default_to_inline_figures()

import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
from ipykernel.ipkernel import IPythonKernel  # noqa: E402, F401  (engine.py reads its language_info)
from papermill.engines import papermill_engines  # noqa: E402

from .. import formats as fmt  # noqa: E402
from ..export import page  # noqa: E402
from ..model import Indicator, Kind, Outcome, Result, Status  # noqa: E402
from ..report import charts, document, fonts, inputs, lab, metrics, narrative, tables  # noqa: F401, E402
from . import engine  # noqa: E402

# Made-up words and numbers, never a unit's: the warm-up must leave no report's data in
# the process every report is forked from.
WARM_UP_TEXT = "Chỉ tiêu mẫu: thành viên được hỗ trợ vốn, Quỹ hỗ trợ đời sống"


def _warm_up_results() -> list[Result]:
    """Three made-up judged indicators, one per status, to draw the charts' every element."""
    results = []
    for number, status in enumerate((Status.EXCEEDED, Status.MET, Status.MISSED), start=1):
        short, value = WARM_UP_TEXT[:20], Decimal(40 * number)
        indicator = Indicator(f"mau{number}", "mau", Kind.TOTAL, "hội viên", short, WARM_UP_TEXT, lead="")
        outcomes = dict(outcome=Outcome(value), previous=Outcome(2 * value), change=-value)
        judged = dict(target=value, expected=value, percent=value, status=status)
        results.append(Result(indicator, "0", "mau", "mau", **outcomes, **judged))
    return results


def _warm_up_charts() -> None:
    results = _warm_up_results()
    labels = {status.value: WARM_UP_TEXT for status in Status}
    charts.plot_achievement(results, labels, WARM_UP_TEXT, Decimal(50))
    charts.plot_change(results, WARM_UP_TEXT)
    charts.plot_ranking(["Ơ", "Ư"], [1, 2], [3, 3], ["1/3", "2/3"], WARM_UP_TEXT)


def _warm_up_text() -> None:
    # Jinja compiles a template on its first use, and Babel loads its locale data: in the
    # fork server, once, instead of in every report's process.
    for template in document.FRAGMENTS.glob("*.j2"):
        document._templates().get_template(template.name)
    fmt.format_money_with_unit(Decimal("5000.5"))  # Babel's number data and patterns
    fmt.format_date_line("Cần Thơ", dt.date(2022, 6, 15))  # and its date data
    narrative.render_text("{{ x }}", x=WARM_UP_TEXT)
    document.render_markdown("*x*")


def warm_up() -> None:
    """Pay the first-use costs (templates, fonts, exporter, shell) once, before any fork."""
    page.render_html(nbformat.v4.new_notebook())  # also reads and encodes the page font once
    fonts.covered_characters()  # the font's character map, which each report checks its words against
    tables.render_table(pd.DataFrame({"a": [1]}))
    _warm_up_charts()
    _warm_up_text()
    main = sys.modules["__main__"]
    engine.make_shell()
    # The shell makes its namespace __main__; each fork must start from the real one, which
    # multiprocessing checks before the report runs (the report's shell takes over again).
    sys.modules["__main__"] = main
    # A stale editable install may lack the entry point; the build needs the engine anyway.
    papermill_engines.register(engine.ENGINE_NAME, engine.InProcessEngine)


warm_up()

# Everything loaded so far lives as long as the fork server: keep the collector of each
# forked report off it, so the report does not copy those pages just to scan them.
gc.freeze()
