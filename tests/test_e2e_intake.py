"""End to end: templates out, filled workbooks in, reports built from the store show what was filled."""

from __future__ import annotations

import csv
import shutil
from decimal import ROUND_HALF_UP, Decimal

import pytest
import yaml
from conftest import ROOT
from pypdf import PdfReader
from workbooks import children, district_values, fill

from reportkit.build.plan import BuildOptions, build_period
from reportkit.cli import STORE_ENV, main
from reportkit.paths import ProjectPaths

pytestmark = pytest.mark.e2e
DISTRICTS = [u["code"] for u in children("92")]


def dotted(n: Decimal) -> str:
    return f"{int(n):,}".replace(",", ".")


def pct(numerator: Decimal, denominator: Decimal) -> str:
    value = (numerator * 100 / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return str(value).replace(".", ",") + "%"


def filled_values(district: str, i: int) -> dict[tuple[str, str], Decimal]:
    """What each district "types": the sample figures, changed so that the reports must show these."""
    values = district_values("2022-FY", district)
    values[(district, "new_members")] += 11 * (i + 1)
    values[(district, "sxkd_achieved")] -= 3
    return values


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = tmp_path_factory.mktemp("project")
    for part in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / part, project / part)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(STORE_ENV)  # the project's own store/, as in the office
        assert main(["--root", str(project), "template", "--period", "2022-FY"]) == 0
        templates = sorted((project / "outputs" / "templates" / "2022-FY").glob("*.xlsx"))
        assert len(templates) == len(DISTRICTS)
        inbox = project / "inbox"
        inbox.mkdir()
        values = {}
        for i, district in enumerate(DISTRICTS):
            template = next(t for t in templates if t.name.startswith(f"mau-bieu-2022-FY-{district}-"))
            values |= filled_values(district, i)
            fill(template, filled_values(district, i), inbox / f"hoi-nong-dan-{district}.xlsx")
        assert (
            main(["--root", str(project), "intake", "--period", "2022-FY", *map(str, inbox.iterdir())]) == 0
        )
        assert (project / "store" / "reportkit.sqlite").is_file()
        _, results = build_period(
            ProjectPaths.at(project), "2022-FY", ["92", "917"], options=BuildOptions(strict=True)
        )
    assert all(r.ok for r in results), [(r.job.stem, r.error) for r in results if not r.ok]
    return project / "outputs" / "2022-FY", values


def text_of(out_dir, unit):
    pdf = next(out_dir.glob(f"{unit}-*.pdf"))
    return " ".join(" ".join((page.extract_text() or "") for page in PdfReader(pdf).pages).split())


def targets() -> dict[tuple[str, str], Decimal]:
    # District targets are in the targets file, the city's in the catalogue (one place each).
    with open(ROOT / "data" / "targets" / "targets-2022.csv", encoding="utf-8") as fh:
        found = {(r["unit_code"], r["indicator_id"]): Decimal(r["target"]) for r in csv.DictReader(fh)}
    catalogue = yaml.safe_load((ROOT / "data" / "catalogue" / "indicators-2022.yaml").read_text("utf-8"))
    for ind in catalogue["indicators"]:
        if "city_target" in ind:
            found[("92", ind["id"])] = Decimal(str(ind["city_target"]))
    return found


@pytest.mark.parametrize("unit", ["917", "92"])
def test_the_pdf_shows_the_figures_filled_in(built, unit):
    out_dir, values = built
    units = DISTRICTS if unit == "92" else [unit]
    new = sum(values[(u, "new_members")] for u in units)
    achieved = sum(values[(u, "sxkd_achieved")] for u in units)
    t = targets()
    text = text_of(out_dir, unit)
    members = t[(unit, "new_members")]
    expected = f"Phát triển mới {dotted(new)} hội viên, {verb(new, members)} {pct(new, members)} chỉ tiêu năm"
    assert f"{expected} ({dotted(members)} hội viên)" in text
    target = t[(unit, "sxkd_achieved")]
    said = f"{dotted(achieved)} hộ, {verb(achieved, target)} {pct(achieved, target)} chỉ tiêu năm ({dotted(target)} hộ)"
    assert said in text


def verb(actual, target) -> str:
    # A total reached "đạt" its %; one short of it "bằng" its %.
    return "đạt" if actual >= target else "bằng"


def test_real_submissions_are_not_marked_as_sample(built):
    out_dir, _ = built
    for unit in ("92", "917"):
        assert "DỮ LIỆU MẪU" not in text_of(out_dir, unit)
