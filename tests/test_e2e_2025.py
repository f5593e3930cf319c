"""End to end, the shipped 2025 example: the sample submissions of the 103 communes taken in, then
the city's and one commune's report of 2025-FY built and read (issue 12, deliverable 4)."""

from __future__ import annotations

import csv
import re

import pytest
from conftest import ROOT
from pdftext import A4_PT, printed_sizes
from pypdf import PdfReader

from reportkit.build.plan import BuildOptions, build_period
from reportkit.paths import ProjectPaths

pytestmark = pytest.mark.e2e

PERIOD = "2025-FY"
COMMUNE = "31135"  # Phường Ninh Kiều


@pytest.fixture(scope="module")
def reports(tmp_path_factory, sample_store):
    """The city's and Ninh Kiều's reports, built strictly from the store the sample went into."""
    out = tmp_path_factory.mktemp("outputs")
    period, results = build_period(
        ProjectPaths.at(ROOT, outputs_dir=out, store_dir=sample_store),
        PERIOD,
        ["92", COMMUNE],
        options=BuildOptions(strict=True),
    )
    assert period == PERIOD
    assert all(r.ok for r in results), [(r.job.stem, r.error) for r in results if not r.ok]
    city = next((out / PERIOD).glob("92-*.pdf"))
    commune = next((out / PERIOD).glob(f"{COMMUNE}-*.pdf"))
    return {"city": PdfReader(city), "commune": PdfReader(commune)}


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def commune_titles() -> list[str]:
    """ "Phường Ninh Kiều", "Xã Phong Điền", …: read from the units file, not through the kit."""
    with open(ROOT / "data" / "org" / "units-2025.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["parent_code"] == "92"]
    return [f"{r['kind'].capitalize()} {r['name']}" for r in rows]


@pytest.mark.parametrize("report", ["city", "commune"])
def test_no_district_words_where_there_are_no_districts(reports, report):
    text = text_of(reports[report]).lower()
    assert "quận" not in text and "huyện" not in text


def test_the_city_report_names_all_103_communes(reports):
    titles = commune_titles()
    assert len(titles) == 103
    text = text_of(reports["city"])
    assert [t for t in titles if t not in text] == []


@pytest.mark.parametrize("report", ["city", "commune"])
def test_figures_are_numbered_one_by_one(reports, report):
    numbers = [int(n) for n in re.findall(r"Biểu đồ (\d+)[ .]", text_of(reports[report]))]
    assert numbers, report
    # A chart spread over pages repeats its number ("Biểu đồ 2 (phần 1/3)"): each number once in
    # order, from 1, none skipped.
    firsts = list(dict.fromkeys(numbers))
    assert firsts == list(range(1, len(firsts) + 1)), numbers


@pytest.mark.parametrize("report", ["city", "commune"])
def test_a4_at_full_size_and_marked_sample_on_every_page(reports, report):
    reader = reports[report]
    for number, page in enumerate(reader.pages, start=1):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_PT, abs=1)
        assert "DỮ LIỆU MẪU" in page.extract_text(), (report, number)
    # Printed at 100%: the results' lines are body text of 13 pt on paper (shrunk to fit 103
    # columns, the whole report printed at 67%, i.e. under 9 pt).
    body = [size for page in reader.pages for size, text in printed_sizes(page) if "Phát triển mới" in text]
    assert body and all(12.9 <= size <= 14.1 for size in body), body
