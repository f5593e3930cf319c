"""`reportkit new year` and `reportkit new project`: a new plan year or organisation from existing
files, with the usual commands working on the result, and Vietnamese refusals that write nothing."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from reportkit.cli import _parser, main
from reportkit.paths import GUIDE_FILE
from reportkit.report.inputs import load_plan, load_targets
from reportkit.scaffold import start_year


def copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "du-an"
    for folder in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def said(capsys) -> str:
    """What the command printed, as one line (the console wraps long lines)."""
    return " ".join(capsys.readouterr().out.split())


def district_codes(units_csv: Path) -> set[str]:
    with units_csv.open(encoding="utf-8-sig", newline="") as handle:
        return {row["code"] for row in csv.DictReader(handle) if row["parent_code"] == "92"}


# ------------------------------------------------------------------------------------- new year


def test_a_new_year_gets_its_plan_and_periods_and_templates(tmp_path, capsys):
    root = copy_project(tmp_path)
    assert main(["--root", str(root), "new", "year", "2023"]) == 0
    out = said(capsys)
    assert "2023-H1, 2023-FY" in out and "targets-2023.csv là chỉ tiêu giao năm 2022, chép nguyên" in out

    full, half = load_plan(root / "data", "2023-FY"), load_plan(root / "data", "2023-H1")
    assert full.catalogue.plan["year"] == 2023 and full.catalogue.plan["title"] == "Thực hiện chủ đề năm 2023"
    assert (full.period.label, half.period.label) == ("năm 2023", "6 tháng đầu năm 2023")
    assert (full.period.report_date, half.period.report_date) == (dt.date(2023, 12, 15), dt.date(2023, 6, 15))
    assert (full.period.progress, half.period.progress) == (Fraction(1), Fraction(1, 2))
    assert (full.period.same_period_last_year, half.period.same_period_last_year) == ("2022-FY", "2022-H1")
    assert (full.period.org, full.period.levels) == ("org/units-2022.csv", "org/levels-2022.yaml")
    # The targets are last year's, copied as they are (the command says they must be replaced).
    copied = load_targets(root / "data" / "targets" / "targets-2023.csv")
    assert copied == load_targets(ROOT / "data" / "targets" / "targets-2022.csv")

    out_dir = tmp_path / "mau-bieu"
    assert main(["--root", str(root), "template", "--period", "2023-FY", "--out", str(out_dir)]) == 0
    written = sorted(p.name for p in out_dir.glob("*.xlsx"))
    assert len(written) == len(district_codes(ROOT / "data" / "org" / "units-2022.csv")) == 8
    assert all(name.startswith("mau-bieu-2023-FY-") for name in written)


def test_the_new_year_keeps_every_comment_of_periods_yaml(tmp_path):
    root = copy_project(tmp_path)
    before = (root / "data" / "periods.yaml").read_text(encoding="utf-8")
    assert main(["--root", str(root), "new", "year", "2023"]) == 0
    after = (root / "data" / "periods.yaml").read_text(encoding="utf-8")
    assert after.startswith(
        before
    )  # the periods mapping is the file's last key: the block is added at the end
    added = after[len(before) :]
    assert "# Năm 2023: thêm bằng lệnh `reportkit new year 2023 --from 2022`" in added
    assert "CẦN SỬA" in added
    catalogue = (root / "data" / "catalogue" / "indicators-2023.yaml").read_text(encoding="utf-8")
    assert catalogue.startswith("# Danh mục chỉ tiêu năm 2023, chép từ data/catalogue/indicators-2022.yaml")
    source = (ROOT / "data" / "catalogue" / "indicators-2022.yaml").read_text(encoding="utf-8")
    comments = [line for line in source.splitlines() if line.startswith("#")]
    assert all(line in catalogue for line in comments)


def test_a_block_goes_inside_periods_when_another_key_follows(tmp_path):
    data = tmp_path / "data"
    (data / "catalogue").mkdir(parents=True)
    (data / "catalogue" / "k-2024.yaml").write_text(
        "# Kế hoạch\nplan:\n  title: Chủ đề năm 2024\n  year: 2024\n", encoding="utf-8"
    )
    periods = (
        "# Các kỳ\nperiods:\n    2024-FY:  # cả năm\n        year: 2024\n        months: 12\n"
        "        label: năm 2024\n        catalogue: catalogue/k-2024.yaml\n        org: org/u.csv\n"
        "        report_date: 2024-02-29\n\n# Kỳ mặc định\ndefault: 2024-FY\n"
    )
    (data / "periods.yaml").write_text(periods, encoding="utf-8")
    made = start_year(data, 2025)
    text = (data / "periods.yaml").read_text(encoding="utf-8")
    assert made.periods == ("2025-FY",) and made.targets is None
    assert text.endswith("# Kỳ mặc định\ndefault: 2024-FY\n") and "    2024-FY:  # cả năm\n" in text
    content = yaml.safe_load(text)
    assert content["default"] == "2024-FY"
    assert content["periods"]["2025-FY"] == {
        "year": 2025,
        "months": 12,
        "label": "năm 2025",
        "catalogue": "catalogue/indicators-2025.yaml",
        "org": "org/u.csv",
        "same_period_last_year": "2024-FY",
        "report_date": dt.date(2025, 2, 28),  # 29 February has no 2025
    }


def test_a_year_that_exists_is_refused_and_nothing_is_written(tmp_path, capsys):
    root = copy_project(tmp_path)
    before = (root / "data" / "periods.yaml").read_bytes()
    assert main(["--root", str(root), "new", "year", "2022", "--from", "2021"]) == 2
    out = said(capsys)
    assert "LỖI data/periods.yaml: đã có kỳ báo cáo của năm 2022 (2022-H1, 2022-FY)" in out
    assert (root / "data" / "periods.yaml").read_bytes() == before


def test_a_source_year_without_a_plan_is_refused(tmp_path, capsys):
    root = copy_project(tmp_path)
    before = (root / "data" / "periods.yaml").read_bytes()
    assert main(["--root", str(root), "new", "year", "2031"]) == 2
    out = said(capsys)
    assert "data/periods.yaml: không có kỳ nào của năm 2030 có danh mục chỉ tiêu (catalogue) để chép" in out
    assert "2022" in out.split("Các năm có kế hoạch:")[1]
    assert (root / "data" / "periods.yaml").read_bytes() == before
    assert not (root / "data" / "catalogue" / "indicators-2031.yaml").exists()


def test_an_existing_catalogue_file_is_not_overwritten(tmp_path, capsys):
    root = copy_project(tmp_path)
    mine = root / "data" / "catalogue" / "indicators-2023.yaml"
    mine.write_text("# đang soạn\n", encoding="utf-8")
    assert main(["--root", str(root), "new", "year", "2023"]) == 2
    assert "data/catalogue/indicators-2023.yaml đã có; lệnh không ghi đè" in said(capsys)
    assert mine.read_text(encoding="utf-8") == "# đang soạn\n"


# ---------------------------------------------------------------------------------- new project


def test_a_new_project_has_the_data_and_no_submissions_store_outputs_or_texts(tmp_path, capsys):
    folder = tmp_path / "hoi-phu-nu"
    assert main(["--root", str(ROOT), "new", "project", str(folder)]) == 0
    assert "Cần sửa các tệp" in said(capsys)
    assert sorted(p.name for p in folder.iterdir()) == sorted([GUIDE_FILE, "data", "notebooks", "params"])
    assert not (folder / "data" / "sample").exists()
    assert [p.relative_to(folder).as_posix() for p in (folder / "params").rglob("*") if p.is_file()] == [
        "params/defaults.yaml"
    ]
    assert (folder / "notebooks" / "city.ipynb").is_file() and (
        folder / "notebooks" / "district.ipynb"
    ).is_file()
    guide = (folder / GUIDE_FILE).read_text(encoding="utf-8")
    for name in (
        "data/wording/vi.yaml",
        "params/defaults.yaml",
        "data/org/units-2022.csv",
        "data/org/levels-2022.yaml",
        "data/catalogue/indicators-2022.yaml",
        "data/targets/targets-2022.csv",
        "data/periods.yaml",
    ):
        assert f"`{name}`" in guide, name

    out_dir = folder / "outputs" / "templates" / "2022-FY"
    assert main(["--root", str(folder), "template", "--period", "2022-FY"]) == 0
    assert len(list(out_dir.glob("*.xlsx"))) == len(
        district_codes(folder / "data" / "org" / "units-2022.csv")
    )
    assert not (folder / "store").exists()


def test_a_new_project_is_refused_in_a_folder_with_files(tmp_path, capsys):
    folder = tmp_path / "co-san"
    folder.mkdir()
    (folder / "ghi-chu.txt").write_text("của tôi", encoding="utf-8")
    assert main(["--root", str(ROOT), "new", "project", str(folder)]) == 2
    assert f"LỖI Thư mục {folder} không trống (1 mục)" in said(capsys)
    assert [p.name for p in folder.iterdir()] == ["ghi-chu.txt"]


def test_a_new_project_needs_a_project_to_copy(tmp_path, capsys):
    assert main(["new", "project", str(tmp_path / "moi"), "--from", str(tmp_path)]) == 2
    assert "không phải thư mục dự án: không có data/periods.yaml" in said(capsys)
    assert not (tmp_path / "moi").exists()


@pytest.mark.parametrize("kind", [None, "year", "project"])
def test_the_help_of_new_is_vietnamese(kind):
    commands = next(a for a in _parser()._actions if a.dest == "command").choices
    parser = commands["new"]
    if kind:
        parser = next(a for a in parser._actions if a.dest == "new_kind").choices[kind]
    text = parser.format_help()
    assert text.startswith("Cách dùng: reportkit new") and "in hướng dẫn này rồi thoát" in text
    assert not [w for w in ("usage:", "positional arguments", "options:", "default:") if w in text]
