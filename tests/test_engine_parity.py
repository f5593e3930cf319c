"""Differential test: the in-process engine and a Jupyter kernel give an analyst's notebook the same outputs.

The corpus is what an analyst adds to a report notebook: matplotlib charts shown every way
JupyterLab shows them, DataFrames, a Styler, Markdown and HTML displays, an updated display,
a Markdown cell, prints and a warning; plus notebooks that only raise, print or warn. Each
runs through papermill twice, on a `python3` kernel (`--engine kernel`) and on the in-process
engine (the build's default), and the executed notebooks must agree after normalisation, as
must the HTML reports the kit's exporter makes of them.

great_tables is not a dependency of the kit and is not installed, so the corpus has no
great_tables cell; its table is HTML through the same display path as a Styler's.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import re
import struct

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from papermill.exceptions import PapermillExecutionError

from reportkit.build.engine import ENGINE_NAME
from reportkit.export.page import render_html

ENGINES = {"kernel": None, "inprocess": ENGINE_NAME}

SETUP = """\
import sys
import warnings

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display

df = pd.DataFrame({"huyện": ["Ninh Kiều", "Cái Răng"], "hội viên": [1200, 950], "tỉ lệ": [0.5, 0.25]})"""

# The kit's own charts are SVG strings it places itself: never an inline PNG as well.
KIT_CHART = (
    "from reportkit.report import charts\n"
    "display(HTML(charts.plot_ranking(['Ninh Kiều', 'Cái Răng'], [1, 2], [3, 3], ['1/3', '2/3'], 'chỉ tiêu đạt')[0]))"
)
AFTER_KIT_CHART = "plt.plot([2, 1])\nplt.show()  # the kit must not have switched the backend off"
CLOSED_FIGURE = "plt.plot([1, 2])\nplt.close()  # closed: nothing to show"

ANALYST_CELLS = [
    SETUP,
    "plt.plot([1, 2, 3], [2, 1, 3])\nplt.title('Hội viên')\nplt.show()",
    "fig, ax = plt.subplots(figsize=(4, 2))\nax.bar(df['huyện'], df['hội viên'])\nfig",
    "plt.figure(figsize=(3, 3))\nplt.pie([1, 2]);  # left open: shown at the cell's end",
    "%matplotlib inline\nplt.plot([3, 1]);",
    "display(df)",
    "df",
    "df.style.format({'tỉ lệ': '{:.0%}'}).highlight_max(subset=['hội viên'])",
    "display(Markdown('**Nhận xét:** tăng *đều*'), HTML('<p class=\"note\">Ghi chú</p>'))",
    "md:## Phần phân tích thêm\n\nMột đoạn văn của cán bộ.",
    "handle = display(Markdown('đang tính…'), display_id=True)\nhandle.update(Markdown('xong'))",
    "print('tổng', df['hội viên'].sum())\nprint('lỗi nhẹ', file=sys.stderr)",
    "warnings.warn('số liệu chưa đủ')\n'sau cảnh báo'",
    KIT_CHART,
    AFTER_KIT_CHART,
    CLOSED_FIGURE,
]

CORPUS = {
    "analyst": ANALYST_CELLS,
    "raises": ["print('trước lỗi')", "raise ValueError('không có số liệu')", "print('không chạy')"],
    "prints": ["for i in range(3):\n    print('dòng', i)"],
    "warns": ["import warnings\nwarnings.warn('cột thiếu', UserWarning)"],
}


def make_notebook(sources: list[str]) -> nbformat.NotebookNode:
    cells = [new_code_cell('unit = "0"', metadata={"tags": ["parameters"]})]
    cells += [new_markdown_cell(s[3:]) if s.startswith("md:") else new_code_cell(s) for s in sources]
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number}"  # both engines run the same cells, so their reports match
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def execute(tmp_path, name: str, engine: str) -> nbformat.NotebookNode:
    source, output = tmp_path / f"{name}.ipynb", tmp_path / f"{name}-{engine}.ipynb"
    nbformat.write(make_notebook(CORPUS[name]), source)
    # A failed notebook is written all the same, and it is what is compared.
    with contextlib.suppress(PapermillExecutionError):
        papermill.execute_notebook(
            str(source),
            str(output),
            parameters={"unit": "917"},
            engine_name=ENGINES[engine],
            kernel_name="python3",
            progress_bar=False,
        )
    return nbformat.read(output, as_version=4)


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict[tuple[str, str], nbformat.NotebookNode]:
    tmp_path = tmp_path_factory.mktemp("parity")
    return {(name, engine): execute(tmp_path, name, engine) for name in CORPUS for engine in ENGINES}


def png_size(data: str) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk: the pixels may differ by a bit, never the size."""
    raw = base64.b64decode(data)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n" and raw[12:16] == b"IHDR"
    return struct.unpack(">II", raw[16:24])


ANSI = re.compile(r"\x1b\[[0-9;]*m")
STYLER_ID = re.compile(r"T_[0-9a-f]{5}")  # a Styler's random table id
ADDRESS = re.compile(r" at 0x[0-9a-f]+>")  # an object's address in its default repr
WARNING_SOURCE = re.compile(r"^\S.*?:(\d+): ", re.MULTILINE)  # the cell's file name differs


def normalise_text(text: str) -> str:
    text = WARNING_SOURCE.sub(r"<cell>:\1: ", text)
    return ADDRESS.sub(" at 0x…>", STYLER_ID.sub("T_id", text))


def normalise_output(output: dict) -> dict:
    result = {"output_type": output["output_type"]}
    if "data" in output:
        result["mimes"] = list(output["data"])
        result["data"] = {
            mime: png_size(value) if mime == "image/png" else normalise_text(value)
            for mime, value in output["data"].items()
        }
        result["metadata"] = output["metadata"]
    if output["output_type"] == "stream":
        result |= {"name": output["name"], "text": normalise_text(output["text"])}
    if output["output_type"] == "execute_result":
        result["execution_count"] = output["execution_count"]
    if output["output_type"] == "error":
        # A kernel colours its tracebacks, the in-process engine does not; the words agree.
        traceback = [ANSI.sub("", line) for line in output["traceback"]]
        result |= {"ename": output["ename"], "evalue": output["evalue"], "traceback": traceback}
    return result


def without_colours(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.traceback = [ANSI.sub("", line) for line in output.traceback]
    return nb


def normalise(nb: nbformat.NotebookNode) -> list[dict]:
    return [
        {
            "type": cell.cell_type,
            "source": cell.source,
            "tags": cell.metadata.get("tags", []),
            "status": cell.metadata.get("papermill", {}).get("status"),
            "execution_count": cell.get("execution_count"),
            "outputs": [normalise_output(o) for o in cell.get("outputs", [])],
        }
        for cell in nb.cells
    ]


IMAGE_DATA = re.compile(r'src="data:image/png;base64,([^"]+)"')
RANDOM_CELL_ID = re.compile(r'id="cell-id=[0-9a-f]{8}"')  # papermill's error banner, a new cell


def normalise_html(html: str) -> str:
    html = RANDOM_CELL_ID.sub('id="cell-id=papermill"', html)
    return normalise_text(IMAGE_DATA.sub(lambda m: 'src="png {}x{}"'.format(*png_size(m.group(1))), html))


@pytest.mark.parametrize("name", CORPUS)
def test_both_engines_give_the_same_outputs(executed, name):
    kernel, inprocess = normalise(executed[name, "kernel"]), normalise(executed[name, "inprocess"])
    for number, (expected, actual) in enumerate(zip(kernel, inprocess, strict=True)):
        assert actual == expected, f"cell {number}: {actual['source']!r}"
    assert (
        executed[name, "inprocess"].metadata.language_info == executed[name, "kernel"].metadata.language_info
    )


@pytest.mark.parametrize("name", CORPUS)
def test_both_engines_give_the_same_html_report(executed, name):
    kernel = normalise_html(render_html(without_colours(executed[name, "kernel"])))
    inprocess = normalise_html(render_html(without_colours(executed[name, "inprocess"])))
    assert inprocess == kernel


def test_the_corpus_shows_every_kind_of_output_a_report_can_get(executed):
    # Guards the differential test itself: a corpus where nothing displayed would agree trivially.
    cells = normalise(executed["analyst", "inprocess"])
    by_source = {cell["source"]: cell["outputs"] for cell in cells}
    images = [o for outputs in by_source.values() for o in outputs if "image/png" in o.get("mimes", [])]
    # plt.show(), the figure twice (result, and open at the cell's end), pie, %matplotlib, after the kit
    assert len(images) == 6
    assert [sorted(o["mimes"]) for o in images] == [["image/png", "text/plain"]] * 6
    assert [o["output_type"] for o in by_source[ANALYST_CELLS[2]]] == ["execute_result", "display_data"]
    assert by_source[CLOSED_FIGURE] == []
    assert [o["output_type"] for o in by_source[AFTER_KIT_CHART]] == ["display_data"]
    # (its missing-glyph warnings on stderr are the chart fonts' business, not the engine's)
    kit_chart = [o for o in by_source[KIT_CHART] if o["output_type"] != "stream"]
    assert [sorted(o["mimes"]) for o in kit_chart] == [["text/html", "text/plain"]]
    assert "<svg" in kit_chart[0]["data"]["text/html"]
    assert by_source[ANALYST_CELLS[10]][0]["data"]["text/markdown"] == "xong"
    assert [o["name"] for o in by_source[ANALYST_CELLS[11]]] == ["stdout", "stderr"]
    assert "UserWarning: số liệu chưa đủ" in by_source[ANALYST_CELLS[12]][0]["text"]
    errors = [o for cell in normalise(executed["raises", "inprocess"]) for o in cell["outputs"]]
    assert [(o["ename"], o["evalue"]) for o in errors if o["output_type"] == "error"] == [
        ("ValueError", "không có số liệu")
    ]
