"""Nothing but the report reaches the page (issue 14): a warning, a print() or a traceback in a
cell's outputs must not show in the HTML, whatever matplotlib happens to print on this machine."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from reportkit.export import page

REPORT_TEXT = "Kết quả thực hiện chỉ tiêu năm 2022"
STDOUT_MARK = "STDOUT_MUST_NOT_SHOW"
STDERR_MARK = "STDERR_MUST_NOT_SHOW"  # e.g. a matplotlib or pandas warning
ERROR_MARK = "ERROR_MUST_NOT_SHOW"
TRACEBACK_MARK = "TRACEBACK_MUST_NOT_SHOW"


def notebook_with_stray_outputs() -> nbformat.NotebookNode:
    """An executed-looking notebook: one cell shows the report, and every cell also printed."""
    report = new_code_cell("show(report)", execution_count=1)
    report.outputs = [
        new_output("stream", name="stdout", text=f"{STDOUT_MARK}\n"),
        new_output("display_data", data={"text/html": f"<p>{REPORT_TEXT}</p>", "text/plain": "<HTML>"}),
        new_output("stream", name="stderr", text=f"UserWarning: {STDERR_MARK}\n"),
    ]
    noisy = new_code_cell("print('x')", execution_count=2)
    noisy.outputs = [new_output("stream", name="stdout", text=f"{STDOUT_MARK} again\n")]
    warns = new_code_cell("warnings.warn('y')", execution_count=3)
    warns.outputs = [new_output("stream", name="stderr", text=f"{STDERR_MARK} again\n")]
    failed = new_code_cell("raise ValueError", execution_count=4)
    failed.outputs = [
        new_output("error", ename="ValueError", evalue=ERROR_MARK, traceback=[f"Traceback: {TRACEBACK_MARK}"])
    ]
    return new_notebook(cells=[report, noisy, warns, failed], metadata={"language_info": {"name": "python"}})


@pytest.fixture(scope="module")
def html() -> str:
    return page.render_html(notebook_with_stray_outputs(), title="Báo cáo thử nghiệm")


def test_the_report_itself_is_on_the_page(html):
    assert REPORT_TEXT in html


@pytest.mark.parametrize("mark", [STDOUT_MARK, STDERR_MARK, ERROR_MARK, TRACEBACK_MARK])
def test_stream_and_error_outputs_never_reach_the_page(html, mark):
    assert mark not in html


def test_no_output_area_for_streams_or_errors_is_left_on_the_page(html):
    # nbconvert renders streams and tracebacks as text output areas; none may be left empty either.
    assert "application/vnd.jupyter.stderr" not in html
    assert 'class="jp-RenderedText jp-OutputArea-output"' not in html
