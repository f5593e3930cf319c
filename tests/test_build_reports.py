"""The real reports: the same bytes alone or in a batch, in any order, with either engine."""

from __future__ import annotations

import csv
import re

import nbformat
import pytest
from conftest import ROOT
from test_e2e import DISTRICTS, dotted, flat, pdf_pages

from reportkit.build.plan import BuildOptions, JobState, build_period
from reportkit.paths import ProjectPaths

pytestmark = pytest.mark.e2e

PERIOD = "2022-FY"


@pytest.fixture(autouse=True)
def _sample_store(sample_store):
    """The real reports read the store: the sample submissions are taken in first."""


def build_pages(tmp_path_factory, store, units=(), **options) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("outputs")
    options.setdefault("strict", True)  # a warning while a report runs fails it
    _, results = build_period(
        ProjectPaths.at(ROOT, outputs_dir=out, store_dir=store),
        PERIOD,
        units,
        options=BuildOptions(**options),
    )
    assert all(r.state is JobState.BUILT for r in results), [(r.job.stem, r.error) for r in results]
    return {r.job.unit_code: r.html.read_bytes() for r in results}


@pytest.fixture(scope="module")
def batch(tmp_path_factory, sample_store) -> dict[str, bytes]:
    """All nine reports, built together in the default order."""
    return build_pages(tmp_path_factory, sample_store)


def test_each_report_is_the_same_alone_or_in_a_batch_in_any_order(batch, tmp_path_factory, sample_store):
    reversed_order = build_pages(tmp_path_factory, sample_store, list(reversed(list(batch))), workers=1)
    assert reversed_order == batch
    for code in ("917", "92"):
        assert build_pages(tmp_path_factory, sample_store, [code]) == {code: batch[code]}


def test_the_kernel_engine_writes_the_same_reports(batch, tmp_path_factory, sample_store):
    kernel = build_pages(tmp_path_factory, sample_store, ["92", "917"], engine="kernel")
    assert kernel == {code: batch[code] for code in ("92", "917")}


def test_no_district_report_shows_another_districts_figures(batch):
    with open(ROOT / "data" / "sample" / "figures.csv", encoding="utf-8") as fh:
        new_members = {
            r["unit_code"]: r["value"]
            for r in csv.DictReader(fh)
            if r["period"] == PERIOD and r["measure"] == "new_members"
        }
    for code in DISTRICTS:
        text = re.sub(r"<[^>]+>", " ", batch[code].decode("utf-8"))
        for other in DISTRICTS:
            sentence = f"Phát triển mới {dotted(int(new_members[other]))} hội viên,"
            assert (sentence in flat(text)) == (other == code), (code, other)


def test_a_grassroots_report_reads_as_that_associations_own(tmp_path_factory, sample_store):
    out = tmp_path_factory.mktemp("outputs")
    _, results = build_period(
        ProjectPaths.at(ROOT, outputs_dir=out, store_dir=sample_store),
        PERIOD,
        levels=["grassroots"],
        options=BuildOptions(strict=True),
    )
    assert len(results) == 72 and all(r.ok for r in results), [r.error for r in results if not r.ok]
    result = next(r for r in results if r.job.unit_code == "31153")
    text = flat(" ".join(pdf_pages(result.pdf)))
    assert "BCH HỘI NÔNG DÂN PHƯỜNG CHÂU VĂN LIÊM" in text
    assert "Hội Nông dân phường Châu Văn Liêm báo cáo tổng kết" in text
    # Indicators of the district level are not judged for one grassroots association.
    assert "Phát triển mới" not in text and "bảo hiểm y tế" not in text
    assert "Hội Nông dân phường Châu Văn Liêm có ít nhất 01 cán bộ chuyên trách" in text
    notebook = nbformat.read(out / PERIOD / "notebooks" / f"{result.job.stem}.ipynb", as_version=4)
    assert notebook.metadata.papermill.parameters.unit_code == "31153"
