"""The data files: organisation tree, the 2022 catalogue, targets and sample figures."""

import csv
import unicodedata
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from reportkit.model import Kind
from reportkit.report.inputs import DataError, load_catalogue, load_org_tree, load_targets
from reportkit.submissions.sample import split_city_targets, split_largest_remainder

DATA = ROOT / "data"
LEVELS = DATA / "org" / "levels-2022.yaml"


@pytest.fixture(scope="module")
def tree():
    return load_org_tree(DATA / "org" / "units-2022.csv", LEVELS)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(DATA / "catalogue" / "indicators-2022.yaml")


def test_tree_has_the_city_eight_districts_and_72_grassroots(tree):
    assert [u.code for u in tree.roots()] == ["92"]
    assert len(tree.members("92", "district")) == 8
    assert len(tree.members("92", "grassroots")) == 72
    assert "916" not in tree  # Ninh Kiều had no district farmers' association


def test_tree_is_read_at_any_depth(tmp_path: Path):
    # Since 2025 the city has communes directly under it; and a deeper tree must work too.
    flat = tmp_path / "flat.csv"
    flat.write_text(
        "code,name,kind,parent_code\n92,Cần Thơ,thành phố,\n1,A,xã,92\n2,B,phường,92\n", encoding="utf-8"
    )
    t = load_org_tree(flat, LEVELS)
    assert [u.code for u in t.members("92", "grassroots")] == ["1", "2"]
    deep = tmp_path / "deep.csv"
    deep.write_text(
        "code,name,kind,parent_code\n1,X,tỉnh,\n2,Y,thành phố,1\n3,Z,quận,2\n4,W,phường,3\n", encoding="utf-8"
    )
    assert [u.code for u in load_org_tree(deep, LEVELS).members("1", "grassroots")] == ["4"]


@pytest.mark.parametrize(
    "content",
    ["code,name,kind,parent_code\n1,A,xã,99\n", "code,name,kind,parent_code\n1,A,xã,2\n2,B,xã,1\n",
     "code,name,kind,parent_code\n1,A,làng,\n"],
)  # fmt: skip
def test_broken_trees_are_refused(tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError):
        load_org_tree(path, LEVELS)


def test_names_are_nfc_and_keep_official_spelling(tree):
    assert tree["918"].name == "Bình Thuỷ" and tree["31168"].name == "Bình Thủy"
    assert all(unicodedata.is_normalized("NFC", u.name) for u in tree.units.values())


def test_catalogue_carries_the_plans_figures(catalogue):
    totals = {i.id: i.city_target for i in catalogue.indicators if i.kind is Kind.TOTAL}
    assert totals == {
        "propaganda": 218947, "new_members": 5620, "sxkd_registered": 74681,
        "sxkd_achieved": 45555, "poverty_households": 144, "fund_growth": 5000,
    }  # fmt: skip
    shares = {i.id: i.threshold for i in catalogue.indicators if i.kind is Kind.SHARE}
    assert shares == {"grassroots_good": 100, "branch_cadres_trained": 100, "food_safety": 100,
                      "health_insurance": 97, "social_insurance": Decimal("3.5")}  # fmt: skip
    minima = {i.id: (i.level, i.minimum, i.per) for i in catalogue.indicators if i.kind is Kind.MINIMUM}
    assert minima["security_models"] == ("grassroots", 5, None)
    assert minima["poverty_per_grassroots"] == ("grassroots", 2, None)
    assert minima["bulletin"] == ("district", 1, "month")
    assert {i.id for i in catalogue.indicators if i.kind is Kind.NONE} == {"grassroots_weak"}
    assert len(catalogue.fields) == 14 and all(e["reason"] for e in catalogue.excluded)


def test_district_targets_add_up_exactly_to_the_plan(catalogue, tree):
    targets = load_targets(DATA / "targets" / "targets-2022.csv")
    for ind in catalogue.indicators:
        if ind.kind is Kind.TOTAL:
            parts = [targets[(d.code, ind.id)].value for d in tree.members("92", "district")]
            assert sum(parts) == ind.city_target and ("92", ind.id) not in targets  # in the catalogue only
            assert {targets[(d.code, ind.id)].basis for d in tree.members("92", "district")} == {"sample"}


def test_a_city_of_units_with_none_below_gets_a_sample_split_evenly(tmp_path, catalogue):
    # Since 2025 the city's units have no level below them: each stands for one association, so
    # the plan's 218.947 people split over 3 units as 72.983 + 72.982 + 72.982 (largest remainder).
    rows = ["code,name,kind,parent_code", "92,Cần Thơ,thành phố,"]
    rows += [f"9{n:03d},Thử {n},huyện,92" for n in (1, 2, 3)]
    (tmp_path / "units.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    flat = load_org_tree(tmp_path / "units.csv", DATA / "org" / "levels-2022.yaml")
    targets = {(t.unit_code, t.indicator_id): t.value for t in split_city_targets(catalogue, flat, "92")}
    assert [targets[(code, "propaganda")] for code in ("9001", "9002", "9003")] == [72983, 72982, 72982]


def test_largest_remainder_split():
    assert split_largest_remainder(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    assert sum(split_largest_remainder(218947, {"a": 7, "b": 8, "c": 12}).values()) == 218947


def _sample_rows(name: str = "figures.csv"):
    with open(DATA / "sample" / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_sample_is_marked_and_covers_every_measure_unit_and_period(catalogue, tree):
    rows = _sample_rows()
    assert {r["source"] for r in rows} == {"sample"}
    assert {r["period"] for r in rows} == {"2021-H1", "2021-FY", "2022-H1", "2022-FY"}
    for period in ("2021-FY", "2022-H1", "2022-FY"):
        have = {(r["unit_code"], r["measure"]) for r in rows if r["period"] == period}
        for m in catalogue.measures.values():
            for unit in tree.members("92", m.level):
                assert (unit.code, m.id) in have


def test_sample_figures_are_possible_and_plausible(catalogue):
    values = defaultdict(dict)
    for r in _sample_rows():
        values[(r["period"], r["unit_code"])][r["measure"]] = Decimal(r["value"])
    for key, v in values.items():
        for c in catalogue.constraints:
            if c.rhs != "$months" and all(m in v for m in (*c.lhs, c.rhs)):
                assert sum(v[m] for m in c.lhs) <= v[c.rhs], (key, c)
    for district in ("917", "918", "919", "923", "924", "925", "926", "927"):
        half, year = (
            values[("2022-H1", district)]["new_members"],
            values[("2022-FY", district)]["new_members"],
        )
        assert Decimal("0.35") < half / year < Decimal("0.65")


def test_sample_generator_is_deterministic(tmp_path):
    import shutil

    from reportkit.submissions.sample import make_sample

    shutil.copytree(DATA, tmp_path / "data")
    make_sample(tmp_path / "data")
    submissions = sorted(
        p.relative_to(DATA).as_posix() for p in (DATA / "sample" / "submissions").glob("*.csv")
    )
    assert len([s for s in submissions if not s.startswith("sample/submissions/2025-")]) == 32  # 8 × 4
    assert len([s for s in submissions if s.startswith("sample/submissions/2025-FY-")]) == 103
    plans = (
        "sample/figures.csv",
        "targets/targets-2022.csv",
        "sample/figures-2025.csv",
        "targets/targets-2025.csv",
    )
    for rel in (*plans, *submissions):
        assert (tmp_path / "data" / rel).read_bytes() == (DATA / rel).read_bytes(), rel


def _file_figure(period: str, unit: str, measure: str) -> Decimal:
    (value,) = [
        r["value"]
        for r in _sample_rows()
        if (r["period"], r["unit_code"], r["measure"]) == (period, unit, measure)
    ]
    return Decimal(value)


def _file_target(unit: str, indicator: str) -> Decimal:
    with open(DATA / "targets" / "targets-2022.csv", encoding="utf-8") as fh:
        (value,) = [
            r["target"]
            for r in csv.DictReader(fh)
            if (r["unit_code"], r["indicator_id"]) == (unit, indicator)
        ]
    return Decimal(value)


def test_sample_has_districts_missing_and_exceeding_targets():
    """Read off the files by hand, not judged by the kit: 2022-FY is a whole year (progress 1)."""
    # Hội viên mới: Ô Môn (917) 600 of 546 -> 109,9%, vượt; Bình Thủy (918) 573 of 624 -> 91,8%,
    # chưa đạt.
    assert (_file_figure("2022-FY", "917", "new_members"), _file_target("917", "new_members")) == (600, 546)
    assert (_file_figure("2022-FY", "918", "new_members"), _file_target("918", "new_members")) == (573, 624)
    # Not every district misses or exceeds everything: Bình Thủy's fund grew 587,1 of 556 triệu.
    assert (_file_figure("2022-FY", "918", "fund_growth"), _file_target("918", "fund_growth")) == (
        Decimal("587.1"),
        556,
    )
    # The city: 600 + 573 + 559 + 904 + 945 + 714 + 567 + 1099 = 5961 of the plan's 5620 -> vượt.
    districts = ("917", "918", "919", "923", "924", "925", "926", "927")
    assert [_file_figure("2022-FY", d, "new_members") for d in districts] == [
        600, 573, 559, 904, 945, 714, 567, 1099,
    ]  # fmt: skip
    # The city's own target is written once, in the catalogue (the plan's figure), not in the file.
    with open(DATA / "catalogue" / "indicators-2022.yaml", encoding="utf-8") as fh:
        catalogue = yaml.safe_load(fh)
    (city_target,) = [i["city_target"] for i in catalogue["indicators"] if i["id"] == "new_members"]
    assert city_target == 5620


def test_sample_submissions_hold_the_sample_figures_once_each():
    """One CSV per submitting unit and period; together exactly the rows of figures.csv and
    figures-2025.csv, marked sample."""
    from_submissions = []
    for path in sorted((DATA / "sample" / "submissions").glob("*.csv")):
        period, district = path.stem.rsplit("-", 1)
        with open(path, encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert {r["period"] for r in rows} == {period} and {r["source"] for r in rows} == {"sample"}
        assert rows[0]["unit_code"] == district
        from_submissions += [(r["period"], r["unit_code"], r["measure"], r["value"]) for r in rows]
    figures = [*_sample_rows(), *_sample_rows("figures-2025.csv")]
    from_figures = [(r["period"], r["unit_code"], r["measure"], r["value"]) for r in figures]
    assert sorted(from_submissions) == sorted(from_figures)
    assert len(set(from_submissions)) == len(from_submissions)


def test_a_target_in_both_the_catalogue_and_the_targets_file_is_refused(tmp_path, catalogue, tree):
    from reportkit.report.inputs import load_plan_targets

    path = tmp_path / "targets.csv"
    path.write_text("unit_code,indicator_id,target,basis\n92,new_members,5620,plan\n", encoding="utf-8")
    catalogue_path = DATA / "catalogue" / "indicators-2022.yaml"
    with pytest.raises(DataError) as raised:
        load_plan_targets(path, catalogue, catalogue_path, tree)
    message = str(raised.value)
    assert "new_members" in message and str(catalogue_path) in message and str(path) in message
    assert "một nơi" in message


def test_the_shipped_plan_gives_each_target_once_and_the_city_its_plan_figure(catalogue, tree):
    from reportkit.report.inputs import load_plan_targets

    catalogue_path = DATA / "catalogue" / "indicators-2022.yaml"
    targets = load_plan_targets(DATA / "targets" / "targets-2022.csv", catalogue, catalogue_path, tree)
    assert targets[("92", "propaganda")].value == 218947 and targets[("92", "propaganda")].basis == "plan"
    assert targets[("925", "propaganda")].value == 30409
