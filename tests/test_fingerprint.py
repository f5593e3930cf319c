"""Fingerprints: which reports an edit makes stale, worked out without building anything."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import ROOT, figures, make_targets, make_tree
from tinyproject import grassroots_of, make_project, set_figure, write_notebooks

from reportkit import fingerprint
from reportkit.build import Layout, fingerprint_jobs, plan_build
from reportkit.fingerprint import DataDigests, combine
from reportkit.intake import load_period_figures

DISTRICTS = ["917", "918", "919", "923", "924", "925", "926", "927"]


def keys(project, levels=()) -> dict[str, str]:
    layout = Layout(project)
    plan = plan_build(layout, "2022-FY", levels=levels)
    return {stem.split("-")[0]: combine(inputs) for stem, inputs in fingerprint_jobs(layout, plan).items()}


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
    code = package / "metrics.py"
    assert stale_after(project, lambda: code.write_text(code.read_text() + "\n")) == {"92", *DISTRICTS}
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


def test_data_digests_read_the_subtree_in_both_periods_and_its_targets():
    tree = make_tree()  # C: D1 (G1, G2), D2 (G3)
    now = {("G1", "models"): 1, ("G3", "models"): 2, ("D2", "weak"): 0}
    before = figures({("G1", "models"): 1}, period="B")
    base = DataDigests(figures(now), before, make_targets())

    def digests(now_values=now, previous=before, targets=None):
        return DataDigests(figures(now_values), previous, make_targets() if targets is None else targets)

    g3_changed = digests({**now, ("G3", "models"): 5})
    assert g3_changed.unit(tree, "D1") == base.unit(tree, "D1")
    assert g3_changed.unit(tree, "D2") != base.unit(tree, "D2")
    assert g3_changed.unit(tree, "C") != base.unit(tree, "C")
    no_d2_target = digests(targets={k: v for k, v in make_targets().items() if k[0] != "D2"})
    assert no_d2_target.unit(tree, "D1") == base.unit(tree, "D1")
    assert no_d2_target.unit(tree, "D2") != base.unit(tree, "D2")
    assert digests(previous=None).unit(tree, "G1") != base.unit(tree, "G1")
    assert digests(previous=figures({("G1", "models"): 2}, period="B")).unit(tree, "G2") == base.unit(
        tree, "G2"
    )


def test_load_period_figures_reads_one_period_of_a_source():
    current = load_period_figures(ROOT / "data", "sample/figures.csv", "2022-FY")
    assert current.period == "2022-FY" and current.is_sample and current.get("917", "new_members") is not None
