"""Sentences generated from results, with the wording from data/wording/vi.yaml."""

from decimal import Decimal

from conftest import figures, load_wording, make_period, make_targets

from reportkit.report.document import render_markdown, split_analyst_markdown
from reportkit.report.metrics import PeriodData, compute_result
from reportkit.report.narrative import describe_result

WORDING = load_wording()
BASE = {("D1", "members_new"): 0, ("D2", "members_new"): 0}


def sentence(catalogue, tree, unit, indicator_id, now, before=None, targets=None):
    previous = PeriodData(make_period("Q"), figures(before, "Q")) if before else None
    current = PeriodData(make_period(), figures(now))
    ind = catalogue.indicator(indicator_id)
    r = compute_result(ind, catalogue, tree, unit, current, targets or make_targets(), previous)
    return describe_result(r, catalogue, tree, WORDING, 2021)


def test_total_sentence_matches_the_reports_own_style(catalogue, tree):
    from reportkit.model import Target

    targets = {("C", "new"): Target("C", "new", Decimal(5620), "plan")}
    text = sentence(
        catalogue, tree, "C", "new",
        {("D1", "members_new"): 3000, ("D2", "members_new"): 120},
        {("D1", "members_new"): 2700, ("D2", "members_new"): 78},
        targets,
    )  # fmt: skip
    assert (
        text == "Phát triển mới 3.120 hội viên, bằng 55,5% chỉ tiêu năm (5.620 hội viên), chưa đạt chỉ tiêu, "
        "tăng 342 hội viên (12,3%) so với cùng kỳ năm 2021."  # 3.120 - 2.778 = 342; 342/2.778 = 12,31%
    )


def test_share_sentence_names_ratio_threshold_and_status(catalogue, tree):
    now = {("D1", "insured"): 9620, ("D1", "members"): 10000, ("D2", "insured"): 0, ("D2", "members"): 0}
    text = sentence(catalogue, tree, "C", "bhyt", now)
    assert "9.620 trên tổng số 10.000 hội viên, tỷ lệ 96,2%, chưa đạt chỉ tiêu (97%)" in text


def test_minimum_sentence_lists_units_that_fall_short(catalogue, tree):
    now = {("G1", "models"): 2, ("G2", "models"): 0, ("G3", "models"): 3}
    text = sentence(catalogue, tree, "C", "model", now)
    assert text.startswith("2 trên 3 cơ sở Hội có mô hình, chưa đạt chỉ tiêu 100% cơ sở Hội")
    assert text.endswith("Chưa đạt: phường B.")


def test_no_data_sentence_says_whose_figures_are_missing(catalogue, tree):
    text = sentence(catalogue, tree, "C", "new", {("D1", "members_new"): 5})
    assert "chưa đủ số liệu" in text and "(thiếu số liệu của huyện Hai)" in text


def test_missing_same_period_is_said_not_invented(catalogue, tree):
    text = sentence(
        catalogue, tree, "C", "new", {("D1", "members_new"): 5, ("D2", "members_new"): 5}, {("X", "y"): 1}
    )
    assert "chưa có số liệu cùng kỳ năm 2021" in text


def test_analyst_markdown_is_split_by_section_and_sanitised():
    md = "## II. Đánh giá chung\n### Ưu điểm\nTốt.<script>alert(1)</script>\n## IV. Kiến nghị, đề xuất\n- Một\n"
    parts = split_analyst_markdown(md)
    assert set(parts) == {"assessment", "proposals"}
    html = render_markdown(parts["assessment"])
    assert "<script" not in html and "Ưu điểm" in html
