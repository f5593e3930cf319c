"""End to end: a district corrects its submission, and the next build shows the correction.

The office's way: the sample submissions taken in, every report built, then a corrected
workbook for one district taken in; a plain `reportkit build` rebuilds that district and the
city (whose totals include it), skips the rest, and the PDFs show the new figure."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal

import pytest
import yaml
from conftest import ROOT
from pypdf import PdfReader
from tinyproject import take_in_sample
from workbooks import children, district_values, fill

from reportkit.build.plan import build_period
from reportkit.build.spec import JobState
from reportkit.cli import STORE_ENV, main
from reportkit.paths import ProjectPaths

pytestmark = pytest.mark.e2e

PERIOD = "2022-FY"
DISTRICTS = [u["code"] for u in children("92")]
CORRECTED = ("917", "new_members")


def dotted(n: Decimal) -> str:
    """An integer as vi_VN prints it, worked out here: 1010 -> "1.010"."""
    return f"{int(n):,}".replace(",", ".")


def says_total(text: str, actual, target) -> bool:
    """The report's sentence of a total in members: the amount, its % of the target, the target
    ("1.010 hội viên, đạt 185,0% chỉ tiêu năm (546 hội viên)")."""
    pattern = rf"{re.escape(dotted(actual))} hội viên, (đạt|bằng) [\d.,]+% chỉ tiêu năm \({re.escape(dotted(target))} hội viên\)"
    return re.search(pattern, text) is not None


def text_of(out_dir, unit: str) -> str:
    pdf = next(out_dir.glob(f"{unit}-*.pdf"))
    return " ".join(" ".join((page.extract_text() or "") for page in PdfReader(pdf).pages).split())


def target_of(unit: str, indicator: str) -> Decimal:
    """Read off the data files: a district's from the targets file, the city's from the catalogue."""
    if unit == "92":
        catalogue = yaml.safe_load((ROOT / "data" / "catalogue" / "indicators-2022.yaml").read_text("utf-8"))
        (value,) = [i["city_target"] for i in catalogue["indicators"] if i["id"] == indicator]
        return Decimal(value)
    for line in (ROOT / "data" / "targets" / "targets-2022.csv").read_text(encoding="utf-8").splitlines():
        code, indicator_id, value, _ = line.split(",")
        if (code, indicator_id) == (unit, indicator):
            return Decimal(value)
    raise AssertionError((unit, indicator))


def states(results) -> dict[str, JobState]:
    return {r.job.unit_code: r.state for r in results}


def test_a_corrected_workbook_rebuilds_its_district_and_the_city_with_the_new_figure(
    tmp_path, monkeypatch, capsys
):
    project = tmp_path / "project"
    for part in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / part, project / part)
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "store"))
    take_in_sample(tmp_path / "store")
    paths = ProjectPaths.at(project, store_dir=tmp_path / "store")
    _, first = build_period(paths, PERIOD)
    assert set(states(first).values()) == {JobState.BUILT}, [(r.job.stem, r.error) for r in first]

    # 917 corrects one figure: the sample's 600 new members become 1 010 (hand-worked below).
    values = district_values(PERIOD, "917")
    old = values[CORRECTED]
    values[CORRECTED] = old + 410
    assert main(["--root", str(project), "template", "--period", PERIOD, "--unit", "917"]) == 0
    [template] = (project / "outputs" / "templates" / PERIOD).glob("*.xlsx")
    corrected = fill(template, values, tmp_path / "hoi-nong-dan-917-sua.xlsx")
    capsys.readouterr()
    assert main(["--root", str(project), "intake", "--period", PERIOD, str(corrected)]) == 0
    assert main(["--root", str(project), "trace", "917", PERIOD, "new_members"]) == 0
    assert dotted(values[CORRECTED]) in capsys.readouterr().out

    _, second = build_period(paths, PERIOD)
    assert {c for c, s in states(second).items() if s is JobState.BUILT} == {"92", "917"}
    assert {c for c, s in states(second).items() if s is JobState.SKIPPED} == set(DISTRICTS) - {"917"}
    assert next(r for r in second if r.job.unit_code == "917").changed == ("figures",)

    out_dir = project / "outputs" / PERIOD
    district = text_of(out_dir, "917")
    assert says_total(district, values[CORRECTED], target_of("917", "new_members"))
    assert not says_total(district, old, target_of("917", "new_members"))
    city_total = sum(district_values(PERIOD, d)[(d, "new_members")] for d in DISTRICTS) + 410
    city = text_of(out_dir, "92")
    assert says_total(city, city_total, target_of("92", "new_members"))
