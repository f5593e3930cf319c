"""The sample generator over several plans: the 2025 example's figures drawn from its catalogue,
the 2022 sample left as it was, each plan's files left to it."""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

import pytest
import yaml
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from workbooks import fill

from reportkit.model import Target
from reportkit.report.inputs import load_catalogue, load_org_tree, load_periods, load_plan, load_targets
from reportkit.submissions.intake import take_in_files
from reportkit.submissions.sample import (
    generate_figures,
    make_sample,
    sample_plans,
    sample_targets,
    write_submissions,
)
from reportkit.submissions.store import open_store, read_values
from reportkit.submissions.templates import write_template

DATA = ROOT / "data"
CATALOGUE = DATA / "catalogue" / "indicators-2025.yaml"
RAW = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tree():
    return load_org_tree(DATA / "org" / "units-2025.csv", DATA / "org" / "levels-2025.yaml")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE)


def shipped_figures() -> dict[str, dict[str, Decimal]]:
    by_unit: dict[str, dict[str, Decimal]] = defaultdict(dict)
    with open(DATA / "sample" / "figures-2025.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            assert (r["period"], r["source"]) == ("2025-FY", "sample")
            by_unit[r["unit_code"]][r["measure"]] = Decimal(r["value"])
    return by_unit


def assert_possible(by_unit: dict[str, dict[str, Decimal]]) -> None:
    """The catalogue's constraints, read from its YAML, and no negative count."""
    for code, values in by_unit.items():
        assert all(v >= 0 and v == int(v) for v in values.values()), code
        for c in RAW["constraints"]:
            assert sum(values[m] for m in c["lhs"]) <= values[c["rhs"]], (code, c)


def test_every_commune_sends_every_measure_and_nothing_is_impossible(tree):
    by_unit = shipped_figures()
    communes = {u.code for u in tree.children("92")}
    assert set(by_unit) == communes and len(communes) == 103
    assert all(set(values) == {m["id"] for m in RAW["measures"]} for values in by_unit.values())
    assert_possible(by_unit)


def test_totals_land_near_their_target_and_some_rules_are_missed():
    by_unit = shipped_figures()
    for ind in [i for i in RAW["indicators"] if i["kind"] == "total"]:
        total = sum(values[ind["measure"]] for values in by_unit.values())
        assert abs(total / ind["city_target"] - 1) < Decimal("0.1"), (ind["id"], total)
    # A sample with every unit on target would show nothing of the report's "not met" parts.
    weak = [code for code, values in by_unit.items() if values["branches_weak"] > 0]
    assert 0 < len(weak) < 40
    insured = sum(v["members_health_insured"] for v in by_unit.values())
    members = sum(v["members_total"] for v in by_unit.values())
    assert Decimal("0.9") < insured / members <= 1
    low, high = RAW["sample"]["members_total"]
    assert all(low <= v["members_total"] <= high for v in by_unit.values())


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_any_seed_keeps_the_catalogue_constraints(seed, tree, catalogue):
    targets = load_targets(DATA / "targets" / "targets-2025.csv").values()
    periods = sample_plans(_periods())["catalogue/indicators-2025.yaml"]
    rows = generate_figures(catalogue, tree, "92", periods, targets, seed=seed, ranges=RAW["sample"])
    by_unit: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for _period, code, measure, value in rows:
        by_unit[code][measure] = value
    assert_possible(by_unit)


def _periods():
    return load_periods(DATA / "periods.yaml")[0]


def test_each_plan_has_its_periods_and_the_year_before_it_is_compared_with():
    plans = {name: sorted(p.id for p in periods) for name, periods in sample_plans(_periods()).items()}
    assert plans == {
        "catalogue/indicators-2022.yaml": ["2021-FY", "2021-H1", "2022-FY", "2022-H1"],
        "catalogue/indicators-2025.yaml": ["2025-FY"],
    }


def test_the_2022_sample_comes_out_unchanged_and_2025_beside_it(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    make_sample(tmp_path / "data")
    made = tmp_path / "data" / "sample" / "submissions"
    assert sorted(p.name for p in made.iterdir()) == sorted(
        p.name for p in (DATA / "sample" / "submissions").iterdir()
    )
    for rel in ("sample/figures.csv", "targets/targets-2022.csv", "targets/targets-2025.csv"):
        assert (tmp_path / "data" / rel).read_bytes() == (DATA / rel).read_bytes(), rel


def test_one_plans_submissions_leave_the_others_alone(tmp_path, tree, catalogue):
    other = tmp_path / "2022-FY-917.csv"
    other.write_text("kept\n", encoding="utf-8")
    stale = tmp_path / "2025-FY-99999.csv"
    stale.write_text("stale\n", encoding="utf-8")
    written = write_submissions(tmp_path, [("2025-FY", "31135", "new_members", Decimal(7))], catalogue, tree)
    assert other.read_text(encoding="utf-8") == "kept\n"
    assert not stale.exists()
    assert len(written) == 103


def test_hand_weighted_targets_are_kept_and_resplit_when_the_city_target_moves(tmp_path, tree, catalogue):
    path = tmp_path / "targets.csv"
    shutil.copy(DATA / "targets" / "targets-2025.csv", path)
    shipped = path.read_bytes()
    kept = sample_targets(path, catalogue, tree, "92")
    assert path.read_bytes() == shipped
    assert {(t.unit_code, t.indicator_id): t.value for t in kept}[("31147", "new_members")] == 156

    # The plan's target of new members moves from 20.760 to 20.600: the file no longer adds up to
    # it, so it is split afresh (103 communes, equal weights: 200 each and 0 left over).
    moved = [
        i if i.id != "new_members" else replace(i, city_target=Decimal(20600)) for i in catalogue.indicators
    ]
    resplit = sample_targets(path, replace(catalogue, indicators=tuple(moved)), tree, "92")
    new_members = [t for t in resplit if t.indicator_id == "new_members"]
    assert {t.value for t in new_members} == {Decimal(200)} and len(new_members) == 103
    assert path.read_bytes() != shipped
    assert all(isinstance(t, Target) and t.basis == "sample" for t in resplit)


def test_draws_are_seeded(tree, catalogue):
    targets = list(load_targets(DATA / "targets" / "targets-2025.csv").values())
    periods = sample_plans(_periods())["catalogue/indicators-2025.yaml"]
    first = generate_figures(catalogue, tree, "92", periods, targets, seed=2025, ranges=RAW["sample"])
    again = generate_figures(catalogue, tree, "92", periods, targets, seed=2025, ranges=RAW["sample"])
    other = generate_figures(catalogue, tree, "92", periods, targets, seed=1, ranges=RAW["sample"])
    assert first == again != other


def test_a_draw_over_its_bound_is_cut_to_it(tree, catalogue):
    # No branch rated anywhere: the weak branches (drawn 1 for about 15% of communes) must go to 0,
    # and the new members (drawn from targets of 78 and more, at least 60% of them) to the 10
    # members there are.
    targets = list(load_targets(DATA / "targets" / "targets-2025.csv").values())
    periods = sample_plans(_periods())["catalogue/indicators-2025.yaml"]
    ranges = {"members_total": [10, 10], "branches_rated": [0, 0]}
    rows = generate_figures(catalogue, tree, "92", periods, targets, seed=2025, ranges=ranges)
    values = {(code, measure): value for _period, code, measure, value in rows}
    communes = [u.code for u in tree.children("92")]
    assert {values[(c, "branches_weak")] for c in communes} == {0}
    assert {values[(c, "new_members")] for c in communes} == {10}
    assert all(values[(c, "members_health_insured")] <= 10 for c in communes)


def test_a_commune_fills_the_2025_template_with_its_sample_figures_and_intake_takes_it(tmp_path):
    # What a commune does with the kit's own template: the sample figures typed into its input
    # cells, the file taken in with no problem, and read back exactly.
    values = {("31135", m): v for m, v in shipped_figures()["31135"].items()}
    template = write_template(load_plan(DATA, "2025-FY"), "31135", tmp_path / "templates")
    filled = fill(template, values, tmp_path / "ninh-kieu.xlsx")
    [received] = take_in_files([filled], DATA, tmp_path / "store")
    assert received.status == "accepted" and not received.verdict.problems
    conn = open_store(tmp_path / "store")
    try:
        assert read_values(conn, "2025-FY") == values
    finally:
        conn.close()


def test_every_sample_report_gets_sections_two_to_four_marked_as_sample_and_no_text_is_overwritten(tmp_path):
    from reportkit.submissions.sample import write_sample_narratives

    data, params = tmp_path / "data", tmp_path / "params"
    shutil.copytree(ROOT / "data", data)
    own = params / "narrative" / "2022-FY" / "917.md"
    own.parent.mkdir(parents=True)
    (params / "narrative" / "2025-FY").mkdir()
    own.write_text("## II. Đánh giá chung\n\nCủa Văn phòng.\n", encoding="utf-8")
    for city in ("2022-FY", "2025-FY"):  # the cities' texts the office wrote, shipped with the sample
        shutil.copy(ROOT / "params" / "narrative" / city / "92.md", params / "narrative" / city / "92.md")
    written = write_sample_narratives(data, params)
    # Reports of every planned period: 2022-H1 and 2022-FY (city + 8 districts), 2025-FY (city +
    # 103 communes), but 917's own text for 2022-FY and the two cities' texts, left as they were.
    assert len(written) == 9 + 9 + 104 - 3 and own not in written
    assert own.read_text(encoding="utf-8") == "## II. Đánh giá chung\n\nCủa Văn phòng.\n"
    commune = (params / "narrative" / "2025-FY" / "31135.md").read_text(encoding="utf-8")
    assert "*(Nội dung mẫu" in commune and "Hội Nông dân phường Ninh Kiều tập trung" in commune
    for heading in ("## II. Đánh giá chung", "## III. Phương hướng, nhiệm vụ", "## IV. Kiến nghị, đề xuất"):
        assert heading in commune
    # The texts shipped in params/narrative/ are the generator's (but the cities' two).
    for path in written:
        shipped = ROOT / "params" / path.relative_to(params)
        assert shipped.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path
