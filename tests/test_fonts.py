"""The report font: chosen by file for charts and pages, and checked to cover what reports print."""

from __future__ import annotations

import base64
import re
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from reportkit.report import charts, fonts

# What the old Debian package fonts-liberation (1.07, no Vietnamese) installs beside the new one.
OLD_LIBERATION = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")
# Letters the 1.07 font lacks: "ị" (U+1ECB, glyph 7883 in matplotlib's warning) and friends.
VIETNAMESE = "Thạnh Qưới, Phường Châu Văn Liêm, Cờ Đỏ, Vĩnh Thạnh, chỉ tiêu, kỹ thuật, ỷ, ỹ"


def test_matplotlib_finds_exactly_the_shipped_files_for_every_face():
    from matplotlib import font_manager

    fonts.register_with_matplotlib()
    shipped = dict(zip([(w, s) for _n, w, s in fonts.FACES], fonts.font_files(), strict=True))
    for (weight, style), path in shipped.items():
        props = font_manager.FontProperties(family=charts.RC["font.family"], weight=weight, style=style)
        assert Path(font_manager.findfont(props, fallback_to_default=False)) == path


@pytest.mark.skipif(not OLD_LIBERATION.is_file(), reason="the old fonts-liberation 1.07 is not installed")
def test_the_old_liberation_serif_installed_beside_it_changes_nothing():
    from matplotlib import font_manager

    fonts.register_with_matplotlib()
    # The machine of issue 9: matplotlib knows the old file under the same family name...
    known = {Path(f.fname) for f in font_manager.fontManager.ttflist if f.name == "Liberation Serif"}
    assert OLD_LIBERATION in known
    # ...and the charts still get the shipped one.
    props = font_manager.FontProperties(family=charts.RC["font.family"])
    assert Path(font_manager.findfont(props)) == fonts.FONT_DIR / "LiberationSerif-Regular.ttf"


def test_charts_draw_vietnamese_without_a_warning_and_name_the_page_font():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib's "Glyph ... missing" is a UserWarning
        [svg] = charts.plot_ranking(VIETNAMESE.split(", "), [1] * 8, [3] * 8, ["1/3"] * 8, "Số chỉ tiêu đạt")
    assert "Thạnh Qưới" in svg
    families = set(re.findall(r"font-family:\s*([^;\"]+)", svg)) | set(
        re.findall(r"font: [^;\"]*?px ([^;\"]+)", svg)
    )
    assert families and all(fonts.FAMILY in family for family in families), families


def test_the_shipped_font_covers_vietnamese_and_the_licence_is_beside_it():
    assert fonts.missing_characters([VIETNAMESE, "ĐđƠơƯư ẠạẶặỆệỊịỌọỤụỴỵ “”–…%"]) == {}
    licence = (fonts.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Reserved Font Name Liberation" in licence


def test_missing_characters_names_each_one_with_where_it_is():
    covered = frozenset(map(ord, "Hội nông dân"))
    missing = fonts.missing_characters(["Hội nông dân", "Hội ✓ dân\n", "x ✓"], covered)
    assert missing == {"✓": "Hội ✓ dân\n", "x": "x ✓"}  # line breaks are paths, not glyphs


def _missing_one_by_one(texts, covered):
    # The definition, read character by character.
    missing = {}
    for text in texts:
        for char in text:
            if char not in missing and ord(char) not in covered and fonts._printable(char):
                missing[char] = text
    return missing


@given(
    st.lists(st.text(alphabet="Hội ✓\n漢xđ\u200b", max_size=8), max_size=6),
    st.sets(st.sampled_from("Hội ✓\n漢xđ\u200b")),
)
def test_missing_characters_are_those_read_one_by_one_in_the_same_order(texts, covered):
    covered = frozenset(map(ord, covered))
    expected = _missing_one_by_one(texts, covered)
    found = fonts.missing_characters(iter(texts), covered)  # a generator, as check_report_inputs gives
    assert list(found.items()) == list(expected.items())


def test_a_character_outside_the_font_stops_with_a_vietnamese_message():
    with pytest.raises(fonts.FontError) as err:
        fonts.check_coverage(["Hội Nông dân", "Chủ tịch: Nguyễn Văn 漢"], "tham số")
    message = str(err.value)
    assert "“漢” (U+6F22" in message and "Nguyễn Văn 漢" in message
    assert "không có 1 ký tự" in message and "tham số" in message
    assert "phông" in message and "cài lại" in message


def test_iter_text_finds_strings_in_keys_values_dataclasses_and_lists():
    @dataclass(frozen=True)
    class Inner:
        name: str
        count: int

    found = set(fonts.iter_text({"khóa": [Inner("tên", 3), ("a", None)], "số": 1.5}))
    assert found == {"khóa", "tên", "a", "số"}


def test_loading_a_reports_inputs_checks_the_font(tmp_path):
    from reportkit.report.inputs import load_report_inputs

    args = ("917", "2022-FY", ROOT / "data", ROOT / "params", "sample/figures.csv")
    load_report_inputs(*args, signer_name="Nguyễn Văn Ân")  # covered: no error
    with pytest.raises(fonts.FontError, match="U\\+6F22"):
        load_report_inputs(*args, signer_name="Nguyễn Văn 漢")


def test_a_build_stops_before_any_report_when_the_font_lacks_a_character(tmp_path):
    from reportkit.build.plan import build_period
    from reportkit.paths import ProjectPaths

    project = tmp_path / "project"
    for part in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / part, project / part)
    narrative = project / "params" / "narrative" / "2022-FY" / "917.md"
    narrative.parent.mkdir(parents=True, exist_ok=True)
    narrative.write_text("## Kết quả\n\nĐạt ✓ mọi chỉ tiêu.\n", encoding="utf-8")
    with pytest.raises(fonts.FontError, match="U\\+2713"):
        build_period(ProjectPaths.at(project), "2022-FY", ["917"])
    assert not (project / "outputs" / "2022-FY" / "notebooks").exists()  # nothing ran


def test_the_page_embeds_the_shipped_subsets_as_data_uris():
    from nbformat.v4 import new_notebook

    from reportkit.export.page import render_html

    html = render_html(new_notebook())
    embedded = re.findall(r"data:font/woff;base64,([A-Za-z0-9+/=]+)", html)
    assert [base64.b64decode(data) for data in embedded] == [p.read_bytes() for p in fonts.page_font_files()]
    assert "font/ttf" not in html
    assert f'font-family: "{fonts.FAMILY}", serif;' in html
    assert len(html) < 600_000  # the whole faces made an empty page 2 MB


def test_the_shipped_subsets_are_made_from_the_shipped_faces():
    # A face replaced without running scripts/make-page-fonts.py would leave pages in the old one.
    for face, page_font in zip(fonts.font_files(), fonts.page_font_files(), strict=True):
        assert fonts.make_page_font(face) == page_font.read_bytes(), page_font.name


def test_a_subset_draws_each_letter_as_its_whole_face_does():
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.ttLib import TTFont

    letters = set(VIETNAMESE + "ĐđƠơƯư ẠạẶặỆệỊịỌọỤụỴỵỲỳỶỷỸỹ“”–…%₫≥≤×")
    for face, page_font in zip(fonts.font_files(), fonts.page_font_files(), strict=True):
        drawn = []
        for font in (TTFont(face), TTFont(page_font)):
            cmap, glyphs = font.getBestCmap(), font.getGlyphSet()
            outlines = {}
            for letter in letters:
                pen = DecomposingRecordingPen(glyphs)
                glyphs[cmap[ord(letter)]].draw(pen)
                outlines[letter] = (pen.value, glyphs[cmap[ord(letter)]].width)
            drawn.append(outlines)
        assert drawn[0] == drawn[1], page_font.name


def test_the_pages_font_covers_what_its_ranges_name_and_no_more_than_the_face():
    from fontTools.ttLib import TTFont

    whole = set(TTFont(fonts.font_files()[0]).getBestCmap())
    in_ranges = {c for c in whole if any(low <= c <= high for low, high in fonts.PAGE_FONT_RANGES)}
    assert set(TTFont(fonts.page_font_files()[0]).getBestCmap()) == in_ranges
    assert ord("Ж") in whole and ord("Ж") not in fonts.covered_characters()  # Cyrillic is left out
    assert fonts.missing_characters(["Ж 1"]) == {"Ж": "Ж 1"}
