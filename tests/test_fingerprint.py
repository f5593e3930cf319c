"""Fingerprints: which reports an edit makes stale, worked out without building anything."""

from __future__ import annotations

import dataclasses
import re
import shutil
from decimal import Decimal

import pytest
from conftest import ROOT, make_catalogue, make_period, make_targets, make_tree
from tinyproject import (
    grassroots_of,
    make_project,
    read_from_store,
    resubmit,
    set_figure,
    take_in_sample,
    write_notebooks,
)
from workbooks import district_values

from reportkit.build import fingerprint
from reportkit.build.fingerprint import combine
from reportkit.build.plan import fingerprint_jobs, plan_build
from reportkit.paths import ProjectPaths
from reportkit.report.inputs import PeriodFigures, PeriodInputs, load_period_figures, unit_report_inputs

DISTRICTS = ["917", "918", "919", "923", "924", "925", "926", "927"]


def keys(project, levels=()) -> dict[str, str]:
    paths = ProjectPaths.at(project)
    plan = plan_build(paths, "2022-FY", levels=levels)
    return {stem.split("-")[0]: combine(inputs) for stem, inputs in fingerprint_jobs(paths, plan).items()}


def stale_after(project, edit, levels=()) -> set[str]:
    before = keys(project, levels)
    edit()
    after = keys(project, levels)
    return {code for code in before if before[code] != after[code]}


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path)


def test_nothing_changed_means_the_same_keys(project):
    first = keys(project)
    assert set(first) == {"92", *DISTRICTS}
    assert all(re.fullmatch("[0-9a-f]{64}", key) for key in first.values()), first
    assert len(set(first.values())) == len(first)  # each report reads its own data
    assert keys(project) == first


def test_a_moved_checkout_keeps_its_keys(project, tmp_path):
    # data_dir and params_dir say where the project is, not what a report says.
    moved = tmp_path / "elsewhere" / "project"
    shutil.copytree(project, moved)
    assert keys(moved) == keys(project)


def test_a_grassroots_figure_makes_its_district_and_the_city_stale(project):
    commune = grassroots_of(project, "917")
    assert stale_after(project, lambda: set_figure(project, "2022-FY", commune, "coop_groups", "97")) == {
        "92",
        "917",
    }


def test_a_figure_of_the_same_period_last_year_counts_too(project):
    edit = lambda: set_figure(project, "2021-FY", "918", "new_members", "1")  # noqa: E731
    assert stale_after(project, edit) == {"92", "918"}


def test_a_figure_of_another_period_changes_nothing(project):
    assert stale_after(project, lambda: set_figure(project, "2022-H1", "918", "new_members", "1")) == set()


def test_a_district_target_makes_that_district_and_the_city_stale(project):
    path = project / "data" / "targets" / "targets-2022.csv"
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("925,"))
    code, indicator, _, basis = line.split(",")
    edit = lambda: path.write_text(text.replace(line, f"{code},{indicator},1,{basis}"), encoding="utf-8")  # noqa: E731
    assert stale_after(project, edit) == {"92", "925"}


def test_the_analyst_text_of_a_unit_makes_only_that_report_stale(project):
    path = project / "params" / "narrative" / "2022-FY" / "919.md"
    assert stale_after(
        project, lambda: path.write_text("## II. Đánh giá chung\nTốt.\n", encoding="utf-8")
    ) == {"919"}


def test_unit_params_make_only_that_report_stale(project):
    path = project / "params" / "units" / "923.yaml"
    assert stale_after(project, lambda: path.write_text("signer_name: Nguyễn Văn A\n", encoding="utf-8")) == {
        "923"
    }


def test_defaults_make_every_report_stale(project):
    path = project / "params" / "defaults.yaml"
    edit = lambda: path.write_text(path.read_text(encoding="utf-8") + 'doc_number: "12"\n', encoding="utf-8")  # noqa: E731
    assert stale_after(project, edit) == {"92", *DISTRICTS}


def test_a_comment_in_the_params_changes_nothing(project):
    path = project / "params" / "defaults.yaml"
    assert stale_after(project, lambda: path.write_text("# x\n" + path.read_text(encoding="utf-8"))) == set()


def test_the_district_notebook_makes_the_districts_stale_not_the_city(project):
    edit = lambda: write_notebooks(project, district=("1 + 1",))  # noqa: E731
    assert stale_after(project, edit) == set(DISTRICTS)


def test_rewriting_the_notebooks_with_new_cell_ids_changes_nothing(project):
    assert stale_after(project, lambda: write_notebooks(project)) == set()


@pytest.mark.parametrize("name", ["wording/vi.yaml", "catalogue/indicators-2022.yaml", "org/units-2022.csv"])
def test_files_that_shape_every_report_make_every_report_stale(project, name):
    path = project / "data" / name
    assert stale_after(project, lambda: path.write_text(path.read_text() + "\n")) == {"92", *DISTRICTS}


def test_templates_code_and_versions_are_inputs_of_every_report(project, tmp_path, monkeypatch):
    package = tmp_path / "package"
    shutil.copytree(fingerprint.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint, "PACKAGE_DIR", package)
    css = package / "templates" / "reportkit" / "report.css"
    assert stale_after(project, lambda: css.write_text(css.read_text() + "\n")) == {"92", *DISTRICTS}
    code = package / "report" / "metrics.py"
    assert stale_after(project, lambda: code.write_text(code.read_text() + "\n")) == {"92", *DISTRICTS}
    font = package / "fonts" / "LiberationSerif-Regular.ttf"
    assert stale_after(project, lambda: font.write_bytes(font.read_bytes() + b"\0")) == {"92", *DISTRICTS}
    problems = package / "data" / "problems.yaml"
    assert stale_after(project, lambda: problems.write_text(problems.read_text() + "\n")) == {
        "92",
        *DISTRICTS,
    }
    versions = fingerprint.package_versions()
    edit = lambda: monkeypatch.setattr(fingerprint, "package_versions", lambda: versions | {"pandas": "0"})  # noqa: E731
    assert stale_after(project, edit) == {"92", *DISTRICTS}


def test_a_grassroots_build_keys_each_commune_on_its_own_data(project):
    commune = grassroots_of(project, "918")
    edit = lambda: set_figure(project, "2022-FY", commune, "coop_groups", "97")  # noqa: E731
    assert stale_after(project, edit, levels=("grassroots",)) == {commune}


def test_an_unreadable_figures_file_still_gives_a_key(project):
    before = keys(project)
    (project / "params" / "units" / "918.yaml").write_text(
        "figures_file: sample/missing.csv\n", encoding="utf-8"
    )
    after = keys(project)
    # The unreadable source gives 918 a key of its own, stable from one plan to the next (the
    # report fails and says why), and the other reports keep theirs.
    assert after == keys(project)
    assert {code for code in after if after[code] != before[code]} == {"918"}
    assert after["918"] not in set(before.values())


def period_inputs(now, before=None, targets=None, sample=False) -> PeriodInputs:
    """A period's inputs around the small tree of conftest, without files."""

    def rows(values, period):
        return PeriodFigures.from_rows(
            period, "", [(u, m, Decimal(str(v)), sample) for (u, m), v in values.items()], sample
        )

    by_unit = {}
    for key, target in (make_targets() if targets is None else targets).items():
        by_unit.setdefault(target.unit_code, {})[key] = target
    return PeriodInputs(
        period=make_period(),
        previous=make_period("B") if before is not None else None,
        tree=make_tree(),  # C: D1 (G1, G2), D2 (G3)
        catalogue=make_catalogue(),
        targets=by_unit,
        figures=rows(now, "P"),
        previous_figures=rows(before, "B") if before is not None else None,
        wording={},
        reads={},
    )


def test_a_report_is_given_and_keyed_on_its_subtree_in_both_periods_and_its_targets(tmp_path):
    now = {("G1", "models"): 1, ("G3", "models"): 2, ("D2", "weak"): 0}
    before = {("G1", "models"): 1}

    def reads(code, now_values=now, previous=before, targets=None, sample=False):
        shared = period_inputs(now_values, previous, targets, sample)
        return unit_report_inputs(shared, code, tmp_path, {}).reads

    d1 = unit_report_inputs(period_inputs(now, before), "D1", tmp_path, {})
    assert set(d1.figures.values) == {("G1", "models")} and set(d1.targets) == {("D1", "new")}
    assert set(d1.previous_figures.values) == {("G1", "models")}
    g3_changed = {**now, ("G3", "models"): 5}
    assert reads("D1", g3_changed) == reads("D1")
    assert reads("D2", g3_changed)["figures"] != reads("D2")["figures"]
    assert reads("C", g3_changed)["figures"] != reads("C")["figures"]
    no_d2_target = {k: v for k, v in make_targets().items() if k[0] != "D2"}
    assert reads("D1", targets=no_d2_target) == reads("D1")
    assert reads("D2", targets=no_d2_target)["targets"] != reads("D2")["targets"]
    other_basis = {k: dataclasses.replace(t, basis="plan") for k, t in make_targets().items()}
    assert reads("D1", targets=other_basis)["targets"] != reads("D1")["targets"]
    assert reads("G1", previous=None)["figures_last_year"] != reads("G1")["figures_last_year"]
    assert reads("G2", previous={("G1", "models"): 2}) == reads("G2")
    assert reads("G2", sample=True)["figures"] != reads("G2")["figures"]


def test_load_period_figures_reads_one_period_of_a_source():
    current = load_period_figures(ROOT / "data", "sample/figures.csv", "2022-FY")
    assert current.period == "2022-FY" and current.is_sample and current.get("917", "new_members") is not None


def test_the_report_date_of_the_period_makes_every_report_stale(project):
    path = project / "data" / "periods.yaml"
    text = path.read_text(encoding="utf-8")
    edit = lambda: path.write_text(text.replace("report_date: 2022-12-15", "report_date: 2022-12-20"))  # noqa: E731
    assert stale_after(project, edit) == {"92", *DISTRICTS}


def test_another_periods_entry_changes_nothing(project):
    path = project / "data" / "periods.yaml"
    text = path.read_text(encoding="utf-8")
    edit = lambda: path.write_text(text.replace("report_date: 2022-06-15", "report_date: 2022-06-20"))  # noqa: E731
    assert stale_after(project, edit) == set()


def test_a_target_basis_makes_that_district_and_the_city_stale(project):
    path = project / "data" / "targets" / "targets-2022.csv"
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("926,"))
    code, indicator, value, basis = line.split(",")
    other = "plan" if basis != "plan" else "sample"
    edit = lambda: path.write_text(text.replace(line, f"{code},{indicator},{value},{other}"))  # noqa: E731
    assert stale_after(project, edit) == {"92", "926"}


def mark_real(project, period: str, units: set[str] | None) -> None:
    """Mark figures of a period as real data (source blank) rather than sample: all, or these units'."""
    path = project / "data" / "sample" / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines[1:], start=1):
        row_period, unit, *_ = line.split(",")
        if row_period == period and (units is None or unit in units):
            lines[i] = line.rsplit(",", 1)[0] + ","
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_district_figure_that_is_no_longer_sample_data_makes_it_and_the_city_stale(project):
    assert stale_after(project, lambda: mark_real(project, "2022-FY", {"918"})) == {"92", "918"}


def test_a_period_no_longer_sample_data_makes_every_report_stale(project):
    # Every report says whether the period is sample data.
    assert stale_after(project, lambda: mark_real(project, "2022-FY", None)) == {"92", *DISTRICTS}


def test_the_build_plans_with_exactly_what_the_notebooks_loader_reads(project):
    from reportkit.report.inputs import load_report_inputs

    paths = ProjectPaths.at(project)
    plan = plan_build(paths, "2022-FY", levels=("city", "district", "grassroots"))
    planned = fingerprint_jobs(paths, plan)
    for job in plan.jobs:
        reads = load_report_inputs(**job.parameters).reads  # as the notebook calls it
        kit = {"notebook", "kit", "templates", "fonts", "package_data", "versions"}
        assert {k: v for k, v in planned[job.stem].items() if k not in kit} == reads, job.stem


# --- the store: what the reports of an office read ------------------------------------------


@pytest.fixture(scope="module")
def sample_store_files(tmp_path_factory):
    store_dir = tmp_path_factory.mktemp("store")
    take_in_sample(store_dir)
    return store_dir


@pytest.fixture
def store_project(project, sample_store_files):
    store_dir = ProjectPaths.at(project).store_dir  # the project's own store, as `keys` plans with
    shutil.copytree(sample_store_files, store_dir)
    read_from_store(project)
    return project, store_dir


def test_a_corrected_submission_makes_exactly_its_district_and_the_city_stale(store_project, tmp_path):
    project, store_dir = store_project
    commune = grassroots_of(project, "917")
    figure = district_values("2022-FY", "917")[("917", "new_members")]
    edit = lambda: resubmit(  # noqa: E731
        store_dir, tmp_path / "inbox", "2022-FY", "917", {("917", "new_members"): str(figure + 7)}
    )
    assert stale_after(project, edit) == {"92", "917"}
    # Then a second correction, of one commune's figure: that commune's own report too, no other.
    both = {("917", "new_members"): str(figure + 7), (commune, "coop_groups"): "97"}
    edit = lambda: resubmit(store_dir, tmp_path / "inbox", "2022-FY", "917", both)  # noqa: E731
    assert stale_after(project, edit, levels=("city", "district", "grassroots")) == {"92", "917", commune}


def test_a_corrected_submission_of_last_year_counts_too(store_project, tmp_path):
    project, store_dir = store_project
    edit = lambda: resubmit(store_dir, tmp_path / "inbox", "2021-FY", "919", {("919", "new_members"): "1"})  # noqa: E731
    assert stale_after(project, edit) == {"92", "919"}


def test_the_same_submission_again_changes_nothing(store_project, tmp_path):
    project, store_dir = store_project
    figure = district_values("2022-FY", "918")[("918", "new_members")]
    resubmit(store_dir, tmp_path / "inbox", "2022-FY", "918", {("918", "new_members"): str(figure + 1)})
    # The same corrected figures, sent again in a new file: the reports would show the same.
    edit = lambda: resubmit(  # noqa: E731
        store_dir, tmp_path / "inbox", "2022-FY", "918", {("918", "new_members"): str(figure + 1)}
    )
    assert stale_after(project, edit) == set()


@pytest.mark.parametrize("missing", ["917-x.html", "917-x.pdf", "notebooks/917-x.ipynb"])
def test_a_report_with_a_missing_output_is_not_current(tmp_path, missing):
    from reportkit.build.manifest import BUILT, Entry, Manifest

    manifest = Manifest(tmp_path, "2022-FY", {"917-x": Entry("917-x", "917", "x", BUILT, "key", {"a": "1"})})
    for name in ("917-x.html", "917-x.pdf", "notebooks/917-x.ipynb"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    assert manifest.is_current("917-x", "key") and not manifest.is_current("917-x", "other")
    (tmp_path / missing).unlink()
    assert not manifest.is_current("917-x", "key")
    assert manifest.changed_inputs("917-x", {"a": "1"}) == ("outputs",)
