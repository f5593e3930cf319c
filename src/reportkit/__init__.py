"""Report kit of the Cần Thơ City Farmers' Association: plan targets to review reports.

How a figure travels, from a district's Excel cell to a line of a committee's PDF:

1. `submissions`  `reportkit template` writes each district's workbook; the district fills it
   in; `reportkit intake` reads it cell by cell (`submissions.read`), checks it against the
   plan (`submissions.validate`) and keeps it, with its file, sheet and cell, in the store
   (`submissions.store`). The district gets a check report (`submissions.feedback`).
2. `report`       A report notebook calls `load_report_inputs` (`report.inputs`: the plan's
   data files and the period's figures from the store), `compute_report` (`report.metrics`:
   each indicator against its target) and the `render_*` functions (`report.narrative`,
   `report.tables`, `report.charts`, `report.document`): sentences, tables and charts with
   every number written the Vietnamese way (`formats`).
3. `build`        `reportkit build` plans the period's reports, skips those whose inputs did
   not change (`build.fingerprint`, `build.manifest`) and runs each notebook in a fresh process
   (`build.executors`, `build.isolate`, `build.engine`).
4. `export`       Each executed notebook becomes its page (`export.page`, nbconvert) and its PDF
   (`export.printing`, `export.pdf`) in outputs/<period>/, listed in the period's index
   (`export.index`).

Shared by all four: `model` (the plan, the tree, figures and results), `paths` (every folder
and file name of a project), `errors` (the one error tree), `datafiles` (reading the project's
YAML and CSV files, with errors naming file and line), `digests` (what a report read, hashed),
`files` (atomic writes), `formats` and `vntext` (numbers, dates and Vietnamese text). `cli` is
the command line, and the only place that turns an error into a message and an exit code.

This module is what the notebooks use (`import reportkit as rk`).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# The notebooks' functions, loaded on first use: `reportkit build` with nothing to rebuild
# must not pay for pandas and matplotlib.
_EXPORTS = {
    "build_pdf": "report.lab",
    "compute_report": "report.metrics",
    "load_report_inputs": "report.inputs",
    "load_unit_params": "report.inputs",
    "measures_frame": "report.frames",
    "render_analyst_section": "report.document",
    "render_analyst_sections": "report.document",
    "render_appendix": "report.document",
    "render_charts": "report.document",
    "render_closing": "report.document",
    "render_districts": "report.document",
    "render_header": "report.document",
    "render_part_heading": "report.document",
    "render_results": "report.document",
    "render_results_section": "report.document",
    "results_frame": "report.frames",
    "show": "report.document",
    "style_chart": "report.frames",
    "units_frame": "report.frames",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
