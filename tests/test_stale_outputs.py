"""A report that fails keeps its last good PDF; the index and the build's summary say which build
that PDF is from, so that it is never taken for a current one."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from tinyproject import make_project, write_notebooks

from reportkit.cli import main

pytestmark = pytest.mark.e2e

PERIOD = "2022-FY"
STEM = "918-quan-binh-thuy"
RAISES = 'if unit_code == "918":\n    raise ValueError("số liệu 918 hỏng")'


def build(project, capsys) -> tuple[int, str]:
    args = ["--root", str(project), "build", "--period", PERIOD, "--unit", "917", "--unit", "918"]
    code = main(args)
    return code, " ".join(capsys.readouterr().out.split())


def read_manifest(project) -> dict:
    path = project / "outputs" / PERIOD / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8"))["reports"]


def test_a_failed_report_says_its_pdf_is_from_the_earlier_build_and_when(tmp_path, capsys):
    project = make_project(tmp_path)
    assert build(project, capsys)[0] == 0
    good_at = read_manifest(project)[STEM]["built_at"]
    local = dt.datetime.fromisoformat(good_at).astimezone()
    expected = f"bản của lần lập trước, {local:%H:%M} ngày {local:%d/%m/%Y}"

    write_notebooks(project, district=(RAISES,))
    code, summary = build(project, capsys)

    assert code == 1
    assert read_manifest(project)[STEM]["last_good_at"] == good_at
    index = (project / "outputs" / PERIOD / "index.html").read_text(encoding="utf-8")
    assert expected in index
    assert f'<a href="{STEM}.pdf">PDF</a>' in index  # the kept PDF is still reachable, and labelled
    assert expected in summary and "số liệu 918 hỏng" in summary
    # The report that built is not labelled.
    assert index.count("bản của lần lập trước") == 1

    # Failing again does not move the date: the PDF is still the one of the first build.
    code, summary = build(project, capsys)
    assert expected in summary
    assert read_manifest(project)[STEM]["last_good_at"] == good_at


def test_a_report_that_never_built_has_no_earlier_pdf_to_speak_of(tmp_path, capsys):
    project = make_project(tmp_path, district=(RAISES,))
    code, summary = build(project, capsys)
    assert code == 1
    index = (project / "outputs" / PERIOD / "index.html").read_text(encoding="utf-8")
    assert "lần lập trước" not in index and "lần lập trước" not in summary
    assert f"{STEM}.pdf" not in index
