"""End to end: build real reports from the sample submissions (taken into a store) and read the PDFs."""

from __future__ import annotations

import csv
import json
import re
import shutil
import unicodedata
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from pdftext import A4_PT, MM, assert_only_the_shipped_font, printed_sizes, upright_text
from pypdf import PdfReader

from reportkit.build.plan import BuildOptions, build_period
from reportkit.cli import main
from reportkit.paths import ProjectPaths

pytestmark = pytest.mark.e2e

DISTRICTS = ["917", "918", "919", "923", "924", "925", "926", "927"]


@pytest.fixture(scope="module")
def year_end(tmp_path_factory, sample_store):
    """All nine reports of the year-end review, built once for this module, from the store."""
    out = tmp_path_factory.mktemp("outputs")
    # Strict: a warning or anything on stderr while a report runs fails it.
    period, results = build_period(
        ProjectPaths.at(ROOT, outputs_dir=out, store_dir=sample_store),
        "2022-FY",
        options=BuildOptions(strict=True),
    )
    assert period == "2022-FY"
    assert all(r.ok for r in results), [(r.job.stem, r.error) for r in results if not r.ok]
    return out / "2022-FY"


@pytest.fixture(scope="module")
def six_months(tmp_path_factory, sample_store):
    out = tmp_path_factory.mktemp("outputs")
    _, results = build_period(
        ProjectPaths.at(ROOT, outputs_dir=out, store_dir=sample_store),
        "2022-H1",
        ["92", "917"],
        options=BuildOptions(strict=True),
    )
    assert all(r.ok for r in results), [(r.job.stem, r.error) for r in results if not r.ok]
    return out / "2022-H1"


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


# Independent arithmetic: the test reads the CSV files itself and formats numbers by hand,
# so a bug in the kit's intake, store, metrics or Babel formatting cannot agree with itself here.
def figures(period: str) -> dict[tuple[str, str], Decimal]:
    with open(ROOT / "data" / "sample" / "figures.csv", encoding="utf-8") as fh:
        return {
            (r["unit_code"], r["measure"]): Decimal(r["value"])
            for r in csv.DictReader(fh)
            if r["period"] == period
        }


def targets() -> dict[tuple[str, str], Decimal]:
    # District targets are in the targets file, the city's in the catalogue (one place each).
    with open(ROOT / "data" / "targets" / "targets-2022.csv", encoding="utf-8") as fh:
        found = {(r["unit_code"], r["indicator_id"]): Decimal(r["target"]) for r in csv.DictReader(fh)}
    catalogue = yaml.safe_load((ROOT / "data" / "catalogue" / "indicators-2022.yaml").read_text("utf-8"))
    for ind in catalogue["indicators"]:
        if "city_target" in ind:
            found[("92", ind["id"])] = Decimal(str(ind["city_target"]))
    return found


def grassroots_of() -> dict[str, list[str]]:
    children = defaultdict(list)
    with open(ROOT / "data" / "org" / "units-2022.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["parent_code"] in DISTRICTS:
                children[row["parent_code"]].append(row["code"])
    return children


def dotted(n: Decimal) -> str:
    return f"{int(n):,}".replace(",", ".")


def pct(numerator: Decimal, denominator: Decimal) -> str:
    value = (numerator * 100 / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return str(value).replace(".", ",") + "%"


def expected_sentences(unit: str, period: str) -> list[str]:
    f, t = figures(period), targets()
    units = DISTRICTS if unit == "92" else [unit]
    communes = [g for d in units for g in grassroots_of()[d]]
    total = lambda m: sum(f[(u, m)] for u in units)  # noqa: E731
    new, target = total("new_members"), t[(unit, "new_members")]
    insured, members = total("members_health_insured"), total("members_total")
    introduced = sum(1 for g in communes if f[(g, "party_introduced")] >= 1)
    achieved = total("sxkd_achieved")
    sxkd_target = t[(unit, "sxkd_achieved")]
    # Amount first, then "đạt" or "bằng" (the verdict's word), the % of the year's target and the target.
    reached = (
        f"Tất cả {len(communes)} cơ sở Hội có ít nhất 01 hội viên ưu tú"
        if introduced == len(communes)
        else f"{introduced} trên {len(communes)} cơ sở Hội có ít nhất 01 hội viên ưu tú"
    )
    return [
        f"Phát triển mới {dotted(new)} hội viên, ",
        f"{pct(new, target)} chỉ tiêu năm ({dotted(target)} hội viên)",
        f"Hội viên tham gia bảo hiểm y tế: {dotted(insured)} trên tổng số {dotted(members)} hội viên, "
        f"tỷ lệ {pct(insured, members)}",
        reached,
        f"{dotted(achieved)} hộ, ",
        f"{pct(achieved, sxkd_target)} chỉ tiêu năm ({dotted(sxkd_target)} hộ)",
    ]


def test_a_period_folder_holds_nine_pdfs_nine_html_and_an_index(year_end):
    assert len(list(year_end.glob("*.pdf"))) == 9
    assert len(list(year_end.glob("*.html"))) == 10  # nine reports and index.html
    index = (year_end / "index.html").read_text(encoding="utf-8")
    for pdf in year_end.glob("*.pdf"):
        assert f'href="{pdf.name}"' in index
    assert len(list((year_end / "notebooks").glob("*.ipynb"))) == 9


@pytest.mark.parametrize("unit", ["92", "917", "927"])
def test_figures_in_the_pdf_match_the_data_files(year_end, unit):
    text = flat(" ".join(pdf_pages(next(year_end.glob(f"{unit}-*.pdf")))))
    for sentence in expected_sentences(unit, "2022-FY"):
        assert sentence in text


def test_city_pdf_header_title_and_closing(year_end):
    pages = pdf_pages(next(year_end.glob("92-*.pdf")))
    first = flat(pages[0])
    for line in ["HỘI NÔNG DÂN VIỆT NAM", "BCH HỘI NÔNG DÂN THÀNH PHỐ CẦN THƠ", "Số …-BC/HNDT",
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "Cần Thơ, ngày 15 tháng 12 năm 2022", "Tổng kết thực hiện chủ đề năm 2022"]:  # fmt: skip
        assert line in first
    whole = flat(" ".join(pages))
    # The city's districts are part II, so sections on the analyst's file are III-V.
    for line in ["I. KẾT QUẢ THỰC HIỆN", "II. KẾT QUẢ CÁC QUẬN, HUYỆN", "III. ĐÁNH GIÁ CHUNG",
                 "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ", "V. KIẾN NGHỊ, ĐỀ XUẤT", "2. Xếp hạng các quận, huyện",
                 "3. Các chỉ tiêu chưa đạt",
                 "Nơi nhận:", "T/M BAN THƯỜNG VỤ", "CHỦ TỊCH", "Nguyễn Vũ Phương"]:  # fmt: skip
        assert line in whole
    # ND30: the appendix says which report it goes with; a unit's kind word is lower case
    # inside a sentence or list ("Chưa đạt: quận Bình Thuỷ, huyện Cờ Đỏ").
    assert (
        "(Kèm theo Báo cáo số …-BC/HNDT ngày 15 tháng 12 năm 2022 của Ban Thường vụ Hội Nông dân "
        "thành phố Cần Thơ)"
    ) in whole
    assert not re.findall(r"[,:;] (?:Quận|Huyện|Phường|Xã|Thị trấn) \w+", whole)
    assert "Tổng kết năm 2022" not in whole and "năm 2022 thực hiện chủ đề năm 2022" not in whole


def manifest_reports(period_dir):
    return json.loads((period_dir / "manifest.json").read_text(encoding="utf-8"))["reports"]


def test_every_page_is_marked_sample_and_numbered_from_page_two(year_end):
    top_margin = A4_PT[1] - 20 * MM
    drafts = {stem: entry["draft"] for stem, entry in manifest_reports(year_end).items()}
    for pdf in year_end.glob("*.pdf"):
        reader = PdfReader(pdf)
        assert len(reader.pages) >= 3
        for number, page in enumerate(reader.pages, start=1):
            assert "DỮ LIỆU MẪU" in page.extract_text(), (pdf.name, number)
            in_margin = sorted(text for _x, y, text in upright_text(page) if y > top_margin)
            # The top margin holds the page number from page 2 on, and the draft stamp on every
            # page of a report whose sections II–IV are not all written: nothing else.
            expected = ([] if number == 1 else [str(number)]) + (["DỰ THẢO"] if drafts[pdf.stem] else [])
            assert in_margin == sorted(expected), (pdf.name, number)


def test_pdfs_are_a4_with_an_embedded_serif_font(year_end):
    reader = PdfReader(next(year_end.glob("917-*.pdf")))
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_PT, abs=1)
    # Every PDF, and every font in it, is the kit's own Liberation Serif 2 file.
    for path in sorted(year_end.glob("*.pdf")):
        assert_only_the_shipped_font(PdfReader(path))


def test_no_text_prints_under_8_points(year_end):
    # Charts are laid out at the text block's width and printed at 100%: their labels and values
    # must read on paper as the rest does (a chart drawn wider and shrunk put them at 4,7-6,8 pt).
    for path in sorted(year_end.glob("*.pdf")):
        runs = [run for page in PdfReader(path).pages for run in printed_sizes(page)]
        assert len(runs) > 100
        small = sorted({(round(size, 1), text) for size, text in runs if size < 8})
        assert not small, (path.name, small[:10])


@pytest.mark.parametrize("period", ["year_end", "six_months"])
def test_the_city_report_fits_12_pages_a_district_8_and_figures_are_numbered_in_order(period, request):
    # Issue 11: the units shown once (a table, a ranked chart, the missed targets), not four times.
    for path in sorted(request.getfixturevalue(period).glob("*.pdf")):
        pages = pdf_pages(path)
        assert len(pages) <= (12 if path.name.startswith("92-") else 8), (path.name, len(pages))
        numbers = [int(n) for n in re.findall(r"Biểu đồ (\d+)[ .]", flat(" ".join(pages)))]
        assert numbers == sorted(numbers) and set(numbers) == set(range(1, max(numbers) + 1)), (
            path.name,
            numbers,
        )


def test_vietnamese_text_is_intact(year_end):
    text = " ".join(pdf_pages(next(year_end.glob("924-*.pdf"))))
    assert unicodedata.is_normalized("NFC", text)
    for words in [
        "BCH HỘI NÔNG DÂN HUYỆN VĨNH THẠNH",
        "Hội Nông dân huyện Vĩnh Thạnh",
        "xã Thạnh Qưới",  # the old-style spelling, its tone mark on the ơ of ươ, must survive
        "Vĩnh Thạnh, ngày 15 tháng 12 năm 2022",
        "Hội viên tham gia bảo hiểm xã hội tự nguyện",
        "PHỤ LỤC. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
    ]:
        assert words in flat(text)
    assert "\ufffd" not in text and "?" * 3 not in text


def test_html_has_no_code_no_prompts_and_no_external_url(year_end):
    for page in year_end.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        if page.name == "index.html":
            continue
        assert '<html lang="vi"' in html
        assert "import reportkit" not in html and "rk.show(" not in html and "unit_code =" not in html
        assert "In&nbsp;[" not in html
        assert not re.search(r'class="[^"]*jp-(InputPrompt|OutputPrompt|InputArea)', html)
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
        assert not re.search(r"""(url\(|@import)\s*["']?\s*(https?:)?//""", html, re.I)


def test_six_month_review_has_its_own_title_date_and_comparison(six_months):
    city = flat(" ".join(pdf_pages(next(six_months.glob("92-*.pdf")))))
    assert "Sơ kết 6 tháng đầu năm thực hiện chủ đề năm 2022" in city
    assert "Cần Thơ, ngày 15 tháng 6 năm 2022" in city
    assert "so với cùng kỳ năm 2021" in city
    for sentence in expected_sentences("917", "2022-H1"):
        assert sentence in flat(" ".join(pdf_pages(next(six_months.glob("917-*.pdf")))))


def test_a_failing_report_does_not_stop_the_others(tmp_path, capsys, sample_store):
    project = tmp_path / "project"
    for part in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / part, project / part)
    (project / "params" / "units" / "918.yaml").write_text(
        "figures_file: sample/missing.csv\n", encoding="utf-8"
    )
    code = main(["--root", str(project), "build", "--period", "2022-FY", "--unit", "917", "--unit", "918"])
    out = capsys.readouterr().out
    assert code == 1
    assert (project / "outputs" / "2022-FY" / "917-quan-o-mon.pdf").is_file()
    assert not (project / "outputs" / "2022-FY" / "918-quan-binh-thuy.pdf").exists()
    assert "918-quan-binh-thuy" in out and "missing.csv" in out
    assert (project / "outputs" / "2022-FY" / "notebooks" / "918-quan-binh-thuy.ipynb").is_file()


def test_pages_and_pdfs_show_no_warning_traceback_or_source_path(year_end):
    # On the page the committee reads, not only in the executed notebook.
    for path in sorted(year_end.glob("*.html")) + sorted(year_end.glob("*.pdf")):
        text = path.read_text(encoding="utf-8") if path.suffix == ".html" else "\n".join(pdf_pages(path))
        # Nor an instruction to whoever fills it in: a unit without a signer's name (params) has
        # a blank line under the signature, not "(Ký, ghi rõ họ tên)".
        for mark in ("Warning", "Traceback", ".py:", "Ký, ghi rõ", "CHƯA CÓ NỘI DUNG"):
            assert mark not in text, (path.name, mark)
        if path.suffix == ".pdf":  # a draft names the file to write in the summary and index, not here
            assert "params/" not in text, path.name
    assert not (year_end / "logs").exists()  # and the cells printed nothing at all


def test_executed_notebooks_print_nothing_but_the_report(year_end):
    # A warning or traceback in a cell would land on the committee's page.
    import nbformat

    for path in (year_end / "notebooks").glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                assert output.output_type == "display_data", (path.name, output.output_type)
