"""The in-process papermill engine: cells run here and fill outputs as a kernel would."""

from __future__ import annotations

import platform
import sys

import nbformat
import papermill
import pytest
from IPython.core.error import UsageError
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from papermill.exceptions import PapermillExecutionError

from reportkit.build.engine import ENGINE_NAME, make_shell
from reportkit.build.isolate import ReportTask, execute_report


def notebook(*sources: str) -> nbformat.NotebookNode:
    cells = [new_code_cell('who = "nobody"', metadata={"tags": ["parameters"]})]
    cells += [new_markdown_cell(s[3:]) if s.startswith("md:") else new_code_cell(s) for s in sources]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def run(tmp_path, *sources: str, **parameters) -> nbformat.NotebookNode:
    path = tmp_path / "in.ipynb"
    nbformat.write(notebook(*sources), path)
    return papermill.execute_notebook(
        str(path), None, parameters=parameters, engine_name=ENGINE_NAME, progress_bar=False
    )


def outputs(nb: nbformat.NotebookNode) -> list[list[dict]]:
    return [[dict(o) for o in c.outputs] for c in nb.cells if c.cell_type == "code"]


def test_the_engine_is_registered_with_papermill():
    from papermill.engines import papermill_engines

    assert papermill_engines.get_engine(ENGINE_NAME).__name__ == "InProcessEngine"


def test_parameters_are_injected_and_displays_become_outputs(tmp_path):
    nb = run(
        tmp_path,
        "from IPython.display import HTML, display\ndisplay(HTML(f'<b>{who}</b>'))",
        "md:# a heading",
        "print('a'); print('b')\n1 + 1",
        who="917",
    )
    assert [c.metadata.get("tags") for c in nb.cells[:2]] == [["parameters"], ["injected-parameters"]]
    assert outputs(nb) == [
        [],
        [],
        [
            {
                "output_type": "display_data",
                "data": {"text/html": "<b>917</b>", "text/plain": "<IPython.core.display.HTML object>"},
                "metadata": {},
            }
        ],
        [
            {"output_type": "stream", "name": "stdout", "text": "a\nb\n"},
            {
                "output_type": "execute_result",
                "data": {"text/plain": "2"},
                "metadata": {},
                "execution_count": 4,
            },
        ],
    ]
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3, 4]
    # What ipykernel writes, so a notebook reads the same from either engine (nbconvert picks its
    # lexer from it): Python's version, the IPython lexer.
    info = nb.metadata.language_info
    assert (info.name, info.version, info.pygments_lexer) == ("python", platform.python_version(), "ipython3")
    assert nb.metadata.papermill.parameters == {"who": "917"}
    assert all(c.metadata.papermill.status == "completed" for c in nb.cells)


def test_each_run_starts_from_an_empty_namespace(tmp_path):
    run(tmp_path, "leftover = who", who="917")
    nb = run(tmp_path, "print('leftover' in dir())")
    assert outputs(nb)[1] == [{"output_type": "stream", "name": "stdout", "text": "False\n"}]


def test_the_process_gets_its_own_main_module_back_after_a_run(tmp_path):
    # Cells see the shell's namespace as __main__; the process must not keep it, or it
    # could no longer start processes (multiprocessing reads __main__.__spec__).
    before = sys.modules["__main__"]
    nb = run(tmp_path, "import sys\nprint(sys.modules['__main__'].__dict__.get('who'))", who="917")
    assert outputs(nb)[-1] == [{"output_type": "stream", "name": "stdout", "text": "917\n"}]
    assert sys.modules["__main__"] is before
    with pytest.raises(PapermillExecutionError):
        run(tmp_path, "raise ValueError('x')")
    assert sys.modules["__main__"] is before


def test_a_failing_cell_stops_the_notebook_and_keeps_its_error(tmp_path):
    path = tmp_path / "in.ipynb"
    nbformat.write(notebook("x = 1", "raise ValueError('hỏng')", "never = True"), path)
    with pytest.raises(PapermillExecutionError, match="hỏng"):
        papermill.execute_notebook(
            str(path), str(tmp_path / "out.ipynb"), engine_name=ENGINE_NAME, progress_bar=False
        )
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    error = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert [(e.ename, e.evalue) for e in error] == [("ValueError", "hỏng")]
    assert nb.cells[-1].outputs == [] and nb.cells[-1].execution_count is None
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in nb.cells)


def test_execute_report_returns_the_failed_notebook_with_papermills_markers(tmp_path):
    path = tmp_path / "in.ipynb"
    nbformat.write(notebook("raise RuntimeError('không có số liệu')"), path)
    task = ReportTask("x", str(path), str(tmp_path / "out.ipynb"), {"who": "917"})
    result = execute_report(task)
    assert not result.ok and "không có số liệu" in result.error and result.html is None
    nb = nbformat.reads(result.notebook, as_version=4)
    assert nb.cells[0].metadata.tags == ["papermill-error-cell-tag"]
    assert nb.metadata.papermill.output_path == str(tmp_path / "out.ipynb")
    assert not (tmp_path / "out.ipynb").exists()  # the build writes it, atomically


def test_execute_report_stops_a_cell_at_the_timeout(tmp_path):
    # 3 s, not less: on a loaded machine papermill itself can take a second before the cell starts,
    # and the alarm must stop the cell, not papermill.
    path = tmp_path / "in.ipynb"
    nbformat.write(notebook("import time\ntime.sleep(60)"), path)
    result = execute_report(ReportTask("x", str(path), str(tmp_path / "out.ipynb"), {}, timeout=3))
    assert "quá thời gian" in result.error
    nb = nbformat.reads(result.notebook, as_version=4)
    errors = [
        o.ename for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == ["ReportTimeout"]


def test_execute_report_renders_the_page(tmp_path):
    path = tmp_path / "in.ipynb"
    nbformat.write(
        notebook("from IPython.display import HTML, display\ndisplay(HTML('<p>Xin chào</p>'))"), path
    )
    result = execute_report(ReportTask("x", str(path), str(tmp_path / "out.ipynb"), {}))
    assert result.ok and "<p>Xin chào</p>" in result.html and "who =" not in result.html


# --- what cells print: the log's, never the page's; a failure under --strict -----------------

PRINTS = 'print("in ra stdout")'
PRINTS_ERR = 'import sys\nprint("in ra stderr", file=sys.stderr)'
WARNS = 'import warnings\nwarnings.warn("Glyph 7883 missing from font(s) Liberation Serif")'
SHOWS = "from IPython.display import HTML, display\ndisplay(HTML('<p>Phần báo cáo</p>'))"


def _execute(tmp_path, *sources: str, strict: bool):
    path = tmp_path / "in.ipynb"
    nbformat.write(notebook(*sources), path)
    return execute_report(ReportTask("x", str(path), str(tmp_path / "out.ipynb"), {}, strict=strict))


def test_what_cells_print_goes_to_the_log_not_the_page(tmp_path):
    result = _execute(tmp_path, PRINTS, PRINTS_ERR, SHOWS, strict=False)
    assert result.ok, result.error
    assert "<p>Phần báo cáo</p>" in result.html
    assert "in ra stdout" in result.log and "in ra stderr" in result.log
    assert "in ra std" not in result.html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (WARNS, "UserWarning: Glyph 7883 missing from font(s) Liberation Serif"),
        (PRINTS_ERR, "in ra stderr"),
    ],
)
def test_strict_fails_a_report_that_warns_or_writes_to_stderr(tmp_path, source, expected):
    result = _execute(tmp_path, SHOWS, source, strict=True)
    assert not result.ok
    assert "--strict" in result.error and expected in result.error
    assert expected in result.log


def test_strict_lets_stdout_and_displays_through(tmp_path):
    result = _execute(tmp_path, PRINTS, SHOWS, strict=True)
    assert result.ok, result.error
    assert "in ra stdout" in result.log


def test_matplotlib_inline_shows_figures_and_a_screen_backend_is_refused_in_the_cell(tmp_path, monkeypatch):
    nb = run(tmp_path, "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]);")
    assert [sorted(o.data) for o in nb.cells[-1].outputs] == [["image/png", "text/plain"]]
    # A shell made outside a run makes its namespace __main__: give the test process its own back
    # afterwards, or later tests could not start processes (multiprocessing reads __main__).
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    # Where a screen backend loads, the shell still has no event loop to give it.
    with pytest.raises(UsageError, match="%matplotlib inline"):
        make_shell().enable_gui("qt")
