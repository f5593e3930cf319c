"""Rebuild decisions, one rule each (issue 14): what makes a report stale, through the planner.

Written at the level of "changing X changes the report's key" with the planner's public API
(plan_build, fingerprint_jobs, combine), so the tests hold however the digests are computed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json

import pytest
from tinyproject import make_project

from reportkit.build.fingerprint import combine
from reportkit.build.manifest import BUILT, FAILED, Entry, Manifest, now_utc
from reportkit.build.plan import fingerprint_jobs, plan_build
from reportkit.paths import ProjectPaths
from reportkit.report.inputs import load_period_figures

PERIOD = "2022-FY"
DISTRICTS = {"917", "918", "919", "923", "924", "925", "926", "927"}
EVERY_REPORT = {"92", *DISTRICTS}


def keys(project) -> dict[str, str]:
    paths = ProjectPaths.at(project)
    plan = plan_build(paths, PERIOD)
    return {stem.split("-")[0]: combine(inputs) for stem, inputs in fingerprint_jobs(paths, plan).items()}


def stale_after(project, edit) -> set[str]:
    before = keys(project)
    assert len(before) == len(EVERY_REPORT) and len(set(before.values())) == len(before)
    edit()
    after = keys(project)
    assert after.keys() == before.keys()
    return {code for code in before if before[code] != after[code]}


def replace_once(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path)


# ---------- periods.yaml ----------


def test_a_changed_report_date_makes_every_report_of_the_period_stale(project):
    # The date line of every report of 2022-FY reads this date.
    path = project / "data" / "periods.yaml"
    assert stale_after(
        project, lambda: replace_once(path, "report_date: 2022-12-15", "report_date: 2022-12-20")
    ) == (EVERY_REPORT)


def test_a_changed_period_label_makes_every_report_of_the_period_stale(project):
    path = project / "data" / "periods.yaml"
    assert stale_after(project, lambda: replace_once(path, "label: năm 2022\n", "label: cả năm 2022\n")) == (
        EVERY_REPORT
    )


def test_another_periods_entry_changes_nothing(project):
    # 2022-H1 is neither the period built nor its same period last year (2021-FY).
    path = project / "data" / "periods.yaml"
    edit = lambda: replace_once(path, "report_date: 2022-06-15", "report_date: 2022-06-20")  # noqa: E731
    assert stale_after(project, edit) == set()


# ---------- the data a report reads ----------


def test_a_target_basis_makes_that_district_and_the_city_stale(project):
    # The basis decides the "(giả định)" note on a target: plan and sample read differently.
    path = project / "data" / "targets" / "targets-2022.csv"
    line = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("925,"))
    assert line.endswith(",sample")
    edit = lambda: replace_once(path, line + "\n", line.removesuffix("sample") + "plan\n")  # noqa: E731
    assert stale_after(project, edit) == {"92", "925"}


def test_figures_that_stop_being_sample_make_every_report_stale(project):
    # The 2022-FY figures now come from real submissions, with the same values: no report of
    # the period may carry the "SỐ LIỆU MẪU" mark any more. Only is_sample differs.
    path = project / "data" / "sample" / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    before = load_period_figures(project / "data", "sample/figures.csv", PERIOD)

    def edit():
        real = [line.rsplit(",", 1)[0] + ",hoso" if line.startswith(f"{PERIOD},") else line for line in lines]
        path.write_text("\n".join(real) + "\n", encoding="utf-8")

    stale = stale_after(project, edit)
    after = load_period_figures(project / "data", "sample/figures.csv", PERIOD)
    assert before.is_sample and not after.is_sample and after.values == before.values
    assert stale == EVERY_REPORT


# ---------- the manifest: built from these inputs, and the outputs still there ----------


def built_manifest(out_dir, status=BUILT, key="k1"):
    manifest = Manifest(out_dir, PERIOD)
    entry = Entry(stem="917-quan-o-mon", unit="917", title="Quận Ô Môn", status=status, key=key)
    manifest.record(entry)
    (out_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    for name in entry.outputs().values():
        (out_dir / name).write_text("x", encoding="utf-8")
    return manifest, entry


def test_a_report_with_its_key_and_all_outputs_is_current(tmp_path):
    manifest, entry = built_manifest(tmp_path)
    assert manifest.is_current(entry.stem, "k1")


@pytest.mark.parametrize("kind", ["html", "pdf", "notebook"])
def test_a_deleted_output_makes_the_report_stale(tmp_path, kind):
    manifest, entry = built_manifest(tmp_path)
    (tmp_path / entry.outputs()[kind]).unlink()
    assert not manifest.is_current(entry.stem, "k1")


def test_an_output_replaced_by_a_folder_makes_the_report_stale(tmp_path):
    manifest, entry = built_manifest(tmp_path)
    pdf = tmp_path / entry.outputs()["pdf"]
    pdf.unlink()
    pdf.mkdir()
    assert not manifest.is_current(entry.stem, "k1")


def test_another_key_a_failed_build_or_no_entry_is_not_current(tmp_path):
    manifest, entry = built_manifest(tmp_path)
    assert not manifest.is_current(entry.stem, "k2")
    assert not manifest.is_current("918-quan-binh-thuy", "k1")
    failed, entry = built_manifest(tmp_path, status=FAILED)
    assert not failed.is_current(entry.stem, "k1")


def test_a_saved_manifest_reads_back_current(tmp_path):
    manifest, entry = built_manifest(tmp_path)
    manifest.save()
    again = Manifest.load(tmp_path, PERIOD)
    assert again.is_current(entry.stem, "k1") and not again.is_current(entry.stem, "k2")
    (tmp_path / entry.outputs()["pdf"]).unlink()
    assert not Manifest.load(tmp_path, PERIOD).is_current(entry.stem, "k1")


# ---------- the manifest read back, what changed, the kept PDF, the lock, temp files ----------


def test_a_manifest_of_another_period_or_format_or_unreadable_is_empty(tmp_path):
    manifest, _ = built_manifest(tmp_path)
    manifest.save()
    assert Manifest.load(tmp_path, "2022-H1").entries == {}
    saved = (tmp_path / "manifest.json").read_text(encoding="utf-8")
    (tmp_path / "manifest.json").write_text(saved.replace('"format": 1', '"format": 2'), encoding="utf-8")
    assert Manifest.load(tmp_path, PERIOD).entries == {}
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    assert Manifest.load(tmp_path, PERIOD).entries == {}
    (tmp_path / "manifest.json").write_text('{"format": 1, "period": "2022-FY"}', encoding="utf-8")
    assert Manifest.load(tmp_path, PERIOD).entries == {}  # no reports at all


def test_changed_inputs_name_what_differs_else_say_why_it_is_rebuilt(tmp_path):
    manifest = Manifest(tmp_path, PERIOD)
    manifest.record(Entry("a", "917", "A", BUILT, "k", inputs={"figures": "1", "wording": "2"}))
    manifest.record(Entry("b", "918", "B", FAILED, "k", inputs={"figures": "1"}))
    assert manifest.changed_inputs("new-one", {"figures": "1"}) == ("new",)
    assert manifest.changed_inputs("a", {"figures": "9", "wording": "2", "params": "3"}) == (
        "figures",
        "params",
    )
    assert manifest.changed_inputs("a", {"figures": "1", "wording": "2"}) == ("outputs",)
    assert manifest.changed_inputs("b", {"figures": "1"}) == ("failed",)


def test_last_good_build_is_the_build_itself_or_the_one_kept_before_a_failure(tmp_path):
    manifest = Manifest(tmp_path, PERIOD)
    manifest.record(Entry("a", "917", "A", BUILT, "k", built_at="2026-12-02T07:05:00+00:00"))
    manifest.record(
        Entry("b", "918", "B", FAILED, "k", built_at="t2", last_good_at="2026-12-01T01:00:00+00:00")
    )
    assert manifest.last_good_at("a") == "2026-12-02T07:05:00+00:00"
    assert manifest.last_good_at("b") == "2026-12-01T01:00:00+00:00"
    assert manifest.last_good_at("c") == ""


@pytest.fixture
def vietnam_time(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")  # UTC+7, no summer time
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_kept_pdf_says_which_build_it_is_from_in_local_time(tmp_path, vietnam_time):
    import os

    manifest = Manifest(tmp_path, PERIOD)
    manifest.record(Entry("a", "917", "A", FAILED, "k", last_good_at="2026-12-02T07:05:00+00:00"))
    manifest.record(Entry("old", "918", "B", FAILED, "k"))  # written before last_good_at was kept
    manifest.record(Entry("ok", "919", "C", BUILT, "k"))
    assert manifest.kept_note("a") == ""  # no PDF kept: nothing to say
    for stem in ("a", "old", "ok"):
        (tmp_path / f"{stem}.pdf").write_text("x", encoding="utf-8")
    os.utime(tmp_path / "old.pdf", (1577836800, 1577836800))  # 2020-01-01 00:00 UTC
    # 07:05 UTC is 14:05 at UTC+7; the PDF of 2020-01-01 00:00 UTC is 07:00 that day.
    assert manifest.kept_note("a") == "bản của lần lập trước, 14:05 ngày 02/12/2026"
    assert manifest.kept_note("old") == "bản của lần lập trước, 07:00 ngày 01/01/2020"
    assert manifest.kept_note("ok") == "" and manifest.kept_note("missing") == ""


def test_a_second_build_of_the_same_period_is_refused_while_the_first_runs(tmp_path):
    from reportkit.build.manifest import period_lock
    from reportkit.errors import BuildBusyError

    out = tmp_path / PERIOD
    out.mkdir()
    (out / ".build.lock").write_text("", encoding="utf-8")  # an earlier version's lock file
    with period_lock(out):
        assert not (out / ".build.lock").exists()
        with pytest.raises(BuildBusyError, match="Một lần lập báo cáo khác đang ghi vào"), period_lock(out):
            pass
    with period_lock(out):  # released at the end
        pass


def test_stale_temp_files_are_removed_and_nothing_else(tmp_path):
    from reportkit.build.manifest import remove_stale_temp_files

    for folder in ("", "notebooks", "logs"):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / ".a.pdf.x1.tmp").write_text("", encoding="utf-8")
    (tmp_path / "keep.tmp").write_text("", encoding="utf-8")  # not a hidden temp file
    (tmp_path / ".keep.pdf").write_text("", encoding="utf-8")
    removed = remove_stale_temp_files(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in removed) == [
        ".a.pdf.x1.tmp",
        "logs/.a.pdf.x1.tmp",
        "notebooks/.a.pdf.x1.tmp",
    ]
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [".keep.pdf", "keep.tmp"]


@pytest.mark.parametrize(("save_s", "every_s"), [(0.001, 1.0), (0.07, 3.5)])
def test_the_manifest_is_saved_every_second_unless_saving_it_takes_a_share_of_the_build(
    monkeypatch, tmp_path, save_s, every_s
):
    # 1.000 reports make a 2,5 MB manifest that takes 0,07 s to save: saved each second, that
    # would be 7% of the build's time in its dispatching thread.
    from types import SimpleNamespace

    from reportkit.build import plan
    from reportkit.build.spec import BuildOptions

    clock = SimpleNamespace(now=100.0)
    monkeypatch.setattr(plan, "time", SimpleNamespace(perf_counter=lambda: clock.now))
    saves = []

    class TimedManifest:
        def save(self):
            saves.append(clock.now)
            clock.now += save_s

    run = plan.BuildRun(tmp_path, TimedManifest(), {}, {}, BuildOptions(), {})
    while clock.now < 160.0:
        run.unsaved = True  # a report finished
        run._save_now_and_then()
        clock.now += 0.25
    gaps = [later - earlier for earlier, later in itertools.pairwise(saves)]
    assert every_s - 0.25 <= min(gaps) and max(gaps) <= every_s + 0.25 + save_s
    assert every_s == pytest.approx(max(plan.MANIFEST_SAVE_EVERY_S, save_s / plan.MANIFEST_SAVE_SHARE))


# ---------- a notebook's digest: its content, not its cell ids ----------


def test_a_notebooks_digest_ignores_cell_ids_but_not_a_broken_or_missing_file(tmp_path):
    import json

    from reportkit.build.fingerprint import digest_notebook

    path = tmp_path / "n.ipynb"
    cells = [{"cell_type": "code", "source": "x = 1", "id": "a1"}]
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    first = digest_notebook(path)
    cells[0]["id"] = "b2"  # Jupyter gave the cell a new id: the same notebook
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert digest_notebook(path) == first
    cells[0]["source"] = "x = 2"  # a changed cell: another notebook
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert digest_notebook(path) != first
    path.write_text("{broken", encoding="utf-8")  # not JSON: digested by its bytes, still distinct
    broken = digest_notebook(path)
    path.write_text("{broken too", encoding="utf-8")
    assert len({first, broken, digest_notebook(path)}) == 3
    path.unlink()
    assert digest_notebook(path) not in {first, broken}


def test_a_notebook_without_cell_ids_or_without_cells_is_digested_not_refused(tmp_path):
    import json

    from reportkit.build.fingerprint import digest_notebook

    # nbformat 4.4 and older notebooks have no cell ids; a file with no cells is a notebook the
    # run will refuse, which the planner must still key (not crash on).
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "source": "x = 1"}]}), encoding="utf-8")
    without_ids = digest_notebook(path)
    path.write_text(
        json.dumps({"cells": [{"cell_type": "code", "source": "x = 1", "id": "z"}]}), encoding="utf-8"
    )
    assert digest_notebook(path) == without_ids
    path.write_text(json.dumps({"metadata": {}}), encoding="utf-8")
    no_cells = digest_notebook(path)
    path.write_text(json.dumps({"metadata": {"kernelspec": {}}}), encoding="utf-8")
    assert len({without_ids, no_cells, digest_notebook(path)}) == 3


# ---------- the manifest file itself ----------


def test_a_manifest_read_empty_or_whole_is_saved_again_for_its_own_folder_and_period(tmp_path):
    # Whatever was on disk (another period's, another format's, unreadable, or a good one),
    # the manifest read back keeps its folder and period: the next save is read by the next build.
    manifest, entry = built_manifest(tmp_path)
    manifest.save()
    saved = (tmp_path / "manifest.json").read_text(encoding="utf-8")
    on_disk = {
        "another period": saved.replace(f'"period": "{PERIOD}"', '"period": "2022-H1"'),
        "another format": saved.replace('"format": 1', '"format": 2'),
        "unreadable": "{not json",
        "good": saved,
    }
    for why, text in on_disk.items():
        (tmp_path / "manifest.json").write_text(text, encoding="utf-8")
        again = Manifest.load(tmp_path, PERIOD)
        again.record(dataclasses.replace(entry, key="k2"))
        again.save()
        assert Manifest.load(tmp_path, PERIOD).is_current(entry.stem, "k2"), why


def test_a_report_recorded_again_is_saved_as_recorded_last(tmp_path):
    # A long build saves every second: the second save must write the entry as it is now (rebuilt,
    # failed), not as the first save saw it.
    manifest, entry = built_manifest(tmp_path)
    manifest.save()
    manifest.record(dataclasses.replace(entry, key="k2", status=FAILED, error="Hết thời gian"))
    manifest.save()
    again = Manifest.load(tmp_path, PERIOD).entries[entry.stem]
    assert (again.key, again.status, again.error) == ("k2", FAILED, "Hết thời gian")


def test_the_saved_manifest_names_each_reports_outputs_and_keeps_vietnamese_readable(tmp_path):
    manifest, entry = built_manifest(tmp_path)
    manifest.record(dataclasses.replace(entry, status=FAILED, error="Ô trống ở dòng 3"))
    manifest.save()
    text = (tmp_path / "manifest.json").read_text(encoding="utf-8")
    # People read this file: the title and the error as written, not as \u escapes, each field on
    # a line of its own, so two builds' manifests compare line by line.
    assert "Quận Ô Môn" in text and "Ô trống ở dòng 3" in text
    lines = [line.strip() for line in text.splitlines()]
    assert '"error": "Ô trống ở dòng 3",' in lines and '"status": "failed",' in lines
    saved = json.loads(text)
    assert saved["format"] == 1 and saved["period"] == PERIOD
    assert saved["reports"]["917-quan-o-mon"]["outputs"] == {
        "html": "917-quan-o-mon.html",
        "pdf": "917-quan-o-mon.pdf",
        "notebook": "notebooks/917-quan-o-mon.ipynb",
    }
    assert "stem" not in saved["reports"]["917-quan-o-mon"]  # the report's key in "reports" says it


def test_a_build_time_is_utc_to_the_second():
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    moment = dt.datetime.fromisoformat(now_utc())
    after = dt.datetime.now(dt.UTC)
    assert moment.utcoffset() == dt.timedelta(0) and moment.microsecond == 0
    assert before <= moment <= after


def test_a_temp_file_removed_by_someone_else_meanwhile_is_skipped(tmp_path, monkeypatch):
    import os

    from reportkit.build.manifest import remove_stale_temp_files

    for name in (".a.pdf.x1.tmp", ".b.pdf.x2.tmp"):
        (tmp_path / name).write_text("", encoding="utf-8")
    real_unlink = os.unlink

    def unlink_gone(path):
        real_unlink(path)
        if str(path).endswith(".a.pdf.x1.tmp"):  # another process got there first
            raise FileNotFoundError(path)

    monkeypatch.setattr(os, "unlink", unlink_gone)
    removed = remove_stale_temp_files(tmp_path)
    assert [p.name for p in removed] == [".b.pdf.x2.tmp"]
    assert not list(tmp_path.iterdir())


def test_compiled_caches_are_not_part_of_the_kits_digest(tmp_path):
    # Python writes __pycache__ the first time the kit runs: that must not make every report stale.
    from reportkit.build.fingerprint import digest_files

    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "metrics.py").write_text("x = 1\n", encoding="utf-8")
    first = digest_files(tmp_path, "**/*")
    (tmp_path / "report" / "__pycache__").mkdir()
    (tmp_path / "report" / "__pycache__" / "metrics.cpython-311.pyc").write_bytes(b"\x00compiled")
    assert digest_files(tmp_path, "**/*") == first
    (tmp_path / "report" / "metrics.py").write_text("x = 2\n", encoding="utf-8")
    assert digest_files(tmp_path, "**/*") != first


def test_the_versions_recorded_are_pythons_the_kits_and_each_report_packages(monkeypatch):
    import platform
    from importlib import metadata

    from reportkit import __version__
    from reportkit.build import fingerprint

    installed = {"pandas": "2.2.3", "babel": "2.16.0"}

    def version(name):
        if name not in installed:
            raise metadata.PackageNotFoundError(name)
        return installed[name]

    monkeypatch.setattr(metadata, "version", version)
    versions = fingerprint.package_versions()
    assert versions["python"] == platform.python_version() and versions["reportkit"] == __version__
    assert versions["pandas"] == "2.2.3" and versions["babel"] == "2.16.0"
    assert versions["nbconvert"] == "absent"  # not installed: said so, not left out
    assert set(versions) == {"python", "reportkit", *fingerprint.REPORT_PACKAGES}
