"""Building: incremental, isolated and safe, on a project with tiny notebooks (real PDFs)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from tinyproject import make_project, set_figure, write_notebooks

from reportkit.build import isolate
from reportkit.build.manifest import period_lock
from reportkit.build.plan import BuildOptions, JobState, build_period, plan_build
from reportkit.cli import main
from reportkit.errors import BuildBusyError, DataError
from reportkit.paths import ProjectPaths

pytestmark = pytest.mark.e2e

PERIOD = "2022-FY"
THREE = ["92", "917", "918"]


def build(project: Path, units=THREE, **options) -> dict[str, object]:
    options.setdefault("strict", True)  # a warning while a report runs fails it
    _, results = build_period(ProjectPaths.at(project), PERIOD, units, options=BuildOptions(**options))
    return {r.job.unit_code: r for r in results}


def states(results) -> dict[str, str]:
    return {code: r.state.value for code, r in results.items()}


def out(project: Path) -> Path:
    return project / "outputs" / PERIOD


def output_of(project: Path, code: str, suffix: str) -> Path:
    found = [p for p in out(project).glob(f"{code}-*{suffix}") if p.name.split("-")[0] == code]
    assert len(found) == 1, (code, suffix, found)
    return found[0]


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def manifest(project: Path) -> dict:
    return json.loads((out(project) / "manifest.json").read_text(encoding="utf-8"))["reports"]


def errors_in(notebook: Path) -> list[tuple[str, str]]:
    nb = nbformat.read(notebook, as_version=4)
    return [
        (o.ename, o.evalue)
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]


def assert_outputs_whole(folder: Path) -> None:
    """Every output is complete: a reader never finds half a file."""
    for pdf in folder.glob("*.pdf"):
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:], pdf.name
    for page in folder.glob("*.html"):
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page.name
    for notebook in (folder / "notebooks").glob("*.ipynb"):
        nbformat.read(notebook, as_version=4)
    json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def wait_for(condition, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie has finished: it only waits to be reaped by its parent.
    return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")


# --- incremental ---------------------------------------------------------------------------


def test_the_reports_that_took_longest_last_time_start_first_and_new_ones_before_them():
    from reportkit.build.manifest import BUILT, Entry, Manifest
    from reportkit.build.plan import Job, longest_first

    jobs = [Job(code, code, Path("district.ipynb"), code, {}) for code in ("92", "917", "918", "919", "923")]
    last = {"92": 3.5, "917": 1.2, "918": 2.4, "919": 1.2}  # 923 was never built
    entries = {stem: Entry(stem, stem, stem, BUILT, "key", seconds=s) for stem, s in last.items()}
    ordered = longest_first(jobs, Manifest(Path("out"), "2022-FY", entries))
    assert [job.stem for job in ordered] == ["923", "92", "918", "917", "919"]  # ties keep tree order


def test_a_rerun_with_nothing_changed_builds_nothing_and_writes_nothing(tmp_path):
    project = make_project(tmp_path)
    assert set(states(build(project, units=())).values()) == {"built"}
    before = snapshot(out(project))
    again = build(project, units=())
    assert set(states(again).values()) == {"skipped"} and len(again) == 9
    assert snapshot(out(project)) == before


def test_a_rerun_after_one_district_changed_rebuilds_exactly_that_district_and_the_city(tmp_path):
    project = make_project(tmp_path)
    build(project, units=())
    set_figure(project, PERIOD, "917", "new_members", "4321")
    results = build(project, units=())
    assert {c for c, r in results.items() if r.state is JobState.BUILT} == {"92", "917"}
    assert {c for c, r in results.items() if r.state is JobState.SKIPPED} == {
        "918", "919", "923", "924", "925", "926", "927",
    }  # fmt: skip
    assert results["917"].changed == ("figures",)
    assert "4321" in output_of(project, "917", ".html").read_text(encoding="utf-8")


def test_force_rebuilds_everything(tmp_path):
    project = make_project(tmp_path)
    build(project)
    assert set(states(build(project, force=True)).values()) == {"built"}


def test_the_manifest_records_status_inputs_duration_and_versions(tmp_path):
    project = make_project(tmp_path)
    build(project)
    entry = manifest(project)["917-quan-o-mon"]
    assert entry["status"] == "built" and entry["unit"] == "917" and entry["seconds"] > 0
    assert set(entry["inputs"]) == {
        *("notebook", "params", "narrative", "figures", "figures_last_year", "targets", "catalogue"),
        *("wording", "periods", "tree", "levels", "templates", "fonts", "package_data", "kit", "versions"),
    }
    assert {"python", "reportkit", "pandas", "matplotlib", "papermill", "nbconvert"} <= set(entry["versions"])
    assert entry["outputs"] == {
        "html": "917-quan-o-mon.html",
        "pdf": "917-quan-o-mon.pdf",
        "notebook": "notebooks/917-quan-o-mon.ipynb",
    }
    index = (out(project) / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{stem}.pdf"' in index for stem in manifest(project))


# --- failures --------------------------------------------------------------------------------

RAISES = 'if unit_code == "918":\n    raise ValueError("số liệu 918 hỏng")'


def test_a_notebook_that_raises_keeps_its_notebook_and_the_last_good_report(tmp_path):
    project = make_project(tmp_path)
    build(project)
    good = {s: output_of(project, "918", s).read_bytes() for s in (".html", ".pdf")}
    write_notebooks(project, district=(RAISES,))
    results = build(project)
    assert states(results) == {"92": "skipped", "917": "built", "918": "failed"}
    assert "số liệu 918 hỏng" in results["918"].error
    assert {s: output_of(project, "918", s).read_bytes() for s in (".html", ".pdf")} == good
    assert errors_in(out(project) / "notebooks" / "918-quan-binh-thuy.ipynb") == [
        ("ValueError", "số liệu 918 hỏng")
    ]
    assert manifest(project)["918-quan-binh-thuy"]["status"] == "failed"
    assert "LỖI: ValueError: số liệu 918 hỏng" in (out(project) / "index.html").read_text(encoding="utf-8")
    # A failed report is tried again even though nothing changed.
    assert states(build(project)) == {"92": "skipped", "917": "skipped", "918": "failed"}


def test_a_notebook_that_hangs_past_its_timeout_is_stopped_with_its_error(tmp_path):
    hang = 'import time\nif unit_code == "918":\n    time.sleep(600)'
    project = make_project(tmp_path, district=(hang,))
    results = build(project, units=["918"], timeout=3)
    assert states(results) == {"918": "failed"}
    assert "quá thời gian" in results["918"].error
    notebook = out(project) / "notebooks" / "918-quan-binh-thuy.ipynb"
    assert [e[0] for e in errors_in(notebook)] == ["ReportTimeout"]


def test_a_report_that_swallows_its_timeout_is_killed(tmp_path, monkeypatch):
    stubborn = (
        "import os, time\n"
        'if unit_code == "918":\n'
        '    open(os.path.join(data_dir, "pid"), "w").write(str(os.getpid()))\n'
        "    while True:\n"
        "        try:\n"
        "            time.sleep(600)\n"
        "        except BaseException:\n"
        "            pass"
    )
    monkeypatch.setattr(isolate, "KILL_GRACE_S", 1.0)
    project = make_project(tmp_path, district=(stubborn,), report=False)
    results = build(project, units=["918"], timeout=5)
    assert states(results) == {"918": "failed"}
    assert "đã bị dừng" in results["918"].error
    wait_for(lambda: process_gone(int((project / "data" / "pid").read_text())), 30)


def test_the_kernel_engine_has_a_timeout_too(tmp_path):
    hang = 'import time\nif unit_code == "918":\n    time.sleep(600)'
    project = make_project(tmp_path, district=(hang,))
    results = build(project, units=["918"], timeout=5, engine="kernel")
    assert results["918"].state is JobState.FAILED
    # The kernel's own cell timeout stopped it, not the kill after the grace period, and the
    # index says the time ran out (not a dashed preview of the cell).
    assert "quá thời gian cho phép (5,0 giây)" in results["918"].error, results["918"].error
    assert "đã bị dừng" not in results["918"].error


SLOW = (
    "import os, pathlib, time\n"
    'pathlib.Path(data_dir, f"pid-{unit_code}").write_text(str(os.getpid()))\n'  # closed: no ResourceWarning
    "time.sleep(3)"
)


def keys_of(project: Path) -> dict[str, str]:
    """Each unit's manifest key."""
    return {stem.split("-")[0]: entry["key"] for stem, entry in manifest(project).items()}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_a_build_killed_midway_leaves_no_half_written_file(tmp_path, sig):
    project = make_project(tmp_path)
    units = ["917", "918", "919"]
    assert main(["--root", str(project), "build", "--period", PERIOD, *(f"--unit={u}" for u in units)]) == 0
    good = {u: {s: output_of(project, u, s).read_bytes() for s in (".html", ".pdf")} for u in units}
    first_keys = keys_of(project)
    write_notebooks(project, district=(SLOW,))
    command = [sys.executable, "-m", "reportkit.cli", "--root", str(project), "build", "--period", PERIOD]
    command += ["--workers", "1", *(f"--unit={u}" for u in units)]
    # A test run in the background inherits SIGINT ignored; the build must get it as Ctrl-C.
    build_process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )

    def rebuilt() -> list[str]:
        return [u for u, key in keys_of(project).items() if key != first_keys[u]]

    def running() -> list[str]:
        return [u for u in units if (project / "data" / f"pid-{u}").exists() and u not in rebuilt()]

    try:
        # Wait until one report is rebuilt and recorded, and the next one is running.
        wait_for(lambda: rebuilt() and running())
        os.kill(build_process.pid, sig)
        code = build_process.wait(120)
    finally:
        build_process.kill()
    assert code == (-signal.SIGKILL if sig == signal.SIGKILL else 130)
    [finished], [killed] = rebuilt(), running()
    # The report process of the killed report does not outlive the build.
    wait_for(lambda: process_gone(int((project / "data" / f"pid-{killed}").read_text())), 30)
    assert_outputs_whole(out(project))
    assert {s: output_of(project, killed, s).read_bytes() for s in (".html", ".pdf")} == good[killed]
    results = build(project, units=units)
    assert states(results) == {u: "skipped" if u == finished else "built" for u in units}
    assert not list(out(project).rglob("*.tmp"))


# --- isolation -------------------------------------------------------------------------------

LEAK = (
    "import reportkit\n"
    "from IPython.display import HTML, display\n"
    'reportkit.__dict__.setdefault("seen", []).append(unit_code)\n'
    'display(HTML("<p>seen:" + ",".join(reportkit.seen) + "</p>"))'
)


@pytest.mark.parametrize("engine", ["inprocess", "kernel"])
def test_state_left_by_one_report_never_reaches_another(tmp_path, engine):
    project = make_project(tmp_path, district=(LEAK,), city=(LEAK,))
    build(project, units=["917", "918", "92", "919"], workers=1, engine=engine)
    for code in ["917", "918", "92", "919"]:
        assert f"<p>seen:{code}</p>" in output_of(project, code, ".html").read_text(encoding="utf-8")


def test_another_build_of_the_same_period_waits_its_turn(tmp_path):
    project = make_project(tmp_path)
    with period_lock(out(project)), pytest.raises(BuildBusyError, match="đang ghi"):
        build(project)


def test_temp_files_left_by_a_killed_build_are_removed(tmp_path):
    project = make_project(tmp_path)
    stale = out(project) / ".917-quan-o-mon.pdf.x1y2.tmp"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"%PDF-half")
    build(project, units=["917"])
    assert not stale.exists()


# --- levels and the command ------------------------------------------------------------------


def test_the_grassroots_level_plans_72_reports_on_the_district_notebook(tmp_path):
    plan = plan_build(ProjectPaths.at(make_project(tmp_path)), PERIOD, levels=["grassroots"])
    assert len(plan.jobs) == 72
    assert {job.notebook.name for job in plan.jobs} == {"district.ipynb"}
    assert plan.jobs[0].stem == "31153-phuong-chau-van-liem"
    with pytest.raises(DataError, match="ward"):
        plan_build(ProjectPaths.at(tmp_path / "project"), PERIOD, levels=["ward"])


def test_the_command_shows_what_it_built_skipped_and_failed(tmp_path, capsys):
    project = make_project(tmp_path, district=(RAISES,))
    args = ["--root", str(project), "build", "--period", PERIOD, "--unit", "917", "--unit", "918"]
    assert main(args) == 1
    first = capsys.readouterr().out
    assert (
        "xong 917-quan-o-mon" in first and "LỖI 918-quan-binh-thuy" in first and "số liệu 918 hỏng" in first
    )
    assert main(args) == 1
    second = capsys.readouterr().out
    assert "1 báo cáo không đổi" in second
    assert "Đã lập" in second and "Bỏ qua" in second and "Lỗi" in second


NOISY = 'import sys\nprint("/home/x/charts.py:44: UserWarning: Glyph 7883 missing", file=sys.stderr)'


def test_what_a_report_prints_goes_to_its_log_and_the_summary_not_its_pages(tmp_path, capsys):
    project = make_project(tmp_path, district=(NOISY,))
    args = ["--root", str(project), "build", "--period", PERIOD, "--unit", "917"]
    assert main(args) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "917-quan-o-mon: /home/x/charts.py:44: UserWarning: Glyph 7883 missing" in said
    log = out(project) / "logs" / "917-quan-o-mon.log"
    assert "UserWarning: Glyph 7883 missing" in log.read_text(encoding="utf-8")
    assert "Glyph" not in output_of(project, "917", ".html").read_text(encoding="utf-8")
    assert "Glyph" not in pdf_text(output_of(project, "917", ".pdf"))
    # Strict (as the tests build): the same report fails with that line, its last PDF kept.
    assert main([*args, "--force", "--strict"]) == 1
    said = " ".join(capsys.readouterr().out.split())
    assert "LỖI 917-quan-o-mon" in said and "--strict" in said and "Glyph 7883 missing" in said
    # A clean run leaves no log behind.
    write_notebooks(project)
    assert states(build(project, ["917"])) == {"917": "built"}
    assert not log.exists()


# --- more than one machine -------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def executed_outputs(path: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    return [c.get("outputs") for c in nb.cells]


def test_a_dask_cluster_builds_the_same_outputs_as_this_machine(tmp_path):
    from distributed import LocalCluster

    project = make_project(tmp_path)
    build(project)
    remote = ProjectPaths.at(project, outputs_dir=tmp_path / "dask")
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        _, results = build_period(
            remote, PERIOD, THREE, options=BuildOptions(scheduler=cluster.scheduler_address)
        )
    assert [r.state for r in results] == [JobState.BUILT] * 3
    here, there = out(project), remote.outputs(PERIOD)
    for result in results:
        stem = result.job.stem
        assert (there / f"{stem}.html").read_bytes() == (here / f"{stem}.html").read_bytes()
        assert pdf_text(there / f"{stem}.pdf") == pdf_text(here / f"{stem}.pdf")
        notebook = Path("notebooks") / f"{stem}.ipynb"
        assert executed_outputs(there / notebook) == executed_outputs(here / notebook)
    assert json.loads((there / "manifest.json").read_text())["reports"].keys() == manifest(project).keys()


# --- drafts -----------------------------------------------------------------------------------

# The real header, which carries the draft mark of a report whose sections II-IV are not written.
HEADER = "display(HTML(rk.render_header(rk.compute_report(inputs))))"
NARRATIVE_FILE = "params/narrative/2022-FY/917.md"


def without_narrative(project: Path) -> Path:
    """The project with 917's sections II-IV not written (the sample ships a text for each report)."""
    (project / NARRATIVE_FILE).unlink()
    return project


def pdftotext_of(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_unit_without_narrative_is_a_draft_in_its_pdf_the_summary_and_the_index(tmp_path, capsys):
    # 92 has its narrative (params/narrative/2022-FY/92.md, all three sections); 917 has none.
    project = without_narrative(make_project(tmp_path, district=(HEADER,), city=(HEADER,)))
    args = [
        "--root",
        str(project),
        "build",
        "--period",
        PERIOD,
        "--unit",
        "92",
        "--unit",
        "917",
    ]
    assert main(args) == 0  # a draft does not fail an ordinary build
    said = " ".join(capsys.readouterr().out.split())
    assert "xong (DỰ THẢO) 917-quan-o-mon" in said and "xong 92-thanh-pho-can-tho" in said
    reports = manifest(project)
    assert reports["917-quan-o-mon"]["draft"] is True and reports["92-thanh-pho-can-tho"]["draft"] is False
    assert reports["917-quan-o-mon"]["draft_note"] == (
        "dự thảo: chưa có phần II. ĐÁNH GIÁ CHUNG; III. PHƯƠNG HƯỚNG, NHIỆM VỤ; IV. KIẾN NGHỊ, ĐỀ XUẤT "
        f"(soạn trong {NARRATIVE_FILE})"
    )
    index = (out(project) / "index.html").read_text(encoding="utf-8")
    row_917, row_92 = (
        next(r for r in index.split("<tr>") if f"<td>{code}</td>" in r) for code in ("917", "92")
    )
    assert "DỰ THẢO" in row_917 and NARRATIVE_FILE in row_917 and "DỰ THẢO" not in row_92
    assert pdftotext_of(output_of(project, "917", ".pdf")).count("DỰ THẢO") == pdf_pages(
        output_of(project, "917", ".pdf")
    )
    assert "DỰ THẢO" not in pdftotext_of(output_of(project, "92", ".pdf"))
    assert not [p.name for p in out(project).iterdir() if "lock" in p.name]

    # Unchanged, the draft is still named in the summary of the next build.
    assert main(args) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if "│" in line]
    assert any("917-quan-o-mon" in row and "bỏ qua (DỰ THẢO)" in row for row in rows)
    assert any("1 báo cáo không đổi" in row for row in rows)  # 92, final and unchanged


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def test_a_final_build_fails_a_draft_naming_its_missing_sections_and_file(tmp_path, capsys):
    project = without_narrative(make_project(tmp_path, district=(HEADER,), city=(HEADER,)))
    args = [
        "--root",
        str(project),
        "build",
        "--period",
        PERIOD,
        "--unit",
        "92",
        "--unit",
        "917",
    ]
    assert main(args) == 0
    draft_pdf = output_of(project, "917", ".pdf").read_bytes()
    capsys.readouterr()

    # Nothing changed, yet a final run judges the draft again: it fails, its draft PDF stays as it was.
    assert main([*args, "--final"]) == 1
    said = " ".join(capsys.readouterr().out.split())
    assert "LỖI 917-quan-o-mon" in said and "Báo cáo còn là dự thảo: chưa có phần II. ĐÁNH GIÁ CHUNG" in said
    assert f"Hãy soạn các phần này trong tệp {NARRATIVE_FILE}" in said
    assert "LỖI 92-" not in said
    assert manifest(project)["917-quan-o-mon"]["status"] == "failed"
    assert output_of(project, "917", ".pdf").read_bytes() == draft_pdf
    assert not [p.name for p in out(project).iterdir() if "lock" in p.name]

    # Written, the sections make 917 final.
    narrative = project / NARRATIVE_FILE
    narrative.write_text(
        "## II. Đánh giá chung\n\nTốt.\n\n## III. Phương hướng\n\nTiếp tục.\n\n## IV. Kiến nghị\n\nKhông.\n",
        encoding="utf-8",
    )
    assert main([*args, "--final"]) == 0
    assert manifest(project)["917-quan-o-mon"]["draft"] is False
    assert "DỰ THẢO" not in pdftotext_of(output_of(project, "917", ".pdf"))


def test_no_lock_file_is_left_after_a_failed_build(tmp_path):
    project = make_project(tmp_path, district=(RAISES,))
    assert states(build(project, units=["918"])) == {"918": "failed"}
    assert [p.name for p in out(project).iterdir() if p.is_file()] == sorted(
        p.name for p in out(project).iterdir() if p.is_file() and "lock" not in p.name
    )
    assert not (out(project) / ".build.lock").exists()


class HungPrinter:
    """A print service whose browser never finishes a page."""

    def print_pdf(self, html, path):
        from concurrent.futures import Future

        return Future()  # never done


def test_a_page_the_browser_never_prints_fails_its_report_not_the_build(tmp_path, monkeypatch):
    from reportkit.build import plan

    monkeypatch.setattr(plan, "PRINT_TIMEOUT_S", 0.5)
    project = make_project(tmp_path)
    started = time.perf_counter()
    _, results = build_period(
        ProjectPaths.at(project), PERIOD, ["917"], options=BuildOptions(strict=True), printer=HungPrinter()
    )
    assert time.perf_counter() - started < 60
    [result] = results
    assert result.state is JobState.FAILED
    assert result.error == "In PDF quá thời gian cho phép (0,5 giây)"
