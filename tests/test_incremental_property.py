"""Differential: after any sequence of edits, an incremental build gives what a clean build gives.

Each example starts from the same built project (tiny notebooks that print everything their
loader gave them, figures from the store), applies random edits one by one, builds
incrementally after each, and compares every report with a `--force` build from scratch of the
same inputs. An input the rebuild decision forgot shows up as a stale report here."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from tinyproject import (
    grassroots_of,
    make_project,
    read_from_store,
    resubmit,
    take_in_sample,
    write_notebooks,
)
from workbooks import district_values

from reportkit.build.plan import BuildOptions, JobState, build_period
from reportkit.cli import STORE_ENV
from reportkit.export.printing import PrintService
from reportkit.paths import ProjectPaths

pytestmark = pytest.mark.e2e

PERIOD = "2022-FY"
BUILT_UNITS = ["92", "917", "918"]
DISTRICTS = ["917", "918", "919"]  # 919's report is not built: its edits reach the city only
NOTEBOOK_PARAMETERS = ("figures_file", "doc_number", "doc_symbol", "place", "signer_name", "report_date")

# Everything the loader gave the report, and the notebook's own parameters, printed whole.
SHOW_ALL = f"""import dataclasses, html
given = {{f.name: getattr(inputs, f.name) for f in dataclasses.fields(inputs) if f.name != "reads"}}
own = {{name: globals()[name] for name in {NOTEBOOK_PARAMETERS!r}}}
display(HTML("<pre>" + html.escape(repr(given)) + html.escape(repr(own)) + "</pre>"))"""


def marker_cell(n: int) -> str:
    return f'display(HTML("<p>ô {n}</p>"))'


resubmissions = st.tuples(
    st.just("resubmit"), st.sampled_from(DISTRICTS), st.booleans(), st.integers(1, 40), st.booleans()
)
EDITS = st.one_of(
    resubmissions,
    st.tuples(
        st.just("narrative"), st.sampled_from(["92", *DISTRICTS]), st.sampled_from(["Tốt.", "Khá.", ""])
    ),
    st.tuples(st.just("target"), st.sampled_from(["92", *DISTRICTS]), st.integers(1, 9)),
    st.tuples(st.just("catalogue"), st.integers(1, 3)),
    st.tuples(
        st.just("params"), st.sampled_from(["92", *DISTRICTS]), st.sampled_from(["Lê Văn Ba", "Trần Thị Tư"])
    ),
    st.tuples(st.just("notebook"), st.sampled_from(["district", "city"]), st.integers(0, 2)),
    st.tuples(st.just("delete"), st.sampled_from(BUILT_UNITS), st.sampled_from([".html", ".pdf", ".ipynb"])),
    st.tuples(st.just("report_date"), st.integers(10, 20)),
)


class Project:
    """One example's project, its store, and the edits made to it."""

    def __init__(self, root: Path, template: Path) -> None:
        self.root = root
        shutil.copytree(template, root)
        self.project, self.store = root / "project", root / "store"
        self.inbox = root / "inbox"
        self.cells = {"district": [SHOW_ALL], "city": [SHOW_ALL]}

    def apply(self, edit: tuple) -> None:
        getattr(self, f"edit_{edit[0]}")(*edit[1:])

    def edit_resubmit(self, district: str, own: bool, delta: int, sample: bool) -> None:
        unit, measure = (
            (district, "new_members") if own else (grassroots_of(self.project, district), "coop_groups")
        )
        value = district_values(PERIOD, district)[(unit, measure)] + delta
        resubmit(self.store, self.inbox, PERIOD, district, {(unit, measure): str(value)})

    def edit_narrative(self, unit: str, text: str) -> None:
        path = self.project / "params" / "narrative" / PERIOD / f"{unit}.md"
        path.write_text(f"## II. Đánh giá chung\n{text}\n", encoding="utf-8")

    def edit_target(self, unit: str, digit: int) -> None:
        if unit == "92":  # the city's target is written once, in the catalogue
            path = self.project / "data" / "catalogue" / "indicators-2022.yaml"
            text = path.read_text(encoding="utf-8")
            block = text.index("id: new_members")
            start = text.index("city_target: ", block) + len("city_target: ")
            end = text.index("\n", start)
            path.write_text(text[:start] + text[start:end][:-1] + str(digit) + text[end:], encoding="utf-8")
            return
        path = self.project / "data" / "targets" / "targets-2022.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        i = next(i for i, line in enumerate(lines) if line.startswith(f"{unit},new_members,"))
        code, indicator, value, basis = lines[i].split(",")
        lines[i] = f"{code},{indicator},{value[:-1]}{digit},{basis}"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def edit_catalogue(self, n: int) -> None:
        path = self.project / "data" / "catalogue" / "indicators-2022.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(
            re.sub(r"(?m)^(\s+short: .*?)( \(\d\))?$", rf"\1 ({n})", text, count=1), encoding="utf-8"
        )

    def edit_params(self, unit: str, signer: str) -> None:
        (self.project / "params" / "units" / f"{unit}.yaml").write_text(
            f"signer_name: {signer}\n", encoding="utf-8"
        )

    def edit_notebook(self, which: str, n: int) -> None:
        self.cells[which] = [SHOW_ALL, *([marker_cell(n)] if n else [])]
        write_notebooks(self.project, district=tuple(self.cells["district"]), city=tuple(self.cells["city"]))

    def edit_delete(self, unit: str, suffix: str) -> None:
        folder = self.project / "outputs" / PERIOD
        [path] = (folder / "notebooks" if suffix == ".ipynb" else folder).glob(f"{unit}-*{suffix}")
        path.unlink()

    def edit_report_date(self, day: int) -> None:
        path = self.project / "data" / "periods.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(
            re.sub(r"report_date: 2022-12-\d\d", f"report_date: 2022-12-{day}", text), encoding="utf-8"
        )


def build(paths: ProjectPaths, printer: PrintService, force: bool = False) -> dict[str, JobState]:
    options = BuildOptions(force=force, workers=2)
    _, results = build_period(paths, PERIOD, BUILT_UNITS, options=options, printer=printer)
    assert all(r.ok for r in results), [(r.job.stem, r.error) for r in results if not r.ok]
    return {r.job.unit_code: r.state for r in results}


def page(path: Path) -> str:
    # Cell ids are no report's content (a notebook rewritten with new ids is not rebuilt, on purpose).
    return re.sub(r'id="cell-id=[^"]*"', 'id="cell-id"', path.read_text(encoding="utf-8"))


def reports(folder: Path) -> dict[str, str]:
    """Each report's page, and which outputs are there."""
    pages = {p.name: page(p) for p in sorted(folder.glob("*.html")) if p.name != "index.html"}
    present = sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.suffix in {".pdf", ".ipynb"}
    )
    return {**pages, "outputs": "\n".join(present)}


@pytest.fixture(scope="module")
def printer():
    """One browser for every build here: the builds are what is tested, not its start."""
    service = PrintService()
    service.start()
    yield service
    service.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory, printer):
    """A built project (the store holds the sample submissions), copied by every example."""
    root = tmp_path_factory.mktemp("template")
    project = make_project(root, district=(SHOW_ALL,), city=(SHOW_ALL,))
    read_from_store(project)
    take_in_sample(root / "store")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(STORE_ENV, str(root / "store"))
        paths = ProjectPaths.at(project, store_dir=root / "store")
        assert set(build(paths, printer).values()) == {JobState.BUILT}
    return root


# Each example builds several times: few examples, and no shrinking (the message lists the edits).
@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edits=st.lists(EDITS, min_size=1, max_size=2))
def test_an_incremental_build_after_any_edits_equals_a_clean_build(
    template, printer, tmp_path_factory, edits
):
    example = Project(tmp_path_factory.mktemp("example") / "copy", template)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(STORE_ENV, str(example.store))
        for step, edit in enumerate(edits):
            example.apply(edit)
            build(ProjectPaths.at(example.project, store_dir=example.store), printer)
            clean = example.root / f"clean-{step}"
            build(
                ProjectPaths.at(example.project, outputs_dir=clean, store_dir=example.store),
                printer,
                force=True,
            )
            assert reports(example.project / "outputs" / PERIOD) == reports(clean / PERIOD), edits[: step + 1]
