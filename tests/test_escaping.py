"""Names from data files are text, never markup: escaped in every table a report renders."""

import dataclasses

import pytest
from conftest import figures, load_wording, make_catalogue, make_period, make_targets, make_tree

from reportkit.model import OrgTree
from reportkit.report import tables
from reportkit.report.metrics import PeriodData, compute_missed, compute_results

SCRIPT = '<script>alert("x")</script>'
VALUES = {
    ("D1", "members_new"): 70,
    ("D2", "members_new"): 30,
    ("D1", "insured"): 98,
    ("D1", "members"): 100,
    ("D2", "insured"): 50,
    ("D2", "members"): 50,
    ("G1", "models"): 2,
    ("G2", "models"): 3,
    ("G3", "models"): 1,
    ("D1", "weak"): 0,
    ("D2", "weak"): 1,
    ("D1", "months"): 12,
    ("D2", "months"): 12,
}


@pytest.fixture
def hostile():
    """The test tree with a district called <script>… and another "A & B"; an indicator "<b>HV</b> & co"."""
    tree = make_tree()
    units = dict(tree.units)
    units["D1"] = dataclasses.replace(units["D1"], name=SCRIPT)
    units["D2"] = dataclasses.replace(units["D2"], name="A & B")
    catalogue = make_catalogue()
    first = dataclasses.replace(catalogue.indicators[0], short="<b>HV</b> & co")
    catalogue = dataclasses.replace(catalogue, indicators=(first, *catalogue.indicators[1:]))
    return OrgTree(units, tree.titles), catalogue


def results_by_unit(tree, catalogue):
    current = PeriodData(make_period(), figures(VALUES))
    return {code: compute_results(catalogue, tree, code, current, make_targets()) for code in ("D1", "D2")}


def assert_escaped(html: str) -> None:
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html or "&lt;b&gt;" in html


def test_the_units_table_escapes_unit_and_indicator_names(hostile):
    tree, catalogue = hostile
    wording = load_wording()
    frame, classes = tables.build_unit_rows(results_by_unit(tree, catalogue), catalogue, tree, wording)
    html = tables.render_table(frame, classes, "units")
    assert_escaped(html)
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
        or "&lt;script&gt;alert(&quot;x&quot;)" in html
    )
    assert "A &amp; B" in html and "&lt;b&gt;HV&lt;/b&gt; &amp; co" in html


def test_the_missed_targets_table_escapes_unit_and_indicator_names(hostile):
    tree, catalogue = hostile
    wording = load_wording()
    missed = compute_missed(results_by_unit(tree, catalogue), catalogue.indicators)
    html = tables.render_table(tables.build_missed_table(missed, catalogue, tree, wording), None, "missed")
    assert_escaped(html)
    assert "A &amp; B" in html


def test_the_appendix_escapes_indicator_names(hostile):
    tree, catalogue = hostile
    wording = load_wording()
    html = tables.render_appendix_table(results_by_unit(tree, catalogue)["D1"], wording, "appendix")
    assert_escaped(html)
    assert "&lt;b&gt;HV&lt;/b&gt; &amp; co" in html
