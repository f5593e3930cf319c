"""The shipped 2025 example: Cần Thơ since 1 July 2025 (city + 103 xã, phường), its sample plan."""

import unicodedata
from collections import Counter

import pytest
import yaml
from conftest import ROOT

from reportkit.datafiles import read_csv_rows
from reportkit.model import Kind
from reportkit.report.inputs import load_catalogue, load_org_tree, load_plan_targets

DATA = ROOT / "data"
UNITS = DATA / "org" / "units-2025.csv"
LEVELS = DATA / "org" / "levels-2025.yaml"
CATALOGUE = DATA / "catalogue" / "indicators-2025.yaml"
TARGETS = DATA / "targets" / "targets-2025.csv"
COMMUNE_KINDS = {"xã", "phường", "đặc khu"}


@pytest.fixture(scope="module")
def tree():
    return load_org_tree(UNITS, LEVELS)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE)


def test_the_city_has_103_communes_directly_under_it(tree):
    # Nghị quyết 1668/NQ-UBTVQH15, Điều 1 khoản 96: 103 units, 31 phường and 72 xã.
    assert [u.code for u in tree.roots()] == ["92"]
    assert (tree["92"].name, tree["92"].kind, tree["92"].level) == ("Cần Thơ", "thành phố", "city")
    children = tree.children("92")
    assert len(children) == 103
    assert all(not tree.children(u.code) for u in children)
    assert Counter(u.kind for u in children) == {"phường": 31, "xã": 72}
    assert {u.level for u in children} == {"commune"}
    assert len(tree.members("92", "commune")) == 103


def test_commune_kinds_are_only_xa_phuong_dac_khu(tree):
    assert {u.kind for u in tree.children("92")} <= COMMUNE_KINDS


def test_no_code_is_written_twice():
    # The loader keys units on their code, so a repeated code would silently drop a row: count the
    # file's own rows, not the tree's.
    codes = [row["code"] for row in read_csv_rows(UNITS)]
    assert len(codes) == 104
    assert [c for c, n in Counter(codes).items() if n > 1] == []


def test_the_file_is_nfc():
    # The raw text, not the loaded names: the loader normalises what it reads.
    text = UNITS.read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFC", text)
    assert "Thủy" in text  # NFC "ủ" is one code point; a decomposed file would fail above


def test_codes_are_five_digit_commune_codes_and_every_row_is_confirmed():
    rows = read_csv_rows(UNITS, ("code", "name", "kind", "parent_code", "source"))
    communes = [r for r in rows if r["parent_code"]]
    assert all(len(r["code"]) == 5 and r["code"].isdigit() for r in communes)
    # No provisional code is shipped: every row names the sources that confirm it.
    assert all(r["source"].startswith("xác nhận: mã, tên, loại [S1][S2]") for r in rows)


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("31135", "Ninh Kiều", "phường"),  # QĐ 19/2025, first of Cần Thơ; NQ 1668 khoản 1
        ("31213", "Tân Lộc", "phường"),  # kept unchanged, khoản 96
        ("31299", "Phong Điền", "xã"),  # khoản 31
        ("31465", "Vị Thanh 1", "xã"),  # a xã beside phường Vị Thanh (31321)
        ("31633", "Cù Lao Dung", "xã"),  # last of Cần Thơ; khoản 95
    ],
)
def test_rows_match_the_official_list(tree, code, name, kind):
    assert (tree[code].name, tree[code].kind, tree[code].parent_code) == (name, kind, "92")


def test_levels_name_what_submits_and_what_is_reported():
    levels = yaml.safe_load(LEVELS.read_text(encoding="utf-8"))
    assert levels["submits"] == "commune"
    assert set(levels["reports"]) <= set(levels["levels"])
    assert levels["levels"]["commune"]["words"] == {"one": "xã, phường", "many": "các xã, phường"}


def test_sample_catalogue_is_kept_by_communes_and_has_every_kind(catalogue):
    assert "DỮ LIỆU MẪU" in CATALOGUE.read_text(encoding="utf-8")
    assert 5 <= len(catalogue.indicators) <= 8
    assert {m.level for m in catalogue.measures.values()} == {"commune"}
    assert {ind.kind for ind in catalogue.indicators} == set(Kind)
    assert {ind.level for ind in catalogue.indicators if ind.kind is Kind.MINIMUM} == {"commune"}


def test_sample_targets_cover_every_commune_and_add_up_to_the_city(tree, catalogue):
    targets = load_plan_targets(TARGETS, catalogue, CATALOGUE, tree)
    communes = {u.code for u in tree.children("92")}
    totals = [ind for ind in catalogue.indicators if ind.kind is Kind.TOTAL]
    assert len(totals) == 3
    for ind in totals:
        parts = {code: t for (code, i), t in targets.items() if i == ind.id and code != "92"}
        assert set(parts) == communes
        assert {t.basis for t in parts.values()} == {"sample"}
        assert sum(t.value for t in parts.values()) == ind.city_target
