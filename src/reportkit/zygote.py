"""Imported once by the fork server: load and warm what reports need, so each report's process starts hot."""

from __future__ import annotations

import gc
import sys

from .speedups import skip_unused_imports

skip_unused_imports()

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # the charts' backend; set before pyplot loads

import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
from papermill.engines import papermill_engines  # noqa: E402

from . import charts, document, engine, export, intake, metrics, tables  # noqa: F401, E402


def warm_up() -> None:
    """Pay the first-use costs (templates, fonts, exporter, shell) once, before any fork."""
    export.render_html(nbformat.v4.new_notebook())
    tables.render_table(pd.DataFrame({"a": [1]}))
    charts.plot_ranking(["A"], [1], [1], "x")
    document.render_markdown("*x*")
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
