"""An intake run: one bad file never stops the others, each file has its own check report, named so
that two districts' files of the same name never overwrite each other's, and the exit code counts
the files refused."""

import os

import pytest
from conftest import ROOT
from workbooks import cell_of, district_values, fill

from reportkit.cli import main
from reportkit.report.inputs import load_plan
from reportkit.submissions import intake as receive
from reportkit.submissions.store import open_store, read_values
from reportkit.submissions.templates import write_template

DATA = ROOT / "data"


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")
    plan = load_plan(DATA, "2022-FY")
    return {code: write_template(plan, code, folder) for code in ("917", "918")}


def filled(templates, code, out, edits=None):
    out.parent.mkdir(parents=True, exist_ok=True)
    return fill(templates[code], district_values("2022-FY", code), out, edits)


def run_intake(tmp_path, *files):
    store, reports = tmp_path / "store", tmp_path / "reports"
    args = ["--root", str(ROOT), "--store", str(store), "intake", "--reports", str(reports)]
    return main([*args, *map(str, files)]), store, reports


def stored(store_dir):
    conn = open_store(store_dir)
    try:
        return read_values(conn, "2022-FY")
    finally:
        conn.close()


def report_of(reports, stem):
    [found] = reports.glob(f"{stem}.*.kiem-tra.txt")
    return found.read_text(encoding="utf-8")


def test_an_unreadable_and_an_invalid_file_do_not_stop_a_good_one(templates, tmp_path):
    noise = tmp_path / "in" / "rac.xlsx"
    noise.parent.mkdir()
    noise.write_bytes(os.urandom(50_000))
    negative = {cell_of(templates["918"], "918", "new_members"): -5}
    invalid = filled(templates, "918", tmp_path / "in" / "sai.xlsx", negative)
    good = filled(templates, "917", tmp_path / "in" / "dung.xlsx")

    code, store, reports = run_intake(tmp_path, noise, invalid, good)

    assert code == 2  # two files refused
    assert "KHÔNG TIẾP NHẬN" in report_of(reports, "rac")
    assert "Số âm (-5) không hợp lệ." in report_of(reports, "sai")
    assert "ĐÃ TIẾP NHẬN" in report_of(reports, "dung")
    assert len(list(reports.glob("*.kiem-tra.csv"))) == 3
    units = {unit for unit, _ in stored(store)}
    assert "917" in units and "918" not in units


def test_a_failure_of_the_kit_on_one_file_refuses_that_file_alone(templates, tmp_path, monkeypatch):
    first = filled(templates, "918", tmp_path / "in" / "a.xlsx")
    second = filled(templates, "917", tmp_path / "in" / "b.xlsx")
    real = receive.read_submission

    def failing_on_a(data, file_name):
        if file_name == "a.xlsx":
            raise RuntimeError("hỏng giữa chừng")
        return real(data, file_name)

    monkeypatch.setattr(receive, "read_submission", failing_on_a)
    code, store, reports = run_intake(tmp_path, first, second)

    assert code == 1
    assert "Kit gặp lỗi khi kiểm tra tệp này (RuntimeError: hỏng giữa chừng)" in report_of(reports, "a")
    assert "ĐÃ TIẾP NHẬN" in report_of(reports, "b")
    assert {unit for unit, _ in stored(store)} >= {"917"}


def test_two_districts_files_of_the_same_name_keep_their_own_reports(templates, tmp_path):
    from_o_mon = filled(templates, "917", tmp_path / "o-mon" / "BaoCao.xlsx")
    from_binh_thuy = filled(templates, "918", tmp_path / "binh-thuy" / "BaoCao.xlsx")

    code, _, reports = run_intake(tmp_path, from_o_mon, from_binh_thuy)

    assert code == 0
    texts = sorted(p.read_text(encoding="utf-8") for p in reports.glob("BaoCao.*.kiem-tra.txt"))
    assert len(texts) == 2
    assert sum("Đơn vị: Hội Nông dân quận Ô Môn (mã 917)" in t for t in texts) == 1
    assert sum("Đơn vị: Hội Nông dân quận Bình Thuỷ (mã 918)" in t for t in texts) == 1
    assert len(list(reports.glob("BaoCao.*.kiem-tra.csv"))) == 2


def test_the_same_district_sending_two_versions_keeps_both_reports(templates, tmp_path):
    first = filled(templates, "917", tmp_path / "v1" / "BaoCao.xlsx")
    fixed = {cell_of(templates["917"], "917", "new_members"): 1}
    second = filled(templates, "917", tmp_path / "v2" / "BaoCao.xlsx", fixed)

    run_intake(tmp_path, first, second)

    names = sorted(p.name for p in (tmp_path / "reports").glob("BaoCao.917.*.kiem-tra.txt"))
    assert len(names) == 2, names


def test_the_exit_codes_are_documented_in_vietnamese(capsys):
    with pytest.raises(SystemExit):
        main(["intake", "--help"])
    shown = capsys.readouterr().out
    assert "Mã thoát:" in shown and "số tệp không được nhận" in shown and "101" in shown
