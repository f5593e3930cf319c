"""The fork server's warm-up: what one project's reports share is ready before any report forks,
and a project it cannot read does not stop the server."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, load_wording
from test_charts_text import results

from reportkit.build import executors, isolate
from reportkit.datafiles import read_yaml
from reportkit.errors import DataError
from reportkit.model import Status
from reportkit.report import charts, narrative, warmup
from reportkit.report.inputs import load_catalogue

DATA = ROOT / "data"
LABELS = {status.value: "Nhãn" for status in Status}


def chart_misses(*, measured_ahead: bool) -> int:
    """How many texts a chart of results() measures itself, with its row names measured or not."""
    charts._text_size.cache_clear()
    if measured_ahead:
        charts.measure_labels(result.indicator.short for result in results())
    before = charts._text_size.cache_info().misses
    charts.plot_achievement(results(), LABELS, "Mức thực hiện (%)", None)
    return charts._text_size.cache_info().misses - before


def test_names_measured_ahead_are_the_ones_a_chart_asks_for():
    # Measured with another font or size, the warm-up would fill the memo with nothing any chart uses.
    names = {result.indicator.short for result in results()}
    assert chart_misses(measured_ahead=True) == chart_misses(measured_ahead=False) - len(names)


def test_templates_in_finds_every_wording_template_nested_in_mappings_and_lists():
    content = {
        "a": "Năm {{ year }}",
        "b": ["chữ thường", {"c": "{% if x %}có{% endif %}"}],
        "d": 3,
        "e": None,
    }
    assert list(warmup.templates_in([content, "{{ x }}", "không"])) == [
        "Năm {{ year }}",
        "{% if x %}có{% endif %}",
        "{{ x }}",
    ]


def test_the_project_warm_up_compiles_every_wording_template_and_measures_every_indicator():
    narrative._compiled.cache_clear()
    charts._text_size.cache_clear()
    warmup.warm_up_project(DATA)
    templates = set(warmup.templates_in([read_yaml(DATA / "wording" / "vi.yaml")]))
    assert len(templates) > 20
    compiled = narrative._compiled.cache_info()
    # A report's wording (the same file, with the level words beside it) now compiles nothing.
    for template in warmup.templates_in([load_wording()]):
        narrative._compiled(template)
    assert narrative._compiled.cache_info().misses == compiled.misses
    shorts = {
        i.short for path in (DATA / "catalogue").glob("*.yaml") for i in load_catalogue(path).indicators
    }
    assert charts._text_size.cache_info().currsize == len(shorts)


def test_the_project_warm_up_of_a_folder_without_the_project_is_a_data_error(tmp_path):
    with pytest.raises(DataError):
        warmup.warm_up_project(tmp_path)


def test_a_template_that_does_not_compile_is_left_for_its_use_to_report():
    narrative.compile_templates(["{{ chưa đóng", "{{ x }}"])
    assert narrative.render_text("{{ x }}", x="được") == "được"


def test_the_fork_server_is_told_the_project_at_its_start_only(monkeypatch):
    seen = []
    monkeypatch.setattr(
        executors.forkserver, "ensure_running", lambda: seen.append(os.environ.get(isolate.WARM_DATA_ENV))
    )
    executors.start_fork_server(DATA)
    executors.start_fork_server()
    assert seen == [str(DATA), ""]
    assert isolate.WARM_DATA_ENV not in os.environ  # nothing else the build starts is told


def test_a_fork_server_named_a_broken_project_still_starts(tmp_path):
    (tmp_path / "periods.yaml").write_text("kỳ: [chưa đóng", encoding="utf-8")
    environment = {**os.environ, isolate.WARM_DATA_ENV: str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", "import reportkit.build.zygote"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
