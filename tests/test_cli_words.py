"""The command line speaks Vietnamese: help, argparse's own words, errors, durations, unknown codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from reportkit.build.manifest import period_lock
from reportkit.build.plan import plan_build
from reportkit.cli import _parser, main
from reportkit.errors import BuildBusyError, DataError
from reportkit.formats import format_duration
from reportkit.paths import LOCK_FILE, ProjectPaths

COMMANDS = ["build", "sample", "template", "intake", "trace", "rebuild-store"]
ENGLISH = ["usage:", "show this help message", "positional arguments", "options:", "default:", "error:"]


def _subparsers() -> dict[str, object]:
    parser = _parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_help_is_vietnamese(command):
    parser = _parser() if command is None else _subparsers()[command]
    text = parser.format_help()
    assert "Cách dùng: reportkit" in text and "in hướng dẫn này rồi thoát" in text
    assert not [word for word in ENGLISH if word in text], text


def test_help_from_the_installed_command_is_vietnamese():
    for argv in (["--help"], ["build", "--help"], ["trace", "--help"]):
        done = subprocess.run(
            [sys.executable, "-m", "reportkit.cli", *argv], capture_output=True, text=True, check=True
        )
        assert done.stdout.startswith("Cách dùng: reportkit")
        assert not [word for word in ENGLISH if word in done.stdout]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["build", "--bogus"], "reportkit: lỗi: không hiểu đối số: --bogus"),
        (["build", "--engine", "x"], "đối số --engine: không có lựa chọn 'x'"),
        (["build", "--workers", "two"], "đối số --workers: giá trị int không hợp lệ: 'two'"),
        (["frob"], "không có lựa chọn 'frob'"),
        (["intake"], "reportkit intake: lỗi: thiếu đối số bắt buộc: TỆP"),
        (["trace", "917"], "thiếu đối số bắt buộc: KỲ, CHỈ_TIÊU"),
    ],
)
def test_argument_errors_are_vietnamese(argv, said, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert said in err and err.startswith("Cách dùng: reportkit")
    assert "usage:" not in err and "error:" not in err


def test_other_argparse_users_keep_their_words():
    import argparse

    _parser().format_help()
    assert "usage: x" in argparse.ArgumentParser(prog="x").format_help()


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (1.84, "1,8 giây"),  # one decimal, comma
        (0.05, "0,1 giây"),  # half up
        (59.94, "59,9 giây"),
        (60, "1 phút"),
        (125, "2 phút 5 giây"),
        (125.4, "2 phút 5 giây"),  # whole seconds past a minute
        (3725, "1 giờ 2 phút 5 giây"),
    ],
)
def test_durations_are_written_the_vietnamese_way(seconds, said):
    assert format_duration(seconds) == said


def test_an_unknown_unit_is_answered_with_the_valid_codes():
    with pytest.raises(DataError) as stopped:
        plan_build(ProjectPaths.at(ROOT), "2022-FY", ["999"])
    said = str(stopped.value)
    assert said.startswith(
        "Mã đơn vị 999 không có trong cây tổ chức. Các mã có: 92 (Thành phố Cần Thơ), 917 ("
    )
    # The city and its 8 districts are named; the 72 grassroots units are counted and located.
    for district in ("918 (Quận Bình Thuỷ)", "925 (Huyện Cờ Đỏ)", "927 (Huyện Thới Lai)"):
        assert district in said
    assert "31153" not in said and "72 đơn vị cấp dưới" in said and "data/org/units-2022.csv" in said


def test_an_unknown_period_is_answered_with_the_valid_ones():
    with pytest.raises(DataError) as stopped:
        plan_build(ProjectPaths.at(ROOT), "2099-FY")
    said = str(stopped.value)
    assert "Kỳ báo cáo '2099-FY' không có" in said
    assert "2022-FY (năm 2022)" in said and "2022-H1 (6 tháng đầu năm 2022)" in said


def test_trace_of_an_unknown_unit_lists_the_valid_codes(capsys):
    assert main(["--root", str(ROOT), "trace", "999", "2022-FY", "x"]) == 2
    said = " ".join(capsys.readouterr().out.split())
    assert "Mã đơn vị 999 không có trong cây tổ chức. Các mã có: 92 (Thành phố Cần Thơ)" in said


def test_the_period_lock_leaves_no_file_and_still_excludes_a_second_build(tmp_path: Path):
    folder = tmp_path / "outputs" / "2022-FY"
    folder.mkdir(parents=True)
    (folder / LOCK_FILE).write_text("")  # left by an earlier version
    with period_lock(folder):
        with pytest.raises(BuildBusyError, match="đang ghi"), period_lock(folder):
            pass
        assert list(folder.iterdir()) == []
    assert list(folder.iterdir()) == []
    with period_lock(folder):  # released: the next build takes it
        pass


def test_the_printed_draft_stamp_is_the_wordings_draft_mark():
    import yaml

    css = (ROOT / "src" / "reportkit" / "templates" / "reportkit" / "report.css").read_text(encoding="utf-8")
    mark = yaml.safe_load((ROOT / "data" / "wording" / "vi.yaml").read_text(encoding="utf-8"))["draft"][
        "mark"
    ]
    stamp = css.split("@page rk-draft", 1)[1].split("}", 1)[0]
    assert f'content: "{mark}";' in stamp
