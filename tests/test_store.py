"""The store: archive as received, repeats, newer over older, history, one transaction, trace, rebuild."""

import hashlib
import shutil
import sqlite3
import stat
from decimal import Decimal

import pytest
from conftest import ROOT
from workbooks import cell_of, district_values, fill, sample_figures, set_saved_time, snapshot

from reportkit.cli import main
from reportkit.errors import StoreError
from reportkit.paths import STORE_DB
from reportkit.report.inputs import load_period_figures, load_plan
from reportkit.submissions import store
from reportkit.submissions.feedback import render_conclusion
from reportkit.submissions.intake import rebuild_store, take_in_files
from reportkit.submissions.templates import write_template

DATA = ROOT / "data"
SUBMISSIONS = DATA / "sample" / "submissions"
VALID = district_values("2022-FY", "917")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_template(load_plan(DATA, "2022-FY"), "917", tmp_path_factory.mktemp("templates"))


def version(template, tmp_path, name, new_members, saved_at):
    """A filled workbook whose only difference is the count of new members."""
    path = fill(template, VALID | {("917", "new_members"): new_members}, tmp_path / name)
    set_saved_time(path, saved_at)
    return path


def values(store_dir, period="2022-FY"):
    with sqlite3.connect(store_dir / STORE_DB) as conn:
        conn.row_factory = sqlite3.Row
        return store.read_values(conn, period)


def test_the_original_is_archived_unchanged_under_its_hash(tmp_path):
    source = SUBMISSIONS / "2022-FY-917.csv"
    [r] = take_in_files([source], DATA, tmp_path)
    archived = tmp_path / "archive" / f"{hashlib.sha256(source.read_bytes()).hexdigest()}.csv"
    assert r.sha256 == archived.stem and archived.read_bytes() == source.read_bytes()
    assert not archived.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_a_folder_is_taken_in_file_by_file(tmp_path):
    received = take_in_files([SUBMISSIONS], DATA, tmp_path)
    assert [r.file_name for r in received] == sorted(p.name for p in SUBMISSIONS.glob("*.csv"))


def test_taking_the_same_file_in_again_changes_nothing(tmp_path):
    files = sorted(SUBMISSIONS.glob("2022-*.csv"))
    take_in_files(files, DATA, tmp_path)
    before = snapshot(tmp_path)
    again = take_in_files(files, DATA, tmp_path)
    assert {r.status for r in again} == {"repeat"}
    assert snapshot(tmp_path) == before


def test_a_newer_submission_replaces_the_older_and_the_older_stays_in_history(template, tmp_path):
    old = version(template, tmp_path, "lan-1.xlsx", 500, "2023-01-05T02:00:00Z")
    new = version(template, tmp_path, "lan-2.xlsx", 512, "2023-01-09T03:00:00Z")
    first, second = take_in_files([old, new], DATA, tmp_path / "store")
    assert first.is_current and second.is_current  # each was the newest when taken in
    assert values(tmp_path / "store")[("917", "new_members")] == 512
    with sqlite3.connect(tmp_path / "store" / STORE_DB) as conn:
        conn.row_factory = sqlite3.Row
        history = store.history(conn, "2022-FY", "917")
    assert [h.file_name for h in history] == ["lan-1.xlsx", "lan-2.xlsx"]
    rows = sqlite3.connect(tmp_path / "store" / STORE_DB).execute(
        "SELECT f.value FROM figure f JOIN submission s ON s.id = f.submission_id "
        "WHERE s.file_name = 'lan-1.xlsx' AND f.measure = 'new_members'"
    )
    assert [r[0] for r in rows] == ["500"]


def test_an_older_file_taken_in_late_goes_to_history_only(template, tmp_path):
    old = version(template, tmp_path, "lan-1.xlsx", 500, "2023-01-05T02:00:00Z")
    new = version(template, tmp_path, "lan-2.xlsx", 512, "2023-01-09T03:00:00Z")
    _, late = take_in_files([new, old], DATA, tmp_path / "store")
    assert late.status == "accepted" and not late.is_current
    assert values(tmp_path / "store")[("917", "new_members")] == 512
    assert render_conclusion(late).startswith("ĐÃ TIẾP NHẬN vào lịch sử; báo cáo vẫn dùng tệp “lan-2.xlsx”")


def test_real_figures_are_never_replaced_by_sample_ones(template, tmp_path):
    real = fill(template, VALID | {("917", "new_members"): 7}, tmp_path / "that.xlsx")
    take_in_files([real, SUBMISSIONS / "2022-FY-917.csv"], DATA, tmp_path / "store")
    assert values(tmp_path / "store")[("917", "new_members")] == 7
    assert not store.read_figures(tmp_path / "store" / STORE_DB, "2022-FY").is_sample


def test_an_intake_that_fails_midway_changes_nothing(template, tmp_path, monkeypatch):
    store_dir = tmp_path / "store"
    take_in_files([SUBMISSIONS / "2022-FY-918.csv"], DATA, store_dir)
    before = snapshot(store_dir)
    calls = []
    real_write = store._write_once

    def fail_on_the_note(path, content):
        calls.append(path)
        if path.suffix == ".json":
            raise OSError(28, "No space left on device")
        return real_write(path, content)

    monkeypatch.setattr(store, "_write_once", fail_on_the_note)
    with pytest.raises(OSError):
        take_in_files([fill(template, VALID, tmp_path / "917.xlsx")], DATA, store_dir)
    assert len(calls) == 2  # the original was archived, then the note beside it failed
    assert snapshot(store_dir) == before


def test_trace_names_the_file_sheet_and_cell(template, tmp_path, capsys):
    path = fill(template, VALID, tmp_path / "bao-cao-o-mon.xlsx")
    store_dir = tmp_path / "store"
    take_in_files([path], DATA, store_dir)
    with sqlite3.connect(store_dir / STORE_DB) as conn:
        conn.row_factory = sqlite3.Row
        [traced] = store.trace(conn, "2022-FY", ["917"], ["sxkd_achieved"])
    sheet, cell = cell_of(template, "917", "sxkd_achieved")
    assert (traced.submission.file_name, traced.sheet, traced.cell) == ("bao-cao-o-mon.xlsx", sheet, cell)
    assert traced.value == VALID[("917", "sxkd_achieved")]
    code = main(["--root", str(ROOT), "--store", str(store_dir), "trace", "917", "2022-FY", "sxkd_achieved"])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert f"tệp “bao-cao-o-mon.xlsx”, trang tính “{sheet}”, ô {cell}" in out
    shown = f"{int(VALID[('917', 'sxkd_achieved')]):,}".replace(",", ".")
    assert f"Kết quả dùng trong báo cáo: {shown} hộ" in out


def test_trace_of_a_city_share_lists_every_district(sample_store, capsys):
    assert main(["--root", str(ROOT), "trace", "92", "2022-FY", "health_insurance"]) == 0
    out = capsys.readouterr().out
    f = sample_figures("2022-FY")
    districts = ["917", "918", "919", "923", "924", "925", "926", "927"]
    insured = sum(f[(d, "members_health_insured")] for d in districts)
    total = sum(f[(d, "members_total")] for d in districts)
    for d in districts:
        assert f"tệp “2022-FY-{d}.csv” (dữ liệu mẫu)" in out
    percent = f"{(insured * 100 / total):.2f}".rstrip("0").rstrip(".").replace(".", ",")
    assert f"Kết quả dùng trong báo cáo: {percent}%" in out


def test_the_store_is_rebuilt_from_its_archive(template, tmp_path):
    store_dir = tmp_path / "store"
    old = version(template, tmp_path, "lan-1.xlsx", 500, "2023-01-05T02:00:00Z")
    new = version(template, tmp_path, "lan-2.xlsx", 512, "2023-01-09T03:00:00Z")
    take_in_files([*sorted(SUBMISSIONS.glob("2021-FY-*.csv")), old, new], DATA, store_dir)
    expected = {p: values(store_dir, p) for p in ("2021-FY", "2022-FY")}
    (store_dir / STORE_DB).unlink()
    results = rebuild_store(DATA, store_dir)
    assert [r.status for r in results] == ["accepted"] * 10
    assert {p: values(store_dir, p) for p in expected} == expected
    assert [r.file_name for r in results][-2:] == ["lan-1.xlsx", "lan-2.xlsx"]
    rebuild_store(DATA, store_dir)  # a second time keeps the first database aside
    assert len(list(store_dir.glob(f"{STORE_DB}.*.bak"))) == 1


def test_reports_read_the_store_and_it_holds_the_sample_exactly(sample_store):
    for period in ("2021-H1", "2021-FY", "2022-H1", "2022-FY"):
        figures = load_period_figures(DATA, "", period, sample_store)
        assert figures.is_sample
        assert dict(figures.values) == sample_figures(period), period


def test_a_csv_file_can_still_be_named_instead_of_the_store():
    figures = load_period_figures(DATA, "sample/figures.csv", "2022-FY")
    assert dict(figures.values) == sample_figures("2022-FY") and figures.is_sample


@pytest.mark.parametrize("source", ["", "sample/figures.csv"])
def test_one_reports_load_gives_it_what_the_planners_load_of_the_whole_period_gives(sample_store, source):
    # The planner loads a period once for all its reports; a report's own load (the notebook's)
    # reads its subtree's figures only. Each report must get the same figures and the same key.
    from reportkit.build.plan import plan_build
    from reportkit.paths import ProjectPaths
    from reportkit.report.inputs import ReportLoader, load_report_inputs

    paths = ProjectPaths.at(ROOT, store_dir=sample_store)
    every_unit = list(plan_build(paths, "2022-FY").tree.units)
    jobs = plan_build(paths, "2022-FY", every_unit).jobs
    assert len(jobs) > 9  # the city, its districts and their grassroots associations
    shared = ReportLoader()
    for job in jobs:
        params = {**job.parameters, "figures_file": source}
        planned, own = shared.load(**params), load_report_inputs(**params)
        assert dict(own.reads) == dict(planned.reads), job.stem
        assert (own.figures, own.previous_figures) == (planned.figures, planned.previous_figures), job.stem


def test_the_store_reads_the_figures_of_the_units_asked_for_and_says_whether_the_period_is_sample(
    sample_store,
):
    db = sample_store / STORE_DB
    every, sample = store.read_figure_rows(db, "2022-FY")
    some, some_sample = store.read_figure_rows(db, "2022-FY", {"917", "92"})
    assert sorted(some) == sorted(row for row in every if row[0] in {"917", "92"}) and some
    assert store.read_figure_rows(db, "2022-FY", set()) == ([], sample) == ([], some_sample)
    assert sample  # the sample's submissions: the period is sample data, whichever units are read


def test_without_a_store_reports_say_what_to_run(tmp_path):
    with pytest.raises(StoreError, match=r"Chưa có kho số liệu .*reportkit intake"):
        load_period_figures(DATA, "", "2022-FY", tmp_path / "none")
    assert not (tmp_path / "none").exists()  # reading never creates a store


def test_cli_intake_writes_a_report_per_file_and_fails_when_a_file_is_refused(tmp_path, capsys):
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"")
    args = [
        "--root",
        str(ROOT),
        "--store",
        str(tmp_path / "store"),
        "intake",
        "--reports",
        str(tmp_path / "rep"),
    ]
    assert main([*args, str(SUBMISSIONS / "2022-FY-917.csv"), str(bad)]) == 1
    [text_path] = (tmp_path / "rep").glob("hong.*.kiem-tra.txt")
    text = text_path.read_text(encoding="utf-8")
    assert "Kết luận: KHÔNG TIẾP NHẬN: tệp có 1 lỗi." in text and "Vấn đề: Tệp rỗng (0 byte)." in text
    [ok_path] = (tmp_path / "rep").glob("2022-FY-917.917.*.kiem-tra.txt")
    ok = ok_path.read_text(encoding="utf-8")
    assert "Đơn vị: Hội Nông dân quận Ô Môn (mã 917)" in ok and "ĐÃ TIẾP NHẬN" in ok
    table = text_path.with_suffix(".csv").read_bytes()
    assert table.startswith(b"\xef\xbb\xbf") and "Tệp rỗng (0 byte).".encode() in table
    assert main([*args, str(SUBMISSIONS / "2022-FY-917.csv")]) == 0
    assert "0 tệp nhận mới, 1 tệp đã có" in " ".join(capsys.readouterr().out.split())


def test_cli_intake_refuses_files_of_another_period_than_the_one_collected(tmp_path, capsys):
    args = ["--root", str(ROOT), "--store", str(tmp_path / "store"), "intake", "--reports", str(tmp_path)]
    assert main([*args, "--period", "2022-FY", str(SUBMISSIONS / "2022-H1-917.csv")]) == 1
    [report] = tmp_path.glob("2022-H1-917.*.kiem-tra.txt")
    assert "không phải kỳ đang thu" in report.read_text(encoding="utf-8")
    # No file is read for a period that does not exist: the code says so (see `reportkit intake -h`).
    assert main([*args, "--period", "2030-FY", str(SUBMISSIONS / "2022-H1-917.csv")]) == 101
    assert "Kỳ báo cáo '2030-FY' không có" in capsys.readouterr().out


def test_the_sample_values_survive_a_store_copy(sample_store, tmp_path):
    # The store is one file plus its archive: copying the folder is a full backup.
    shutil.copytree(sample_store, tmp_path / "copy")
    assert values(tmp_path / "copy") == values(sample_store)
    assert values(sample_store)[("917", "fund_growth")] == sample_figures("2022-FY")[("917", "fund_growth")]
    assert isinstance(values(sample_store)[("917", "fund_growth")], Decimal)
