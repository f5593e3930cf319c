"""The floor: the kit's own work for a period's reports in one warm process, no kernel, no papermill.

Imports, warm-up and the browser's start are not timed; loading the data, computing,
tables, charts, the report's HTML blocks, the page (nbconvert) and the PDF are.
Prints {"seconds": ..., "reports": ...} as JSON.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def report_blocks(job) -> list[str]:
    """What the notebook's cells display, called directly (as notebooks/*.ipynb call them)."""
    import reportkit as rk

    inputs = rk.load_report_inputs(**job.parameters)
    city = job.notebook.name == "city.ipynb"
    report = rk.compute_report(inputs, compare_children=city)
    renders = [rk.render_header, rk.render_results]
    renders += [rk.render_districts] if city else []
    renders += [rk.render_analyst_sections, rk.render_appendix, rk.render_closing]
    return [render(report) for render in renders]


def page_of(blocks: list[str]) -> str:
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from reportkit.export.page import render_html

    outputs = [
        new_output("display_data", data={"text/html": b, "text/plain": "<IPython.core.display.HTML object>"})
        for b in blocks
    ]
    return render_html(new_notebook(cells=[new_code_cell("", outputs=[o]) for o in outputs]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--period", default=None)
    args = parser.parse_args()

    import reportkit.build.zygote  # noqa: F401  (the imports and warm-up a build's report processes start with)
    from reportkit.build.plan import plan_build
    from reportkit.export.pdf import PdfPrinter
    from reportkit.paths import ProjectPaths

    plan = plan_build(ProjectPaths.at(args.root), args.period)
    with PdfPrinter() as printer, tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        for job in plan.jobs:
            printer.print_pdf(page_of(report_blocks(job)), Path(out) / f"{job.stem}.pdf")
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "reports": len(plan.jobs)}))


if __name__ == "__main__":
    main()
