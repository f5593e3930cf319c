"""The city report's views of its units at any number of them: a flat tree of 103 communes (the
city's since 2025) gives a row per unit, a ranking drawn as several pages of bars, a missed-target
list that stays short, and figures numbered 1, 2, 3 whatever chart is left out."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest
import yaml
from conftest import ROOT, figures, make_catalogue, make_period
from hypothesis import given
from hypothesis import strategies as st

from reportkit.model import Level, Levels, OrgTree, ReportInputs, Target, Unit
from reportkit.report import charts, document, tables
from reportkit.report.metrics import compute_report

WORDING = yaml.safe_load((ROOT / "data" / "wording" / "vi.yaml").read_text(encoding="utf-8"))
UNITS = 103


def flat_tree(count: int) -> OrgTree:
    """City C with `count` communes X1…X<count> ("Xã Số n") directly under it."""
    units = [Unit("C", "Thử", "thành phố", None, "city")]
    units += [Unit(f"X{n}", f"Số {n}", "xã", "C", "district") for n in range(1, count + 1)]
    # The conftest catalogue keeps its figures at the level "district": here that level is named
    # as the communes are since 2025 (a level id is only a name).
    commune = {"one": "xã, phường", "many": "các xã, phường", "association": "xã, phường"}
    city = {"one": "thành phố", "many": "các thành phố", "association": "thành phố"}
    levels = Levels(
        {"city": Level("city", ("thành phố",), city), "district": Level("district", ("xã",), commune)},
        "district",
        ("city", "district"),
    )
    return OrgTree({u.code: u for u in units}, {"xã": "Xã", "thành phố": "Thành phố"}, levels)


def inputs_for(count: int, last_year: bool) -> ReportInputs:
    # Each commune's target is 100 new members; commune n recruits n (n% of its target), and n - 1
    # the year before. The city's own target is 100 × count.
    targets = {(f"X{n}", "new"): Target(f"X{n}", "new", Decimal(100), "plan") for n in range(1, count + 1)}
    targets[("C", "new")] = Target("C", "new", Decimal(100 * count), "plan")
    now = figures({(f"X{n}", "members_new"): n for n in range(1, count + 1)})
    before = figures({(f"X{n}", "members_new"): n - 1 for n in range(1, count + 1)}, "Q")
    previous = dataclasses.replace(make_period("Q"), year=2021) if last_year else None
    return ReportInputs(
        unit_code="C",
        period=make_period(),
        previous_period=previous,
        tree=flat_tree(count),
        catalogue=dataclasses.replace(make_catalogue(), plan={"theme": "Chủ đề"}),
        targets=targets,
        figures=now,
        previous_figures=before if last_year else None,
        wording=WORDING,
        params={},
        analyst_markdown=None,
        analyst_path="params/narrative/P/C.md",
    )


def figures_of(html: str) -> list[str]:
    return re.findall(r"<figure class=\"rk-chart\">(.*?)</figure>", html, flags=re.S)


def captions(html: str) -> list[str]:
    return re.findall(r"<figcaption>(.*?)</figcaption>", html)


def bar_labels(svg: str) -> list[str]:
    """The ranking's value labels ("1/1 (103,0%)"): the text of the SVG that reads n/m."""
    return [t for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if re.fullmatch(r"\d+/\d+.*", t)]


@pytest.fixture
def city_of_103():
    # A new report each test: the figures' numbers are given as the report shows them.
    return compute_report(inputs_for(UNITS, last_year=False), compare_children=True)


def test_every_unit_is_a_row_of_every_table(city_of_103):
    frame, classes = tables.build_unit_rows(city_of_103.children, city_of_103.inputs.catalogue,
                                            city_of_103.inputs.tree, WORDING)  # fmt: skip
    # Only Hội viên mới has figures: the unit's name and one column, 103 rows.
    assert frame.shape == classes.shape == (UNITS, 2)
    assert frame.iloc[0].tolist() == ["Xã Số 1", "1"] and frame.iloc[-1].tolist() == ["Xã Số 103", "103"]
    html = document.render_districts(city_of_103)
    units_table = re.search(r'<table id="T_units-1".*?</table>', html, flags=re.S).group(0)
    assert "<thead>" in units_table  # the header row Chromium repeats on each page
    assert units_table.count("<tr>") == UNITS + 1


def test_the_ranking_is_drawn_as_pages_of_at_most_35_bars_ranked_and_labelled(city_of_103):
    # Communes 103…100 reach their target (1 of 1), best mean first; then 99 down to 1.
    html = document.render_districts(city_of_103)
    ranking = [svg for svg in figures_of(html) if bar_labels(svg)]
    assert len(ranking) == 3  # 103 bars: 34 + 34 + 35
    labels = [bar_labels(svg) for svg in ranking]
    assert [len(page) for page in labels] == [34, 34, 35]
    everything = [label for page in labels for label in page]
    assert everything[:5] == ["1/1 (103,0%)", "1/1 (102,0%)", "1/1 (101,0%)", "1/1 (100,0%)", "0/1 (99,0%)"]
    assert everything[-1] == "0/1 (1,0%)"
    assert "1. Xã Số 103" in ranking[0] and "103. Xã Số 1" in ranking[2]


def test_figures_are_numbered_in_order_with_no_gap_for_a_chart_left_out(city_of_103):
    # No same period last year: the change chart is left out, the ranking is figure 2, in 3 parts.
    charts_html = document.render_charts(city_of_103)
    districts_html = document.render_districts(city_of_103)
    title = "Số chỉ tiêu đạt, vượt của các xã, phường"
    assert captions(charts_html) == ["Biểu đồ 1. Mức thực hiện so với chỉ tiêu (%)"]
    assert captions(districts_html) == [f"Biểu đồ 2 (phần {n}/3). {title}" for n in (1, 2, 3)]
    # Shown again (a cell run twice in JupyterLab), a chart keeps its number.
    assert captions(document.render_districts(city_of_103))[0].startswith("Biểu đồ 2 ")


def test_with_last_year_every_chart_has_its_number_and_a_few_units_one_figure():
    report = compute_report(inputs_for(8, last_year=True), compare_children=True)
    numbered = captions(document.render_charts(report)) + captions(document.render_districts(report))
    assert [c.split(".")[0] for c in numbered] == ["Biểu đồ 1", "Biểu đồ 2", "Biểu đồ 3"]
    assert numbered[2] == "Biểu đồ 3. Số chỉ tiêu đạt, vượt của các xã, phường"


def test_a_target_missed_by_99_units_is_one_row_naming_the_ten_lowest(city_of_103):
    missed = tables.build_missed_table(city_of_103.missed, city_of_103.inputs.catalogue,
                                       city_of_103.inputs.tree, WORDING)  # fmt: skip
    # After "Thấp nhất:" the names are mid-sentence: "xã Số 1" (ND30).
    listed = ", ".join(f"xã Số {n} ({n},0%)" for n in range(1, 11))
    assert missed.values.tolist() == [["Hội viên mới", "99", f"Thấp nhất: {listed}; và 89 đơn vị khác."]]


def test_ranking_figures_fit_a_page_at_the_printed_width():
    # 35 bars at the most: the figure is drawn at the text block's width and no taller than the
    # A4 text block (257 mm, about 10,1 in) less room for its caption.
    names = [f"{n}. Xã Số {n}" for n in range(1, 36)]
    [svg] = charts.plot_ranking(names, [1] * 35, [2] * 35, ["1/2"] * 35, "Số chỉ tiêu đạt, vượt")
    width, height = (float(v) for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    assert width == pytest.approx(charts.WIDTH_IN * 72)
    assert height <= 9.5 * 72


@given(st.integers(0, 400), st.integers(1, 60))
def test_runs_cover_every_item_once_in_as_few_even_runs_as_fit(count, most):
    runs = tables.split_evenly(count, most)
    assert [n for run in runs for n in run] == list(range(count))
    assert len(runs) == -(-count // most)  # no more figures (or tables) than needed
    sizes = [len(run) for run in runs]
    assert all(size <= most for size in sizes) and (not sizes or max(sizes) - min(sizes) <= 1)
