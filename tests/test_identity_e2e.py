"""Another organisation by data alone: a Women's Union (Hội Liên hiệp Phụ nữ) project made from the
sample project by changing only its data files has none of the Farmers' Association's words in
its templates, check reports, reports (PDF and HTML) or index."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from reportkit.build.plan import BuildOptions, build_period
from reportkit.cli import main
from reportkit.paths import ProjectPaths

pytestmark = pytest.mark.e2e

PERIOD = "2022-FY"
WOMEN = """organisation:
  name: Hội Liên hiệp Phụ nữ
  national_body: HỘI LIÊN HIỆP PHỤ NỮ VIỆT NAM
  document_symbol: BC/HPN
  issuer: Hội Liên hiệp Phụ nữ thành phố
  submission_office: Văn phòng Hội Liên hiệp Phụ nữ thành phố
"""
# The plan's own words (catalogue, targets, params, narrative) are the organisation's, as its own
# plan would have them; the wording files under data/wording/ change in their identity section only.
# (Patterns: a folded YAML line may break "Nông / dân".)
PLAN_WORDS = [
    (r"Hội(\s+)Nông(\s+)dân", r"Hội\1Liên hiệp Phụ\2nữ"),
    (r"HỘI(\s+)NÔNG(\s+)DÂN", r"HỘI\1LIÊN HIỆP PHỤ\2NỮ"),
    (r"Nông(\s+)dân", r"Phụ\1nữ"),
    (r"nông(\s+)dân", r"phụ\1nữ"),
    (r"Hội ND\b", "Hội LHPN"),
    ("HND", "HPN"),
]
FARMERS = re.compile(r"(?i:nông\s+dân)|\bHND|\bHội\s+ND\b")  # any case; its symbols, "Hội ND"
EMBEDDED = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")  # fonts and pictures: not words


def farmers_words(text: str) -> list[str]:
    return FARMERS.findall(EMBEDDED.sub("", unicodedata.normalize("NFC", text)))


def make_women_project(root: Path) -> Path:
    for part in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / part, root / part)
    wording = root / "data" / "wording" / "vi.yaml"
    text = wording.read_text(encoding="utf-8")
    section = re.search(r"^organisation:\n(?:  .*\n)+", text, re.MULTILINE)
    wording.write_text(text.replace(section.group(0), WOMEN), encoding="utf-8")
    for path in [*(root / "data").rglob("*"), *(root / "params").rglob("*")]:
        if path.is_file() and "wording" not in path.parts and path.suffix in (".yaml", ".csv", ".md"):
            text = path.read_text(encoding="utf-8")
            for old, new in PLAN_WORDS:
                text = re.sub(old, new, text)
            path.write_text(text, encoding="utf-8")
    defaults = root / "params" / "defaults.yaml"
    text = defaults.read_text(encoding="utf-8").replace(
        'figures_file: ""', "figures_file: sample/figures.csv"
    )
    defaults.write_text(text, encoding="utf-8")
    return root


def workbook_text(path: Path) -> str:
    wb = load_workbook(path)
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    return "\n".join([wb.properties.title or "", *wb.sheetnames, *cells])


@pytest.fixture(scope="module")
def women(tmp_path_factory) -> Path:
    root = make_women_project(tmp_path_factory.mktemp("hoi-phu-nu"))
    assert main(["--root", str(root), "template", "--period", PERIOD, "--unit", "917"]) == 0
    not_a_template = root / "bang-tinh-khac.xlsx"
    wb = Workbook()
    wb.active["A1"] = "Số liệu"
    wb.save(not_a_template)
    [template] = (root / "outputs" / "templates" / PERIOD).glob("*.xlsx")
    sample = root / "data" / "sample" / "submissions" / f"{PERIOD}-917.csv"
    store = ["--root", str(root), "--store", str(root / "store")]  # not the tests' session store
    main([*store, "intake", str(sample), str(not_a_template), str(template)])
    paths = ProjectPaths.at(root, store_dir=root / "store")
    _, results = build_period(paths, PERIOD, ["92", "917"], options=BuildOptions(strict=True))
    assert all(r.ok for r in results), [(r.job.stem, r.error) for r in results if not r.ok]
    return root


def test_the_templates_name_the_womens_union_only(women):
    [template] = (women / "outputs" / "templates" / PERIOD).glob("*.xlsx")
    text = workbook_text(template)
    assert "HỘI LIÊN HIỆP PHỤ NỮ THÀNH PHỐ CẦN THƠ" in text
    assert "Đơn vị: Hội Liên hiệp Phụ nữ quận Ô Môn (mã 917)" in text
    assert "Gửi tệp về Văn phòng Hội Liên hiệp Phụ nữ thành phố." in text
    assert "HỘI LIÊN HIỆP PHỤ NỮ QUẬN Ô MÔN (mã 917)" in text  # each data sheet's title
    assert "Mẫu biểu số liệu năm 2022 - Hội Liên hiệp Phụ nữ quận Ô Môn" in text  # the file's title
    assert farmers_words(text) == []


def test_the_check_reports_name_the_womens_union_only(women):
    reports = sorted((women / "outputs" / "intake").glob("*.kiem-tra.*"))
    assert len(reports) == 6  # three files, a text and a CSV each
    texts = [path.read_text(encoding="utf-8-sig") for path in reports]
    joined = "\n".join(texts)
    assert sum("Đơn vị: Hội Liên hiệp Phụ nữ quận Ô Môn (mã 917)" in t for t in texts) == 2
    assert "Bảng tính không phải mẫu biểu của Hội Liên hiệp Phụ nữ thành phố" in joined
    assert farmers_words(joined) == []


def test_the_reports_and_index_name_the_womens_union_only(women):
    out = women / "outputs" / PERIOD
    pages = {
        path.stem: path.read_text(encoding="utf-8") for path in out.glob("*.html") if path.stem != "index"
    }
    pdfs = {
        path.stem: "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)
        for path in out.glob("*.pdf")
    }
    assert len(pages) == len(pdfs) == 2
    district = " ".join(next(t for stem, t in pages.items() if "917" in stem).split())
    assert "HỘI LIÊN HIỆP PHỤ NỮ VIỆT NAM" in district and "Số …-BC/HPN" in district
    assert "BCH HỘI LIÊN HIỆP PHỤ NỮ" in district
    assert "của Ban Thường vụ Hội Liên hiệp Phụ nữ thành phố về thực hiện chủ đề năm 2022" in district
    assert "Hội Liên hiệp Phụ nữ quận Ô Môn báo cáo tổng kết năm 2022 như sau" in district
    city = " ".join(next(t for stem, t in pages.items() if "917" not in stem).split())
    assert "Số …-BC/HPNT" in city
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>Báo cáo kỳ năm 2022 - Hội Liên hiệp Phụ nữ thành phố Cần Thơ</title>" in index
    for name, text in [*pages.items(), *pdfs.items(), ("index.html", index)]:
        assert farmers_words(text) == [], name
