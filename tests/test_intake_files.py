"""Bad and odd submissions, end to end: each gets its message, and an error changes nothing in the store."""

import codecs
import io
import shutil
import unicodedata
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from conftest import ROOT
from workbooks import cell_of, compound_file, district_values, fill, legacy_table, set_cached_value, snapshot

from reportkit.report.inputs import load_plan
from reportkit.submissions.intake import take_in_files
from reportkit.submissions.store import open_store, read_values
from reportkit.submissions.templates import write_template

DATA = ROOT / "data"
DISTRICT_SHEET, MEMBERS_SHEET = "Số liệu quận, huyện", "Số liệu cơ sở Hội"
VALID = district_values("2022-FY", "917")
SAMPLE_CSV = DATA / "sample" / "submissions" / "2022-FY-917.csv"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_template(load_plan(DATA, "2022-FY"), "917", tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A store that already holds something: Bình Thuỷ's sample figures."""
    store_dir = tmp_path_factory.mktemp("seeded")
    [r] = take_in_files([DATA / "sample" / "submissions" / "2022-FY-918.csv"], DATA, store_dir)
    assert r.status == "accepted"
    return store_dir


@pytest.fixture
def store_dir(seeded, tmp_path):
    copy = tmp_path / "store"
    shutil.copytree(seeded, copy)
    return copy


def take_in(store_dir, path, period=None):
    [received] = take_in_files([path], DATA, store_dir, period)
    return received


def refused(store_dir, path, code, period=None):
    """Take a bad file in: it is refused with `code`, and the store is exactly as it was."""
    before = snapshot(store_dir)
    received = take_in(store_dir, path, period)
    assert received.status == "rejected"
    assert snapshot(store_dir) == before
    found = [p for p in received.verdict.errors if p.code == code]
    assert found, [p.message for p in received.verdict.problems]
    return found[0]


def taken(store_dir, path):
    received = take_in(store_dir, path)
    assert received.status == "accepted", [p.message for p in received.verdict.errors]
    return received


def with_cell(template, tmp_path, unit, measure, value, name="bad.xlsx"):
    return fill(template, VALID, tmp_path / name, {cell_of(template, unit, measure): value})


def current(store_dir, period="2022-FY"):
    conn = open_store(store_dir)
    try:
        return read_values(conn, period)
    finally:
        conn.close()


def test_a_filled_template_is_taken_in_and_read_back_exactly(template, store_dir, tmp_path):
    received = taken(store_dir, fill(template, VALID, tmp_path / "o-mon.xlsx"))
    assert not received.verdict.problems
    assert {k: v for k, v in current(store_dir).items() if k in VALID} == VALID


def test_text_in_a_number_cell(template, store_dir, tmp_path):
    sheet, cell = cell_of(template, "917", "new_members")
    p = refused(store_dir, with_cell(template, tmp_path, "917", "new_members", "12a"), "not_a_number")
    assert (p.location.file, p.location.sheet, p.location.cell) == ("bad.xlsx", sheet, cell)
    assert p.message == "Giá trị “12a” không phải là số."
    assert p.indicator == "Phát triển hội viên mới — Hội viên phát triển mới (hội viên)"


def test_a_negative_number(template, store_dir, tmp_path):
    p = refused(store_dir, with_cell(template, tmp_path, "31153", "poverty_exits", -3), "negative")
    assert p.message == "Số âm (-3) không hợp lệ." and p.location.sheet == MEMBERS_SHEET


def test_a_decimal_where_a_whole_number_is_due(template, store_dir, tmp_path):
    p = refused(store_dir, with_cell(template, tmp_path, "31154", "party_introduced", 2.5), "not_whole")
    assert p.message == "Số thập phân (2,5) không hợp lệ: số liệu này đếm bằng người."


def test_vietnamese_thousands_typed_as_text_are_accepted_and_said(template, store_dir, tmp_path):
    received = taken(store_dir, with_cell(template, tmp_path, "917", "propaganda_attendance", "18.820"))
    [p] = received.verdict.warnings
    assert p.message == "Số được nhập dạng chữ “18.820”; kit đã hiểu là 18.820."
    assert current(store_dir)[("917", "propaganda_attendance")] == Decimal(18820)


@pytest.mark.parametrize("typed", ["3,5", "97%"])
def test_a_percentage_typed_into_a_share(template, store_dir, tmp_path, typed):
    p = refused(
        store_dir, with_cell(template, tmp_path, "917", "members_social_insured", typed), "share_as_percent"
    )
    assert p.message == f"Đã nhập tỷ lệ “{typed}” vào ô tử số của tỷ lệ “Hội viên tham gia BHXH tự nguyện”."


def test_a_blank_required_cell(template, store_dir, tmp_path):
    p = refused(store_dir, with_cell(template, tmp_path, "31156", "security_models", None), "blank")
    assert p.message == "Ô bỏ trống." and p.location.cell == cell_of(template, "31156", "security_models")[1]


def test_achieved_greater_than_registered(template, store_dir, tmp_path):
    registered = VALID[("917", "sxkd_registered")]
    path = with_cell(template, tmp_path, "917", "sxkd_achieved", int(registered) + 1)
    p = refused(store_dir, path, "constraint")
    shown = f"{int(registered):,}".replace(",", ".")
    assert p.expected == f"Nhỏ hơn hoặc bằng {shown}."
    assert p.location.cell == cell_of(template, "917", "sxkd_achieved")[1]


def test_a_numerator_greater_than_its_denominator(template, store_dir, tmp_path):
    members = VALID[("917", "members_total")]
    path = with_cell(template, tmp_path, "917", "members_health_insured", int(members) + 5)
    p = refused(store_dir, path, "constraint")
    assert p.message.startswith(f"Hội viên tham gia bảo hiểm y tế ({int(members) + 5:,}".replace(",", "."))
    assert "lớn hơn tổng số hội viên" in p.message


def code_cell(template, unit):
    sheet, cell = cell_of(template, unit, "poverty_exits")
    return sheet, f"C{cell[1:]}"


def test_an_unknown_unit_code(template, store_dir, tmp_path):
    path = fill(template, VALID, tmp_path / "bad.xlsx", {code_cell(template, "31153"): "99999"})
    p = refused(store_dir, path, "unit_unknown")
    assert p.message == "Mã đơn vị “99999” không có trong danh sách đơn vị."
    assert p.location.cell == code_cell(template, "31153")[1]


def test_a_unit_of_another_district(template, store_dir, tmp_path):
    path = fill(template, VALID, tmp_path / "bad.xlsx", {code_cell(template, "31153"): "31168"})
    p = refused(store_dir, path, "unit_other_district")
    assert p.message == "Mã 31168 (Phường Bình Thủy) thuộc Quận Bình Thuỷ, không thuộc Quận Ô Môn."


def name_cell(template, unit):
    sheet, cell = cell_of(template, unit, "poverty_exits")
    return sheet, f"D{cell[1:]}"


def test_names_typed_decomposed_or_with_the_other_accent_placement(template, store_dir, tmp_path):
    edits = {
        name_cell(template, "31154"): unicodedata.normalize("NFD", "Phường Thới Hoà"),  # NFD, old placement
        name_cell(template, "31156"): "phường  thới long",
        name_cell(template, "31165"): unicodedata.normalize("NFD", "Trường Lạc"),
    }
    received = taken(store_dir, fill(template, VALID, tmp_path / "names.xlsx", edits))
    assert not received.verdict.problems


def test_a_name_that_does_not_fit_its_code_is_only_a_warning(template, store_dir, tmp_path):
    path = fill(template, VALID, tmp_path / "names.xlsx", {name_cell(template, "31154"): "Phường Long Hưng"})
    [p] = taken(store_dir, path).verdict.warnings
    assert p.message == "Tên “Phường Long Hưng” không khớp với mã 31154 (Phường Thới Hòa)."


def test_a_template_of_another_period(store_dir, tmp_path):
    other = write_template(load_plan(DATA, "2022-H1"), "917", tmp_path)
    path = fill(other, district_values("2022-H1", "917"), tmp_path / "h1.xlsx")
    p = refused(store_dir, path, "period_mismatch", period="2022-FY")
    assert p.message == (
        "Mẫu biểu của kỳ 6 tháng đầu năm 2022 (2022-H1), không phải kỳ đang thu: năm 2022 (2022-FY)."
    )


def test_a_template_of_another_version(template, store_dir, tmp_path):
    wb = openpyxl.load_workbook(fill(template, VALID, tmp_path / "old.xlsx"))
    wb["_reportkit"]["B1"] = "0"
    wb.save(tmp_path / "old.xlsx")
    p = refused(store_dir, tmp_path / "old.xlsx", "template_version")
    assert p.message == "Mẫu biểu phiên bản 0; kit đang dùng phiên bản 1."


def test_duplicated_rows_in_a_csv(store_dir, tmp_path):
    lines = SAMPLE_CSV.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "dup.csv"
    path.write_text("\n".join([*lines, lines[3]]) + "\n", encoding="utf-8")
    p = refused(store_dir, path, "duplicate")
    assert p.location.cell == f"E{len(lines) + 1}"
    assert p.message == "Số liệu này của Quận Ô Môn (mã 917) được nhập hai lần (lần trước: dòng 4, cột E)."


def test_a_duplicated_unit_row_in_a_workbook(template, store_dir, tmp_path):
    path = fill(template, VALID, tmp_path / "dup.xlsx", {code_cell(template, "31154"): "31153"})
    p = refused(store_dir, path, "duplicate")
    assert p.message.startswith("Số liệu này của Phường Châu Văn Liêm (mã 31153) được nhập hai lần")


def test_a_file_that_is_not_a_workbook(store_dir, tmp_path):
    pdf = tmp_path / "bao-cao.xlsx"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj\n")
    p = refused(store_dir, pdf, "file_unknown")
    assert p.message == "Tệp không phải bảng tính (.xlsx, .ods, .xls) hay tệp CSV (đây là tệp PDF)."
    docx = tmp_path / "bao-cao-word.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    docx.write_bytes(buffer.getvalue())
    assert "(đây là tệp Word)" in refused(store_dir, docx, "file_unknown").message
    notes = tmp_path / "ghi-chu.docx"
    notes.write_text("số liệu", encoding="utf-8")
    refused(store_dir, notes, "file_unknown")


def test_a_file_that_is_not_there(store_dir, tmp_path):
    p = refused(store_dir, tmp_path / "khong-co.xlsx", "file_missing")
    assert p.message == "Không tìm thấy hoặc không đọc được tệp (không có tệp này)."


def test_an_empty_file(store_dir, tmp_path):
    (tmp_path / "rong.xlsx").write_bytes(b"")
    assert refused(store_dir, tmp_path / "rong.xlsx", "file_empty").message == "Tệp rỗng (0 byte)."


def test_a_corrupt_workbook(template, store_dir, tmp_path):
    whole = fill(template, VALID, tmp_path / "whole.xlsx").read_bytes()
    (tmp_path / "hong.xlsx").write_bytes(whole[: len(whole) // 2])
    p = refused(store_dir, tmp_path / "hong.xlsx", "file_corrupt")
    assert p.message == "Tệp bị hỏng, không mở được (phần nén của tệp .xlsx bị hỏng)."


def test_a_password_protected_workbook(template, store_dir, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = fill(template, VALID, tmp_path / "plain.xlsx")
    with open(plain, "rb") as src, open(tmp_path / "mat-khau.xlsx", "wb") as out:
        OOXMLFile(src).encrypt("hoinongdan", out)
    assert (tmp_path / "mat-khau.xlsx").read_bytes()[:4] == bytes.fromhex("D0CF11E0")
    p = refused(store_dir, tmp_path / "mat-khau.xlsx", "file_encrypted")
    assert p.message == "Tệp được đặt mật khẩu mở (tệp đã mã hóa), kit không đọc được."


def test_an_excel_95_workbook(store_dir, tmp_path):
    # Excel 97-2003 (.xls) is read (test_intake_formats.py); Excel 5.0/95 keeps its "Book" stream.
    (tmp_path / "cu.xls").write_bytes(compound_file("Book"))
    p = refused(store_dir, tmp_path / "cu.xls", "file_xls")
    assert p.message == "Tệp theo định dạng Excel 5.0/95, kit không đọc được."
    assert "Sổ làm việc Excel (.xlsx), LibreOffice (.ods) hoặc Excel 97-2003 (.xls)" in p.expected


def test_an_xls_without_the_template_in_it(store_dir, tmp_path):
    (tmp_path / "khac.xls").write_bytes(compound_file("Workbook"))
    refused(store_dir, tmp_path / "khac.xls", "not_a_template")


def formula_file(template, tmp_path, cached):
    sheet, cell = cell_of(template, "917", "dialogues")
    path = fill(template, VALID, tmp_path / "cong-thuc.xlsx", {(sheet, cell): "=1+1"})
    if cached is not None:
        index = openpyxl.load_workbook(path).sheetnames.index(sheet) + 1
        set_cached_value(path, index, cell, cached)
    return path, cell


def test_a_formula_uses_its_cached_value(template, store_dir, tmp_path):
    path, _ = formula_file(template, tmp_path, "2")
    taken(store_dir, path)
    assert current(store_dir)[("917", "dialogues")] == 2


def test_a_formula_without_a_cached_value(template, store_dir, tmp_path):
    path, cell = formula_file(template, tmp_path, None)
    p = refused(store_dir, path, "formula_no_value")
    assert p.message == "Ô có công thức “=1+1” nhưng chưa có giá trị tính sẵn." and p.location.cell == cell


def to_cp1258(text):
    from test_vntext import to_cp1258 as encode

    return encode(text)


def test_a_csv_in_windows_1258(store_dir, tmp_path):
    path = tmp_path / "cp1258.csv"
    path.write_bytes(to_cp1258(SAMPLE_CSV.read_text(encoding="utf-8")))
    received = taken(store_dir, path)
    assert [p.message for p in received.verdict.warnings] == [
        "Tệp CSV dùng bảng mã Windows-1258; kit đã chuyển sang Unicode."
    ]
    assert current(store_dir)[("31153", "poverty_exits")] == VALID[("31153", "poverty_exits")]


def test_a_csv_in_utf8_with_a_bom(store_dir, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + SAMPLE_CSV.read_bytes())
    assert not taken(store_dir, path).verdict.problems


def test_legacy_tcvn3_and_vni_names_in_an_old_workbook_are_converted(template, store_dir, tmp_path):
    edits = {
        name_cell(template, "31154"): "Ph\u00adêng Thíi Hßa",
        name_cell(template, "31156"): "Phöôøng Thôùi Long",
    }
    received = taken(store_dir, fill(template, VALID, tmp_path / "cu.xlsx", edits))
    assert [p.message for p in received.verdict.warnings] == [
        "Chữ “Ph\u00adêng Thíi Hßa” được gõ bằng bảng mã TCVN3 (ABC); kit đã đọc là “Phường Thới Hòa”.",
        "Chữ “Phöôøng Thôùi Long” được gõ bằng bảng mã VNI; kit đã đọc là “Phường Thới Long”.",
    ]


def test_legacy_text_that_cannot_be_read_reliably_is_refused(template, store_dir, tmp_path):
    path = fill(template, VALID, tmp_path / "cu.xlsx", {name_cell(template, "31154"): "Ph¬ßng L«ng H\u00ad×"})
    p = refused(store_dir, path, "legacy_unreadable")
    assert p.message.startswith("Chữ “Ph¬ßng L«ng H\u00ad×” có vẻ được gõ bằng bảng mã cũ (TCVN3 hoặc VNI)")


def test_a_csv_saved_from_a_tcvn3_machine(store_dir, tmp_path):
    to_tcvn3 = legacy_table("tcvn3")
    text = "".join(to_tcvn3.get(c, c) for c in SAMPLE_CSV.read_text(encoding="utf-8"))
    assert "QuËn ¤ M«n" in text and "Ph\u00adêng Thíi Hßa" in text
    path = tmp_path / "tcvn3.csv"
    path.write_bytes(text.encode("cp1252"))
    received = taken(store_dir, path)
    assert {p.code for p in received.verdict.warnings} == {"legacy_converted"}
    assert "kit đã đọc là “Quận Ô Môn”" in received.verdict.warnings[0].message
    assert current(store_dir)[("31153", "poverty_exits")] == VALID[("31153", "poverty_exits")]
