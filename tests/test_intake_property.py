"""Property: any valid set of figures, written into a template, taken in and read back, is unchanged."""

import csv
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workbooks import children, fill

from reportkit.paths import STORE_DB
from reportkit.report.inputs import load_plan
from reportkit.submissions import store
from reportkit.submissions.intake import take_in_files
from reportkit.submissions.templates import write_template

DATA = ROOT / "data"
DISTRICT = "919"
RAW = yaml.safe_load((DATA / "catalogue" / "indicators-2022.yaml").read_text(encoding="utf-8"))
MONTHS = 12  # 2022-FY
BOUNDED = {m for c in RAW["constraints"] if c["rhs"].startswith("$units.") for m in c["lhs"]}
PROBLEMS = yaml.safe_load((ROOT / "src" / "reportkit" / "data" / "problems.yaml").read_text(encoding="utf-8"))
with open(DATA / "targets" / "targets-2022.csv", encoding="utf-8") as fh:
    TARGETS = {(r["unit_code"], r["indicator_id"]): Decimal(r["target"]) for r in csv.DictReader(fh)}


def keys() -> list[tuple[str, str, str]]:
    """(unit, measure, type) of every figure the district sends, from the catalogue file itself."""
    grassroots = [u["code"] for u in children(DISTRICT)]
    out = []
    for m in RAW["measures"]:
        units = [DISTRICT] if m["level"] == "district" else grassroots
        out += [(u, m["id"], m["type"]) for u in units]
    return out


COUNT = st.integers(min_value=0, max_value=10**9)
AMOUNT = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False)


def make_possible(values: dict) -> dict:
    """Raise each constraint's right side to its left sum (or cap months): still any valid set."""
    for _ in range(3):  # a right side may sit on another constraint's left
        for c in RAW["constraints"]:
            for unit in {u for u, _ in values}:
                if any((unit, m) not in values for m in c["lhs"]):
                    continue
                if c["rhs"] == "$months":
                    for m in c["lhs"]:
                        values[(unit, m)] = min(values[(unit, m)], MONTHS)
                elif c["rhs"].startswith("$units.") and unit == DISTRICT:  # the tree's count
                    for m in c["lhs"]:
                        values[(unit, m)] = min(values[(unit, m)], len(children(DISTRICT)) // len(c["lhs"]))
                elif (unit, c["rhs"]) in values and c["rhs"] in BOUNDED:
                    # A right side with its own bound (rated <= the tree's count): lower the left.
                    total, limit = sum(values[(unit, m)] for m in c["lhs"]), values[(unit, c["rhs"])]
                    for m in c["lhs"]:
                        values[(unit, m)] = (
                            values[(unit, m)] * limit // total if total > limit else values[(unit, m)]
                        )
                elif (unit, c["rhs"]) in values:
                    total = sum(values[(unit, m)] for m in c["lhs"])
                    values[(unit, c["rhs"])] = max(values[(unit, c["rhs"])], total)
    return values


def make_plausible(values: dict) -> dict:
    """Keep each total under the multiple of the district's target that data/problems.yaml flags
    (a sum of grassroots figures: each unit its share of it)."""
    rule = PROBLEMS["far_above_target"]
    for ind in RAW["indicators"]:
        target = TARGETS.get((DISTRICT, ind["id"]))
        if ind["kind"] != "total" or "measure" not in ind or not target:
            continue
        keys = [k for k in values if k[1] == ind["measure"]]
        cap = (max(rule["ratio"] * target, rule["min_size"]) - 1) / len(keys)
        for k in keys:
            values[k] = min(
                values[k], int(cap) if isinstance(values[k], int) else cap.quantize(Decimal("0.01"))
            )
    return values


def make_members_enough(values: dict) -> dict:
    """Enough members for every figure data/problems.yaml compares with them (more never hurts)."""
    rule = PROBLEMS["far_above_size"]
    size = (DISTRICT, rule["size"])
    for measure, ratio in rule["ratios"].items():
        values[size] = max(values[size], -(-values[(DISTRICT, measure)] // ratio))
    return values


@st.composite
def figure_sets(draw):
    """Any valid and plausible set: the catalogue's rules hold, no figure is many times its target
    or the district's size."""
    values = {(u, m): draw(COUNT if t == "count" else AMOUNT) for u, m, t in keys()}
    return make_members_enough(make_possible(make_plausible(values)))


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_template(load_plan(DATA, "2022-FY"), DISTRICT, tmp_path_factory.mktemp("tpl"))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=figure_sets())
def test_figures_round_trip_through_template_intake_and_store(template, values):
    with tempfile.TemporaryDirectory() as tmp:
        path = fill(template, values, Path(tmp) / "cai-rang.xlsx")
        [received] = take_in_files([path], DATA, Path(tmp) / "store")
        assert received.status == "accepted", [p.message for p in received.verdict.errors]
        assert not received.verdict.problems
        read_back = store.read_figures(Path(tmp) / "store" / STORE_DB, "2022-FY")
        assert dict(read_back.values) == {k: Decimal(v) for k, v in values.items()}
        assert not read_back.is_sample
