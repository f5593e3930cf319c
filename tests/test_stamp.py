"""The no-change stamp (build/stamp.py): trusted only while every file it was made from is as
stamped, never made from a file changed during or just before the build."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from tinyproject import make_project

from reportkit.build import stamp
from reportkit.build.plan import BuildOptions, build_period
from reportkit.cli import STORE_ENV, main
from reportkit.paths import ProjectPaths

PERIOD = "2022-FY"
REPORTS = [{"stem": "917-quan-o-mon", "unit": "917", "title": "Quận Ô Môn", "draft": ""}]


def age(folder: Path, seconds: float = 60) -> None:
    """Every file under `folder` last changed `seconds` ago: older than any racy window."""
    past = time.time() - seconds
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (past, past))


@pytest.fixture
def project(tmp_path) -> ProjectPaths:
    root = tmp_path / "project"
    for name in ("data/org", "params/units", "notebooks", "store"):
        (root / name).mkdir(parents=True)
    (root / "data/periods.yaml").write_text("default: 2022-FY\n", encoding="utf-8")
    (root / "params/units/917.yaml").write_text("doc_number: 12\n", encoding="utf-8")
    (root / "notebooks/district.ipynb").write_text("{}", encoding="utf-8")
    (root / "store/reportkit.sqlite").write_bytes(b"store v1")
    (root / "outputs" / PERIOD).mkdir(parents=True)
    (root / "outputs" / PERIOD / "917-quan-o-mon.pdf").write_bytes(b"%PDF")
    age(root)
    return ProjectPaths.at(root)


def stamped(paths: ProjectPaths, request=None) -> dict:
    request = request or stamp.request_of(paths, None, (), ())
    before = stamp.take_snapshot(paths)
    assert stamp.write_stamp(paths, request, before, paths.outputs(PERIOD), REPORTS)
    return request


def test_an_untouched_project_reads_its_stamp_back(project):
    request = stamped(project)
    found = stamp.read_stamp(project, request)
    assert found is not None and found["reports"] == REPORTS and found["period"] == PERIOD


EDITS = {
    "a data file touched": lambda root: os.utime(root / "data/periods.yaml"),
    "a data file added": lambda root: (root / "data/org/units-2026.csv").write_text("x", encoding="utf-8"),
    "a params file removed": lambda root: (root / "params/units/917.yaml").unlink(),
    "the store written": lambda root: (root / "store/reportkit.sqlite").write_bytes(b"store v2"),
    "a notebook saved": lambda root: (root / "notebooks/district.ipynb").write_text("{ }", encoding="utf-8"),
    "an output deleted": lambda root: (root / "outputs" / PERIOD / "917-quan-o-mon.pdf").unlink(),
    "an output added": lambda root: (root / "outputs" / PERIOD / "x.html").write_text("x", encoding="utf-8"),
    "the data folder gone": lambda root: os.rename(root / "data", root / "data-old"),
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_any_change_the_decision_could_read_voids_the_stamp(project, edit):
    request = stamped(project)
    EDITS[edit](project.root)
    assert stamp.read_stamp(project, request) is None


def test_a_stamp_is_for_its_own_request_only(project):
    stamped(project, stamp.request_of(project, PERIOD, ["917"], ()))
    assert stamp.read_stamp(project, stamp.request_of(project, PERIOD, ["917"], ())) is not None
    assert stamp.read_stamp(project, stamp.request_of(project, PERIOD, (), ())) is None
    assert stamp.read_stamp(project, stamp.request_of(project, None, ["917"], ())) is None


def test_an_installed_package_changed_voids_the_stamp(project, monkeypatch, tmp_path):
    packages = tmp_path / "site-packages"
    (packages / "pandas-2.2.2.dist-info").mkdir(parents=True)
    monkeypatch.setattr(stamp.sysconfig, "get_path", lambda name: str(packages))
    request = stamped(project)
    (packages / "pandas-2.2.2.dist-info").rename(packages / "pandas-2.2.3.dist-info")
    assert stamp.read_stamp(project, request) is None


def test_a_file_changed_while_the_build_ran_makes_no_stamp(project):
    request = stamp.request_of(project, None, (), ())
    before = stamp.take_snapshot(project)
    (project.root / "store/reportkit.sqlite").write_bytes(b"store v2")  # an intake during the build
    assert not stamp.write_stamp(project, request, before, project.outputs(PERIOD), REPORTS)
    assert stamp.read_stamp(project, request) is None


def test_a_file_changed_just_before_the_build_makes_no_stamp(project):
    # Same size, and within the racy window: a second edit in the same tick would go unseen.
    os.utime(project.root / "params/units/917.yaml", ns=(time.time_ns() - 10**9,) * 2)
    request = stamp.request_of(project, None, (), ())
    assert not stamp.write_stamp(
        project, request, stamp.take_snapshot(project), project.outputs(PERIOD), REPORTS
    )
    os.utime(project.root / "params/units/917.yaml", ns=(time.time_ns() - 3 * 10**9,) * 2)
    assert stamp.write_stamp(project, request, stamp.take_snapshot(project), project.outputs(PERIOD), REPORTS)


def test_a_build_that_fails_a_report_removes_the_old_stamp(project):
    request = stamped(project)
    assert stamp.stamp_file(project, request).is_file()
    (project.root / "data/periods.yaml").write_text("default: 2022-H1\n", encoding="utf-8")
    age(project.root / "data")
    assert not stamp.write_stamp(project, request, ({}, 0), project.outputs(PERIOD), REPORTS)
    assert not stamp.stamp_file(project, request).exists()


# --- through the build and the command (tiny notebooks, real PDFs) ---------------------------


@pytest.mark.e2e
def test_an_unchanged_build_answers_from_the_stamp_and_a_change_goes_the_full_way(
    tmp_path, monkeypatch, capsys
):
    root = make_project(tmp_path)
    paths = ProjectPaths.at(root, store_dir=os.environ[STORE_ENV])  # the command's store, as conftest sets it
    args = ["--root", str(root), "build", "--period", PERIOD, "--unit", "917"]
    assert main(args) == 0
    capsys.readouterr()
    age(root)  # the project as a user finds it the next day: no file in the racy window
    age(paths.store_dir)
    assert main(args) == 0  # the full way, which finds the report current and stamps that
    full = capsys.readouterr().out
    assert stamp.read_stamp(paths, stamp.request_of(paths, PERIOD, ["917"], ())) is not None

    def no_plan(*args, **kwargs):
        raise AssertionError("the stamp should have answered")

    with monkeypatch.context() as patched:
        patched.setattr("reportkit.build.plan.build_period", no_plan)
        assert main(args) == 0
    fast = capsys.readouterr().out

    def table(said: str) -> list[str]:  # the summary's rows, but the time taken
        return [" ".join(line.split()) for line in said.splitlines() if "│" in line][:-1]

    assert table(fast) == table(full) and any("1 báo cáo không đổi" in row for row in table(fast))

    pdf = next((root / "outputs" / PERIOD).glob("917-*.pdf"))
    pdf.unlink()
    _, results = build_period(paths, PERIOD, ["917"], options=BuildOptions(strict=True))
    assert [r.state.value for r in results] == ["built"] and pdf.is_file()
