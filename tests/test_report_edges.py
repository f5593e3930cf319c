"""Whole report blocks on small in-memory data: a change said the same way everywhere, money in one
unit, six-month lists on what is due, and a period with no figures yet."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from conftest import figures, load_wording, make_catalogue, make_period, make_targets, make_tree

from reportkit.model import FigureSet, Indicator, Kind, Measure, ReportInputs, Status, Target
from reportkit.report import charts, document, tables
from reportkit.report.metrics import compute_report, percent_of_due

WORDING = load_wording()
FUND = Indicator(
    "fund", "f", Kind.TOTAL, "triệu đồng", "Quỹ", "Quỹ", "Quỹ tăng", measure="fund", city_target=Decimal(5000)
)


def catalogue_with_fund():
    catalogue = make_catalogue()
    measures = dict(catalogue.measures)
    measures["fund"] = Measure("fund", "district", "amount", "triệu đồng", "Tăng trưởng quỹ")
    return dataclasses.replace(
        catalogue, plan={"theme": "Chủ đề"}, measures=measures, indicators=(*catalogue.indicators, FUND)
    )


def targets_with_fund():
    targets = make_targets()
    for code, value in (("C", 5000), ("D1", 900), ("D2", 400)):
        targets[(code, "fund")] = Target(code, "fund", Decimal(value), "plan")
    return targets


def inputs_for(unit, now, before=None, progress=Fraction(1)) -> ReportInputs:
    months = 6 if progress < 1 else 12
    previous = make_period("Q", months, progress) if before is not None else None
    return ReportInputs(
        unit_code=unit,
        period=dataclasses.replace(
            make_period("P", months, progress), review="so_ket" if months == 6 else "tong_ket"
        ),
        previous_period=dataclasses.replace(previous, year=2021) if previous else None,
        tree=make_tree(),
        catalogue=catalogue_with_fund(),
        targets=targets_with_fund(),
        figures=now,
        previous_figures=before,
        wording=WORDING,
        params={},
        analyst_markdown=None,
        analyst_path="params/narrative/P/x.md",
    )


def text_of(html: str) -> str:
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def svg_texts(svg: str) -> str:
    return (
        " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
        + " "
        + " ".join(re.findall(r"<!-- (.*?) -->", svg))
    )


FULL = {("D1", "members_new"): 40000, ("D2", "members_new"): 32367, ("D1", "fund"): 1083, ("D2", "fund"): 300}
LAST = {("D1", "members_new"): 40000, ("D2", "members_new"): 32371, ("D1", "fund"): 1000, ("D2", "fund"): 300}


def test_a_fall_of_four_reads_the_same_in_the_sentence_the_appendix_and_the_chart():
    # 72.367 against 72.371: 4 fewer; 4/72.371 = 0,0055% -> 0,01%. Never "bằng", "0,0%" or "-0,0%".
    report = compute_report(inputs_for("C", figures(FULL), figures(LAST, "Q")))
    results_text = text_of(document.render_results(report))
    assert "72.367 hội viên, đạt 72.367,0% chỉ tiêu năm (100 hội viên)" in results_text
    assert "giảm 4 hội viên (0,01%) so với cùng kỳ năm 2021" in results_text
    appendix = build_row(report, "new")
    assert appendix["So cùng kỳ"] == "-0,01%"
    svg = charts.plot_change(report.results, "x")
    assert "-0,01%" in svg and "0,0%" not in svg
    for text in (results_text, text_of(document.render_appendix(report))):
        assert not re.search(r"(?<![\d,])-?0,0%", text)


def build_row(report, indicator_id):
    frame = tables.build_appendix(report.results, WORDING)
    index = [r.indicator.id for r in report.results].index(indicator_id)
    return frame.iloc[index]


def test_equal_figures_are_the_same_and_said_so_everywhere():
    report = compute_report(inputs_for("D1", figures(FULL), figures(LAST, "Q")))
    assert "bằng cùng kỳ năm 2021" in text_of(document.render_results(report))
    assert build_row(report, "new")["So cùng kỳ"] == "bằng"


def test_money_keeps_one_unit_for_every_unit_and_digits_that_give_the_percentage():
    # The plan's amounts (city 5.000, districts 900 and 400 triệu) reach one tỷ: tỷ đồng for all.
    # D1: 1.083/900 = 120,33% -> "1,083/0,9" (1,08/0,9 would read 120,0%).
    # D2: 300/400 = 75% -> "0,3/0,4", in tỷ đồng though below one tỷ.
    d1 = compute_report(inputs_for("D1", figures(FULL), figures(LAST, "Q")))
    d1_text = text_of(document.render_results(d1))
    assert "Quỹ tăng 1,083 tỷ đồng, đạt 120,3% chỉ tiêu năm (0,9 tỷ đồng), vượt chỉ tiêu" in d1_text
    # 83 triệu more than 1.000: 0,083 -> 0,08 tỷ; 83/1.000 = 8,3%.
    assert "tăng 0,08 tỷ đồng (8,3%)" in d1_text
    row = build_row(d1, "fund")
    assert (row["ĐVT"], row["Kế hoạch"], row["Thực hiện"], row["Đạt %"]) == (
        "tỷ đồng",
        "0,9",
        "1,083",
        "120,3%",
    )
    d2 = compute_report(inputs_for("D2", figures(FULL), figures(LAST, "Q")))
    d2_text = text_of(document.render_results(d2))
    assert "Quỹ tăng 0,3 tỷ đồng, bằng 75,0% chỉ tiêu năm (0,4 tỷ đồng), chưa đạt chỉ tiêu" in d2_text
    assert "triệu đồng" not in text_of(document.render_results(d2))


def test_six_month_lists_compare_what_is_due_by_the_period():
    # Six months, half the yearly target due. D1: 27 new members of 60 = 45% of the year, 90% of
    # the 30 due; its health insurance 90/100 = 90% against 97% = 92,8% of its threshold. Listed
    # on the year, the total (45%) would look far lower than the share (92,8%); on what is due it
    # is 90,0% against 92,8%.
    now = {("D1", "members_new"): 27, ("D2", "members_new"): 15, ("D1", "insured"): 90, ("D1", "members"): 100,
           ("D2", "insured"): 97, ("D2", "members"): 100}  # fmt: skip
    report = compute_report(inputs_for("C", figures(now), progress=Fraction(1, 2)), compare_children=True)
    d1 = {r.indicator.id: r for r in report.children["D1"]}
    assert d1["new"].percent == 45 and percent_of_due(d1["new"]) == 90
    assert d1["new"].status is Status.MISSED and d1["bhyt"].status is Status.MISSED
    missed = tables.build_missed_table(report.missed, report.inputs.catalogue, report.inputs.tree, WORDING)
    # D2: 15 of the 20 due = 75,0%, listed before D1's 90,0%.
    assert ["Hội viên mới", "2", "Huyện Hai (75,0%), quận Một (90,0%)"] in missed.values.tolist()
    rows, _ = tables.build_unit_rows(report.children, report.inputs.catalogue, report.inputs.tree, WORDING)
    assert rows["Hội viên mới"].tolist() == ["90", "75"]
    # Ranking on the same scale: D1's one total at 90% of what is due.
    standings = {s.unit_code: s for s in report.ranking}
    assert standings["D1"].mean_total_percent == 90
    html = text_of(document.render_districts(report))
    assert "so với mức phải đạt đến hết kỳ" in html and "50% chỉ tiêu năm" in html


@pytest.mark.parametrize(("unit", "compare"), [("C", True), ("D1", False), ("D1", True)])
def test_a_period_with_no_figures_yet_builds_every_block(unit, compare):
    empty = FigureSet("P", {})
    report = compute_report(inputs_for(unit, empty, FigureSet("Q", {})), compare_children=compare)
    blocks = [
        document.render_header(report),
        document.render_results(report),
        document.render_analyst_sections(report),
        document.render_appendix(report),
        document.render_closing(report),
    ]
    if compare:
        districts = document.render_districts(report)
        blocks.append(districts)
        assert "chưa đủ số liệu" in text_of(districts).lower()
        assert "Tất cả các chỉ tiêu đều đạt" not in text_of(districts)
    text = " ".join(text_of(b) for b in blocks)
    assert "chưa đủ số liệu" in text.lower() and "None" not in text
    assert charts.plot_achievement(report.results, WORDING["charts"]["legend"], "x", Decimal(100)) is None
    assert charts.plot_change(report.results, "x") is None
    assert charts.plot_ranking(["A"], [0], [0], ["0/0"], "x") == []
    assert "Biểu đồ" not in text  # no chart, no caption


# ---------- the header and the appendix, as ND30 writes them (issue 11) ----------


def test_the_title_says_the_year_once_and_the_opening_names_the_plan_by_number_and_date():
    report = compute_report(inputs_for("D1", figures(FULL)))
    text = text_of(document.render_header(report))
    assert "Tổng kết thực hiện chủ đề năm 2022 “Chủ đề”" in text
    # The catalogue gives no number or date: left out, never "…" nor an invented one; "quận Một".
    assert (
        "Căn cứ Kế hoạch của Ban Thường vụ Hội Nông dân thành phố về thực hiện chủ đề năm "
        "2022, Hội Nông dân quận Một báo cáo tổng kết năm 2022 như sau:"
    ) in text
    assert "…" not in text.split("BÁO CÁO")[-1]  # only the document's own number may wait for one
    plan = {"theme": "Chủ đề", "number": "12-KH/HNDT", "date": "2022-01-10"}
    inputs = inputs_for("D1", figures(FULL))
    inputs = dataclasses.replace(inputs, catalogue=dataclasses.replace(inputs.catalogue, plan=plan))
    text = text_of(document.render_header(compute_report(inputs)))
    assert "Căn cứ Kế hoạch số 12-KH/HNDT ngày 10/01/2022 của Ban Thường vụ" in text
    assert text.count("Ban Thường vụ") == 1 and text.count("năm 2022 thực hiện") == 0
    number_only = dataclasses.replace(inputs.catalogue, plan={"theme": "Chủ đề", "number": "12-KH/HNDT"})
    text = text_of(document.render_header(compute_report(dataclasses.replace(inputs, catalogue=number_only))))
    assert "Căn cứ Kế hoạch số 12-KH/HNDT của Ban Thường vụ" in text


def test_the_appendix_carries_its_attachment_line():
    inputs = inputs_for("D2", figures(FULL))
    params = {"doc_number": "45", "doc_symbol": "BC/HNDH", "report_date": "2022-12-05"}
    report = compute_report(dataclasses.replace(inputs, params=params))
    text = text_of(document.render_appendix(report))
    assert (
        "(Kèm theo Báo cáo số 45-BC/HNDH ngày 05 tháng 12 năm 2022 của Ban Thường vụ Hội Nông dân huyện Hai)"
    ) in text
    unnumbered = text_of(document.render_appendix(compute_report(inputs)))
    assert (
        "(Kèm theo Báo cáo số …-BC/HND ngày 31 tháng 12 năm 2022 của Ban Thường vụ Hội Nông dân huyện Hai)"
        in (unnumbered)
    )
