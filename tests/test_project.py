"""Project hygiene: clean thin notebooks, declared parameters, dependency lists in step."""

import ast
import json
import re
import tomllib

import nbformat
import pytest
import yaml
from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Every notebook of the project, the examples too (not JupyterLab's checkpoints, which git ignores).
ALL_NOTEBOOKS = sorted(
    p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
PARAM_FILES = sorted((ROOT / "params").rglob("*.yaml"))


def parameters_of(path) -> set[str]:
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{path.name}: exactly one cell must be tagged `parameters`"
    tree = ast.parse(cells[0].source)
    return {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets}


def test_there_is_a_district_and_a_city_notebook():
    assert [p.name for p in NOTEBOOKS] == ["city.ipynb", "district.ipynb"]


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.relative_to(ROOT / "notebooks").as_posix())
def test_committed_notebooks_have_no_outputs(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs") and not cell.get("execution_count"), cell["source"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_stay_thin(path):
    # Cells only set parameters, load, compute and display: logic lives in the package.
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda | ast.For | ast.While)


@pytest.mark.parametrize("param_file", PARAM_FILES, ids=lambda p: p.relative_to(ROOT / "params").as_posix())
def test_every_parameter_in_params_is_declared_in_the_notebooks(param_file):
    keys = set(yaml.safe_load(param_file.read_text(encoding="utf-8")) or {})
    for nb in NOTEBOOKS:
        undeclared = keys - parameters_of(nb)
        assert not undeclared, f"{param_file.name} sets {undeclared}, not declared in {nb.name}"


def test_build_injects_only_declared_parameters():
    from reportkit.build.plan import plan_build
    from reportkit.paths import ProjectPaths

    jobs = plan_build(ProjectPaths.at(ROOT), "2022-FY").jobs
    for job in jobs:
        assert set(job.parameters) <= parameters_of(job.notebook), job.unit_code


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_and_pyproject_declare_the_same_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    # An extra may pull in another of the kit's own extras ("reportkit[dask]").
    declared = set(project["dependencies"]) | {r for r in extras if _name(r) != project["name"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {d for d in env["dependencies"] if isinstance(d, str) and _name(d) not in {"python", "pip"}}
    assert {_name(r): r.replace(" ", "") for r in declared} == {_name(r): r.replace(" ", "") for r in conda}


def test_outputs_are_not_committed():
    ignore = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "outputs/*" in ignore


def test_reports_read_the_store_by_default():
    defaults = yaml.safe_load((ROOT / "params" / "defaults.yaml").read_text(encoding="utf-8"))
    assert defaults["figures_file"] == ""
    for nb in NOTEBOOKS:
        assert 'figures_file = ""' in nbformat.read(nb, as_version=4).cells[1].source


def test_make_reports_takes_the_sample_submissions_in_first():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nreports:", 1)[1].split("\n\n", 1)[0]
    intake, build = (
        recipe.index("reportkit intake data/sample/submissions/*"),
        recipe.index("reportkit build"),
    )
    assert intake < build


def test_the_store_is_not_committed():
    assert "store/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_the_notebooks_are_the_source_nothing_rewrites_them():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "write_notebooks" not in makefile and not (ROOT / "scripts" / "write_notebooks.py").exists()
    assert ROOT / "notebooks" / "examples" / "phan-tich.ipynb" in ALL_NOTEBOOKS


@pytest.mark.parametrize(("user_id", "root_flag"), [("0", True), ("1000", False)])
def test_make_lab_opens_at_the_notebooks_as_root_or_not(user_id, root_flag):
    import subprocess

    dry = subprocess.run(
        ["make", "-n", "lab", f"USER_ID={user_id}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    [command] = [line for line in dry.stdout.splitlines() if "jupyter lab" in line]
    assert "--ServerApp.root_dir=notebooks" in command
    assert ("--allow-root" in command) is root_flag
