"""The analyst's DataFrames: numeric dtypes, hand-worked values, missing stays missing; the chart style."""

from __future__ import annotations

import math

import matplotlib
import pytest
from conftest import ROOT, figures, load_wording, make_catalogue, make_period, make_targets, make_tree

import reportkit as rk
from reportkit.model import FigureSet, ReportInputs
from reportkit.report.metrics import compute_report

matplotlib.use("Agg")

WORDING = load_wording()

# The figures of tests/test_metrics.py: city C, districts D1 (communes G1, G2) and D2 (commune G3).
FULL = {
    ("D1", "members_new"): 70, ("D2", "members_new"): 35,
    ("D1", "insured"): 90, ("D1", "members"): 100, ("D2", "insured"): 990, ("D2", "members"): 1000,
    ("G1", "models"): 2, ("G2", "models"): 1, ("G3", "models"): 5,
    ("D1", "weak"): 0, ("D2", "weak"): 1,
    ("D1", "months"): 12, ("D2", "months"): 11,
}  # fmt: skip
NUMBERS = ["actual", "target", "expected", "percent", "percent_of_due", "last_year", "change"]


def inputs_for(unit: str, now: FigureSet, before: FigureSet | None = None) -> ReportInputs:
    return ReportInputs(
        unit_code=unit,
        period=make_period("P"),
        previous_period=make_period("Q") if before is not None else None,
        tree=make_tree(),
        catalogue=make_catalogue(),
        targets=make_targets(),
        figures=now,
        previous_figures=before,
        wording=WORDING,
        params={},
        analyst_markdown=None,
        analyst_path="params/narrative/P/x.md",
    )


def report_for(unit: str, values=FULL, before=None):
    previous = figures(before, "Q") if before is not None else None
    return compute_report(inputs_for(unit, figures(values), previous))


def test_results_frame_has_numeric_columns_and_the_hand_worked_figures():
    frame = rk.results_frame(report_for("C")).set_index("indicator")
    assert all(frame[c].dtype == "float64" for c in NUMBERS)
    assert list(frame.index) == ["new", "bhyt", "model", "weak", "bulletin"]
    # new: 70 + 35 = 105 of the city's 100.
    assert frame.loc["new", ["actual", "target", "percent"]].tolist() == [105.0, 100.0, 105.0]
    assert (frame.loc["new", "verdict"], frame.loc["new", "verdict_label"]) == ("vuot", "Vượt")
    # bhyt: (90 + 990) / (100 + 1000) = 98.1818...%, against a threshold of 97%: 101.218...% of it.
    assert frame.loc["bhyt", "actual"] == pytest.approx(98.181818, abs=1e-6)
    assert frame.loc["bhyt", "target"] == 97.0
    assert frame.loc["bhyt", "percent"] == pytest.approx(101.218369, abs=1e-6)
    # model: communes with 2 models or more: G1 and G3 of the three.
    assert frame.loc["model", ["actual", "target"]].tolist() == [2.0, 3.0]
    assert frame.loc["model", "verdict"] == "chua_dat"
    # bulletin: a post every month, 12 in the year: D1 (12) yes, D2 (11) no.
    assert frame.loc["bulletin", ["actual", "target", "percent"]].tolist() == [1.0, 2.0, 50.0]


def test_missing_figures_and_targets_stay_missing_never_text():
    values = {k: v for k, v in FULL.items() if k != ("D2", "members_new")}
    frame = rk.results_frame(report_for("C", values)).set_index("indicator")
    assert math.isnan(frame.loc["new", "actual"]) and math.isnan(frame.loc["new", "percent"])
    assert frame.loc["new", "verdict"] == "thieu_so_lieu"
    # weak (none-kind) has no percent; no last year was given at all.
    assert math.isnan(frame.loc["weak", "percent"]) and frame["last_year"].isna().all()
    assert frame["change"].isna().all()


def test_last_year_and_change():
    before = {**FULL, ("D1", "members_new"): 50, ("D2", "members_new"): 30}
    frame = rk.results_frame(report_for("C", before=before)).set_index("indicator")
    # 105 against 80 last year: +31.25%.
    assert frame.loc["new", ["last_year", "change"]].tolist() == [80.0, 31.25]


def test_units_frame_judges_each_child_in_tree_order():
    frame = rk.units_frame(report_for("C"))
    assert list(dict.fromkeys(frame["unit_code"])) == ["D1", "D2"]
    assert all(frame[c].dtype == "float64" for c in ("actual", "target", "percent", "percent_of_due"))
    rows = frame.set_index(["unit_code", "indicator"])
    # D1: 70 new members of its 60; D2: 35 of its 40.
    assert rows.loc[("D1", "new"), ["actual", "target"]].tolist() == [70.0, 60.0]
    assert rows.loc[("D1", "new"), "percent"] == pytest.approx(116.666667, abs=1e-6)
    assert rows.loc[("D2", "new"), ["percent", "verdict"]].tolist() == [87.5, "chua_dat"]
    assert rows.loc[("D1", "new"), "unit_name"] == "Một"


def test_units_frame_of_a_district_holds_its_communes():
    frame = rk.units_frame(report_for("D1")).set_index(["unit_code", "indicator"])
    # Only the commune-level indicator applies to a commune: G1 has 2 models (reaches 2), G2 has 1.
    assert list(frame.index) == [("G1", "model"), ("G2", "model")]
    assert frame["percent"].tolist() == [100.0, 0.0]


def test_units_frame_without_children_is_empty_but_typed():
    frame = rk.units_frame(report_for("G1"))
    assert frame.empty and frame["percent"].dtype == "float64"


def test_measures_frame_values_and_which_rows_are_sample():
    now = FigureSet("P", figures(FULL).values, True, frozenset({("D1", "members_new")}))
    frame = rk.measures_frame(inputs_for("D1", now))
    assert frame["value"].dtype == "float64" and frame["is_sample"].dtype == "bool"
    rows = frame.set_index(["unit_code", "measure"])
    assert rows.loc[("D2", "insured"), "value"] == 990.0
    assert rows["is_sample"].sum() == 1 and rows.loc[("D1", "members_new"), "is_sample"]
    assert rows.loc[("G1", "models"), ["unit_name", "measure_name"]].tolist() == ["A", "Mô hình"]
    # The unit's own subtree first, in tree order.
    assert list(dict.fromkeys(frame["unit_code"]))[:3] == ["D1", "G1", "G2"]


def test_measures_frame_of_last_year_and_of_none():
    inputs = inputs_for("C", figures(FULL))
    assert rk.measures_frame(inputs, last_year=True).empty
    assert len(rk.measures_frame(inputs)) == len(FULL)


def test_style_chart_gives_the_report_font_frame_and_greyscale_fills():
    import matplotlib.pyplot as plt

    from reportkit.report.charts import RC, STYLE, WIDTH_IN

    fig, ax = plt.subplots(figsize=(10, 4))
    ax.bar(["a", "b"], [1, 2], label="x", color="red")
    ax.bar(["a", "b"], [0.5, 1], label="y", color="blue")
    ax.set_title("Tiêu đề", fontsize=20)
    ax.legend()
    assert rk.style_chart(ax) is fig
    assert ax.title.get_fontfamily() == RC["font.family"]
    assert ax.title.get_fontsize() == RC["font.size"]
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert fig.get_size_inches()[0] == pytest.approx(WIDTH_IN)
    first, second = (c.patches[0] for c in ax.containers)
    fills = [matplotlib.colors.to_hex(p.get_facecolor()) for p in (first, second)]
    assert fills == [s["color"] for s in list(STYLE.values())[:2]]
    plt.close(fig)


def test_the_example_notebook_runs_and_draws_a_chart(sample_store, tmp_path):
    import papermill

    path = ROOT / "notebooks" / "examples" / "phan-tich.ipynb"
    # Run where JupyterLab runs it: in its own folder, against the store of the sample submissions.
    done = papermill.execute_notebook(
        str(path),
        str(tmp_path / "out.ipynb"),
        parameters={"store_dir": str(sample_store)},
        engine_name="reportkit",
        cwd=str(path.parent),
        progress_bar=False,
    )
    outputs = [o for cell in done.cells for o in cell.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert any("text/html" in o.get("data", {}) for o in outputs)  # the frames, as tables
    assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"]
