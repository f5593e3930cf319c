"""A typo in a data or params file stops any command with a Vietnamese message naming the file
(relative to the project), the line (and column, for YAML) and what is wrong: never a traceback,
and in a build never a failure per report."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from reportkit.errors import DataError
from reportkit.report.inputs import (
    check_project,
    load_org_tree,
    load_periods,
    load_report_inputs,
    load_targets,
)


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the sample project's data/ and params/ (figures from its CSV file, no store)."""
    root = tmp_path / "project"
    for part in ("data", "params"):
        shutil.copytree(ROOT / part, root / part)
    defaults = root / "params" / "defaults.yaml"
    text = defaults.read_text(encoding="utf-8").replace(
        'figures_file: ""', "figures_file: sample/figures.csv"
    )
    defaults.write_text(text, encoding="utf-8")
    return root


def append_line(path: Path, line: str) -> int:
    """Add a line at the end of a file; its number (from 1)."""
    text = path.read_text(encoding="utf-8")
    text = text if text.endswith("\n") else text + "\n"
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


def replace_line(path: Path, number: int, line: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[number - 1] = line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check_fails(project: Path) -> str:
    with pytest.raises(DataError) as failed:
        check_project(project / "data", project / "params")
    return str(failed.value)


def test_an_unquoted_colon_in_the_wording_names_file_line_and_column(project):
    wording = project / "data" / "wording" / "vi.yaml"
    line = append_line(wording, "note: Ghi chú: xem phụ lục")
    # The parser stops at the second colon: "note: Ghi chú" is 13 characters, so column 14.
    message = check_fails(project)
    assert message.startswith(f"data/wording/vi.yaml, dòng {line}, cột 14: có dấu hai chấm (:)")
    assert "ngoặc kép" in message and "Traceback" not in message


def test_a_broken_unit_params_file_is_found_before_any_report(project):
    params = project / "params" / "units" / "917.yaml"
    params.write_text("doc_symbol: BC/HND\nplace: [Ô Môn\n", encoding="utf-8")
    message = check_fails(project)
    assert message.startswith("params/units/917.yaml, dòng ")
    assert "ngoặc [ ] hoặc { } mở mà không đóng" in message


def test_a_list_where_a_mapping_is_expected_says_which_entry_and_line(project):
    periods = project / "data" / "periods.yaml"
    text = periods.read_text(encoding="utf-8")
    lines = text.splitlines()
    number = lines.index("periods:") + 1
    # "periods:" followed by a list of ids instead of a mapping of periods.
    lines[number:] = ["  - 2022-FY", "  - 2021-FY"]
    periods.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as failed:
        load_periods(periods)
    assert str(failed.value) == (
        f"data/periods.yaml, dòng {number + 1}: mục periods: phải là một bảng “tên: giá trị”, "
        "nhưng lại là một danh sách (các dòng bắt đầu bằng “- ”)."
    )


def test_a_whole_file_of_the_wrong_shape(project):
    levels = project / "data" / "org" / "levels-2022.yaml"
    levels.write_text("- city\n- district\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"^data/org/levels-2022\.yaml, dòng 1: cả tệp phải là một bảng"):
        load_org_tree(project / "data" / "org" / "units-2022.csv", levels)


def test_a_csv_header_missing_a_column(project):
    units = project / "data" / "org" / "units-2022.csv"
    replace_line(units, 1, "code,name,kind,parent")
    with pytest.raises(DataError) as failed:
        load_org_tree(units, project / "data" / "org" / "levels-2022.yaml")
    message = str(failed.value)
    assert message.startswith("data/org/units-2022.csv, dòng 1: dòng tiêu đề thiếu cột parent_code.")
    assert "code,name,kind,parent_code" in message


def test_a_csv_row_with_a_cell_missing(project):
    targets = project / "data" / "targets" / "targets-2022.csv"
    replace_line(targets, 3, "918,propaganda,24327")
    with pytest.raises(DataError) as failed:
        load_targets(targets)
    assert str(failed.value).startswith(
        "data/targets/targets-2022.csv, dòng 3: thiếu ô — dòng có 3 ô, tiêu đề có 4 cột"
    )
    assert check_fails(project).startswith("data/targets/targets-2022.csv, dòng 3: thiếu ô")


@pytest.mark.parametrize("typed", ["24.327,5", "hai mươi", "NaN"])
def test_a_target_that_is_not_a_number(project, typed):
    targets = project / "data" / "targets" / "targets-2022.csv"
    replace_line(targets, 4, f'919,propaganda,"{typed}",sample')
    with pytest.raises(DataError) as failed:
        load_targets(targets)
    assert str(failed.value).startswith(
        f"data/targets/targets-2022.csv, dòng 4, cột target: “{typed}” không phải là số."
    )


def test_a_figures_file_with_a_bad_value_stops_the_check(project):
    figures = project / "data" / "sample" / "figures.csv"
    replace_line(figures, 5, replace_value(figures, 5, "12 hộ"))
    assert check_fails(project).startswith(
        "data/sample/figures.csv, dòng 5, cột value: “12 hộ” không phải là số."
    )


def replace_value(path: Path, number: int, value: str) -> str:
    period, unit, measure, _, source = path.read_text(encoding="utf-8").splitlines()[number - 1].split(",")
    return ",".join((period, unit, measure, value, source))


def test_a_file_saved_in_an_old_encoding(project):
    wording = project / "data" / "wording" / "vi.yaml"
    text = wording.read_text(encoding="utf-8")
    line = text[: text.index("Độc lập")].count("\n") + 1  # the first line with a letter outside ASCII
    wording.write_bytes(text.encode("cp1258", errors="replace"))
    message = check_fails(project)
    assert message.startswith(f"data/wording/vi.yaml, dòng {line}: tệp không ở bảng mã UTF-8")
    assert "lưu lại với bảng mã UTF-8" in message


def test_the_notebooks_loader_says_the_same(project):
    catalogue = project / "data" / "catalogue" / "indicators-2022.yaml"
    line = append_line(catalogue, "extra: a: b")
    with pytest.raises(DataError, match=rf"indicators-2022\.yaml, dòng {line}, cột 9: có dấu hai chấm"):
        load_report_inputs("917", "2022-FY", project / "data", project / "params", "sample/figures.csv")


def test_the_sample_project_passes_the_check():
    check_project(ROOT / "data", ROOT / "params")


def run_cli(project: Path, *argv: str) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "reportkit.cli", "--root", str(project), "--store", str(project / "store")]
    return subprocess.run([*args, *argv], capture_output=True, text=True, cwd=project, timeout=120)


@pytest.mark.parametrize("argv", [("intake", "data/sample/figures.csv"), ("build", "--unit", "917")])
def test_the_command_line_stops_with_one_line_and_no_traceback(project, argv):
    wording = project / "data" / "wording" / "vi.yaml"
    line = append_line(wording, "note: Ghi chú: xem phụ lục")
    done = run_cli(project, *argv)
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "Traceback" not in said and "917-" not in said  # not a report's failure: the command's
    assert f"data/wording/vi.yaml, dòng {line}, cột 14: có dấu hai chấm" in " ".join(said.split())
