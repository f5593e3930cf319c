"""Imported once by the fork server: load and warm what reports need, so each report's process starts hot."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import warnings
from pathlib import Path

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

from ..export import page  # noqa: E402
from ..report import charts, document, fonts, inputs, lab, metrics, narrative, tables, warmup  # noqa: F401, E402
from . import engine  # noqa: E402
from .isolate import WARM_DATA_ENV  # noqa: E402


def warm_up() -> None:
    """Pay the first-use costs (templates, fonts, exporter, shell) once, before any fork."""
    page.render_html(nbformat.v4.new_notebook())  # also reads and encodes the page font once
    fonts.covered_characters()  # the font's character map, which each report checks its words against
    tables.render_table(pd.DataFrame({"a": [1]}))
    warmup.warm_up_kit()
    main = sys.modules["__main__"]
    engine.make_shell()
    # The shell makes its namespace __main__; each fork must start from the real one, which
    # multiprocessing checks before the report runs (the report's shell takes over again).
    sys.modules["__main__"] = main
    # A stale editable install may lack the entry point; the build needs the engine anyway.
    papermill_engines.register(engine.ENGINE_NAME, engine.InProcessEngine)


def warm_up_project() -> None:
    """What the reports of the project the build named (in WARM_DATA_ENV) share, if it names one."""
    data_dir = os.environ.get(WARM_DATA_ENV)
    if data_dir:
        # A project this cannot read is no reason to stop the server: each report fails on it and
        # says why. Its warnings are the reports' to give.
        with contextlib.suppress(Exception), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warmup.warm_up_project(Path(data_dir))


warm_up()
warm_up_project()

# Everything loaded so far lives as long as the fork server: keep the collector of each
# forked report off it, so the report does not copy those pages just to scan them.
gc.freeze()
