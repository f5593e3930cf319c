"""A copy of the sample project whose notebooks are tiny, so build tests run in seconds."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import nbformat
from conftest import ROOT
from nbformat.v4 import new_code_cell, new_notebook


def _real_parameters_cell() -> str:
    # The real notebooks' parameters cell, so tiny notebooks take the same parameters.
    spec = importlib.util.spec_from_file_location("write_notebooks", ROOT / "scripts" / "write_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PARAMETERS.format(unit="917", symbol="BC/HND")


PARAMETERS = _real_parameters_cell()

# Reads the unit's own figures through the kit, as a report does, and shows them.
REPORT = """import reportkit as rk
from IPython.display import HTML, display

inputs = rk.load_report_inputs(unit_code, period, data_dir, params_dir, figures_file, store_dir)
own = sorted((m, str(v)) for (u, m), v in inputs.figures.values.items() if u == unit_code)
display(HTML(f"<h1>{inputs.tree.title(unit_code)}</h1><p>{own}</p>"))"""


def tiny_notebook(*cells: str, report: bool = True) -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[
            new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
            *([new_code_cell(REPORT)] if report else []),
            *(new_code_cell(source) for source in cells),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def write_notebooks(
    project: Path, district: tuple[str, ...] = (), city: tuple[str, ...] = (), report: bool = True
) -> None:
    (project / "notebooks").mkdir(exist_ok=True)
    nbformat.write(tiny_notebook(*district, report=report), project / "notebooks" / "district.ipynb")
    nbformat.write(tiny_notebook(*city, report=report), project / "notebooks" / "city.ipynb")


def make_project(
    root: Path, district: tuple[str, ...] = (), city: tuple[str, ...] = (), report: bool = True
) -> Path:
    """data/ and params/ of the sample project, with tiny notebooks; extra cells go last."""
    project = root / "project"
    for part in ("data", "params"):
        shutil.copytree(ROOT / part, project / part)
    # Read the sample CSV directly rather than the store, so a test can change one figure.
    defaults = project / "params" / "defaults.yaml"
    text = defaults.read_text(encoding="utf-8")
    defaults.write_text(
        re.sub(r'(?m)^figures_file: ""', "figures_file: sample/figures.csv", text), encoding="utf-8"
    )
    write_notebooks(project, district, city, report)
    return project


def set_figure(project: Path, period: str, unit: str, measure: str, value: str) -> None:
    """Change one figure in the sample figures file."""
    path = project / "data" / "sample" / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    prefix = f"{period},{unit},{measure},"
    hits = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    assert len(hits) == 1, prefix
    source = lines[hits[0]].rsplit(",", 1)[1]
    lines[hits[0]] = f"{prefix}{value},{source}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def grassroots_of(project: Path, district: str) -> str:
    """The first grassroots unit of a district, from the units file."""
    for line in (project / "data" / "org" / "units-2022.csv").read_text(encoding="utf-8").splitlines():
        if line.endswith(f",{district}"):
            return line.split(",", 1)[0]
    raise AssertionError(district)


def read_from_store(project: Path) -> None:
    """Make the project's reports read the store ($REPORTKIT_STORE), as the office's do."""
    defaults = project / "params" / "defaults.yaml"
    text = defaults.read_text(encoding="utf-8")
    defaults.write_text(
        text.replace("figures_file: sample/figures.csv", 'figures_file: ""'), encoding="utf-8"
    )


def take_in_sample(store_dir: Path, periods: tuple[str, ...] = ("2021-FY", "2022-FY")) -> None:
    """Take the sample submissions of these periods into a store, as `make reports` does."""
    from reportkit.submissions.intake import take_in_files

    files = sorted(f for p in periods for f in (ROOT / "data" / "sample" / "submissions").glob(f"{p}-*.csv"))
    received = take_in_files(files, ROOT / "data", store_dir)
    assert [r.status for r in received] == ["accepted"] * len(files), [r.verdict for r in received]


def resubmit(store_dir: Path, folder: Path, period: str, district: str, changes: dict[tuple[str, str], str]):
    """A district's corrected submission (real data, not a sample): its sample file with `changes`
    ((unit, measure) -> value), taken into the store. Returns what intake made of it."""
    from reportkit.submissions.intake import take_in_files

    sample = ROOT / "data" / "sample" / "submissions" / f"{period}-{district}.csv"
    lines = sample.read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        row_period, unit, name, measure, value, _source = line.split(",")
        out.append(",".join([row_period, unit, name, measure, changes.get((unit, measure), value), ""]))
    folder.mkdir(parents=True, exist_ok=True)
    sent = len(list(folder.iterdir()))
    path = folder / f"{period}-{district}-{sent}.csv"
    # Blank lines (skipped when read) make each file new to the store, even with the same figures.
    path.write_text("\n".join(out) + "\n" * (1 + sent), encoding="utf-8")
    [received] = take_in_files([path], ROOT / "data", store_dir)
    assert received.status == "accepted", received.verdict
    return received
