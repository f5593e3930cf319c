"""Plausibility against the tree and the plan, without last year's figures: a district rating more
grassroots associations than it has, a figure many times its target or the district's size.

Ô Môn (917) has 7 grassroots associations (data/org/units-2022.csv); its targets
(data/targets/targets-2022.csv): new_members 546, poverty_households 14; thresholds from
src/reportkit/data/problems.yaml: 5 times a target (from 50 up), 2 households per member."""

import copy

import pytest
from test_validate import PLAN, full_values, raw_for

from reportkit.submissions import validate
from reportkit.submissions.validate import Severity, check_submission


def codes(verdict, severity):
    return [p.code for p in verdict.problems if p.severity is severity]


def test_rating_more_grassroots_associations_than_the_district_has_is_an_error():
    values = full_values() | {("917", "grassroots_rated"): 8}
    verdict = check_submission(raw_for(values), PLAN)
    [error] = verdict.errors
    assert error.code == "constraint"
    assert "số cơ sở Hội của Quận Ô Môn trong danh sách đơn vị (7)" in error.message
    assert error.found == "8"


def test_rating_every_grassroots_association_is_fine():
    verdict = check_submission(raw_for(full_values() | {("917", "grassroots_rated"): 7}), PLAN)
    assert not verdict.problems


def test_five_times_the_target_is_flagged_without_last_years_figure():
    values = full_values() | {("917", "members_total"): 100_000, ("917", "new_members"): 2730}
    verdict = check_submission(raw_for(values), PLAN, {})
    [warning] = verdict.warnings
    assert warning.code == "far_above_target"
    assert warning.message == "Giá trị 2.730 gấp 5 lần chỉ tiêu được giao (546)."
    assert verdict.accepted


def test_just_under_five_times_the_target_is_not():
    values = full_values() | {("917", "members_total"): 100_000, ("917", "new_members"): 2729}
    assert not check_submission(raw_for(values), PLAN).problems


def test_the_grassroots_sum_is_held_against_the_districts_target():
    grassroots = [u.code for u in PLAN.tree.members("917", "grassroots")]
    assert len(grassroots) == 7
    flagged = full_values() | {(g, "poverty_exits"): 10 for g in grassroots}  # 70 = 5 x 14
    [warning] = check_submission(raw_for(flagged), PLAN).warnings
    assert warning.code == "far_above_target" and warning.found == "70"
    assert warning.location.cell == ""  # a sum: the file, not one cell
    fine = full_values() | {(g, "poverty_exits"): 9 for g in grassroots}  # 63
    assert not check_submission(raw_for(fine), PLAN).problems


def test_a_figure_many_times_the_districts_members_is_flagged():
    values = full_values() | {("917", "sxkd_registered"): 201}  # members: 100
    [warning] = check_submission(raw_for(values), PLAN).warnings
    assert warning.code == "far_above_size"
    assert warning.message == "Giá trị 201 gấp 2,01 lần tổng số hội viên của đơn vị (100)."
    assert not check_submission(raw_for(full_values() | {("917", "sxkd_registered"): 200}), PLAN).problems


@pytest.mark.parametrize("code", ["far_above_target", "far_above_size"])
def test_the_severity_comes_from_the_data(monkeypatch, code):
    wording = copy.deepcopy(validate._messages())
    wording[code]["severity"] = "error"
    monkeypatch.setattr(validate, "_messages", lambda: wording)
    values = full_values() | {("917", "members_total"): 100_000, ("917", "new_members"): 2730}
    if code == "far_above_size":
        values = full_values() | {("917", "sxkd_registered"): 201}
    verdict = check_submission(raw_for(values), PLAN)
    assert codes(verdict, Severity.ERROR) == [code] and not verdict.accepted
