"""A notebook run in JupyterLab gives the committee's report: the build's parameters, its styles."""

from __future__ import annotations

import ast

import nbformat
import pytest
from conftest import ROOT

from reportkit.build.plan import plan_build
from reportkit.paths import ProjectPaths
from reportkit.report import document, lab
from reportkit.report.inputs import ReportLoader, fill_blank_params, load_report_inputs


def notebook_parameters(name: str) -> dict:
    """The values a notebook's parameters cell sets: what a run in JupyterLab passes."""
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    [cell] = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    values: dict = {}
    exec(compile(ast.parse(cell.source), name, "exec"), {}, values)
    return values


@pytest.mark.parametrize(("unit", "notebook"), [("92", "city.ipynb"), ("917", "district.ipynb")])
def test_lab_and_the_build_load_the_same_report(sample_store, monkeypatch, unit, notebook):
    [job] = plan_build(ProjectPaths.at(ROOT, store_dir=sample_store), "2022-FY", [unit]).jobs
    built = ReportLoader().load(**job.parameters)
    monkeypatch.chdir(ROOT / "notebooks")
    # The notebook's own values, but the tests' store (a project's is store/ beside data/).
    given = notebook_parameters(notebook) | {"unit_code": unit, "store_dir": str(sample_store)}
    in_lab = load_report_inputs(
        given.pop("unit_code"), given.pop("period"), given.pop("data_dir"), given.pop("params_dir"),
        given.pop("figures_file"), given.pop("store_dir"), **given,
    )  # fmt: skip
    assert in_lab.params == built.params
    assert dict(in_lab.reads) == dict(built.reads)  # the same key: one report, however it was run


def test_the_city_notebook_in_lab_has_its_signer_and_recipients(sample_store, monkeypatch):
    monkeypatch.chdir(ROOT / "notebooks")
    given = notebook_parameters("city.ipynb")
    assert given["signer_name"] == "" and given["recipients"] == []  # blank in the notebook
    inputs = load_report_inputs(
        "92", "", "../data", "../params", "", sample_store, signer_name="", recipients=[]
    )
    assert inputs.params["signer_name"] == "Nguyễn Vũ Phương"  # from params/units/92.yaml
    assert inputs.params["recipients"][-1] == "Lưu VT."


def test_a_value_the_caller_gives_wins_over_the_files(tmp_path):
    (tmp_path / "units").mkdir()
    (tmp_path / "defaults.yaml").write_text('signer_name: ""\nplace: Cần Thơ\nrecipients: [A]\n', "utf-8")
    (tmp_path / "units" / "1.yaml").write_text("signer_name: Lê Văn Ba\n", "utf-8")
    given = {"signer_name": "Trần Thị Tư", "place": "", "recipients": [], "doc_number": "5"}
    assert fill_blank_params(tmp_path, "1", given) == {
        "signer_name": "Trần Thị Tư",
        "place": "Cần Thơ",
        "recipients": ["A"],
        "doc_number": "5",
    }
    assert fill_blank_params(tmp_path, "2", {})["signer_name"] == ""
    assert fill_blank_params(tmp_path / "absent", "1", {"place": ""}) == {"place": ""}


def test_scoped_styles_leave_jupyterlab_alone():
    css = "/* c */ @page { size: A4; @top-center { content: none; } }\nhtml { font-size: 13pt; }\n"
    css += "p, .rk-title > h1 { margin: 0; }"
    scoped = lab.scope_css(css, (".a", ".b"))
    assert (
        scoped
        == ".a, .b { font-size: 13pt; }\n.a p, .a .rk-title > h1, .b p, .b .rk-title > h1 { margin: 0; }"
    )


def show_html(monkeypatch, html: str) -> str:
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda value: shown.append(value.data))
    document.show(html)
    return shown[0]


def test_outside_a_build_the_header_brings_the_report_styles(monkeypatch):
    monkeypatch.delenv(lab.BUILD_ENV, raising=False)
    header = '<table class="rk-header"></table>'
    shown = show_html(monkeypatch, header)
    assert shown.startswith("<style>@font-face") and shown.endswith("</style>" + header)
    assert ".jp-OutputArea-output .rk-closing" in shown and "\np {" not in shown
    assert show_html(monkeypatch, "<p>x</p>") == "<p>x</p>"  # every other block as the build has it


def test_in_a_build_a_block_is_shown_as_it_is(monkeypatch):
    monkeypatch.setenv(lab.BUILD_ENV, "1")
    assert show_html(monkeypatch, "<p>x</p>") == "<p>x</p>"


def test_the_city_notebook_run_as_in_lab_shows_the_committees_report(sample_store, monkeypatch, tmp_path):
    import papermill

    monkeypatch.delenv(lab.BUILD_ENV, raising=False)
    notebooks = ROOT / "notebooks"
    # As JupyterLab runs it: in its folder, with the parameters cell as committed (blank signer),
    # but the tests' store.
    done = papermill.execute_notebook(
        str(notebooks / "city.ipynb"), str(tmp_path / "out.ipynb"), engine_name="reportkit",
        parameters={"store_dir": str(sample_store)}, cwd=str(notebooks), progress_bar=False,
    )  # fmt: skip
    outputs = [o for cell in done.cells for o in cell.get("outputs", [])]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    text = "".join(html)
    assert "Nguyễn Vũ Phương" in text and "Hội Nông dân 8 quận, huyện" in text  # params/units/92.yaml
    assert [block.startswith("<style>") for block in html] == [True] + [False] * (len(html) - 1)
    assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"]
