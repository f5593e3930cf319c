"""Charts measure each label once per process, and draw the same SVG as matplotlib's own measure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from reportkit.model import Indicator, Kind, Outcome, Result, Status
from reportkit.report import charts

FAMILY = charts.RC["font.family"]
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯạặậẹệịọộợụựỵảẳẩẻểỉỏổởủửỷãẵẫẽễĩõỗỡũữỹ 0123456789,.%()/-"


def matplotlibs_own(renderer, text, prop, ismath):
    """What RendererSVG.get_text_width_height_descent does in matplotlib itself."""
    return renderer._text2path.get_text_width_height_descent(text, prop, ismath)


def results() -> list[Result]:
    rows = []
    for number, status in enumerate((Status.EXCEEDED, Status.MET, Status.MISSED), start=1):
        value = Decimal(45 * number)
        name = f"Chỉ tiêu số {number}: hội viên được vay vốn"
        indicator = Indicator(f"ct{number}", "vay", Kind.TOTAL, "hội viên", name[:22], name, lead="")
        outcomes = dict(
            outcome=Outcome(value), previous=Outcome(value - 7 * number), change=Decimal(7 * number)
        )
        judged = dict(target=value, expected=value, percent=Decimal(60 * number), status=status)
        rows.append(Result(indicator, "92", "Cần Thơ", "thành phố", **outcomes, **judged))
    return rows


def draw_all() -> list[str]:
    labels = {status.value: f"Nhãn {status.value}" for status in Status}
    drawn = [
        charts.plot_achievement(results(), labels, "Mức thực hiện (%)", Decimal("50")),
        charts.plot_change(results(), "Tăng, giảm so với cùng kỳ (%)"),
        *charts.plot_ranking(
            ["Ninh Kiều", "Cờ Đỏ", "Thới Lai"], [3, 2, 1], [3, 3, 3], ["3/3", "2/3", "1/3"], "Số"
        ),
    ]
    assert all(drawn)
    return drawn


def test_the_kits_svg_renderer_measures_text_through_the_memo():
    # If a matplotlib release stops calling this method, the memo is dead weight: this says so.
    assert RendererSVG.get_text_width_height_descent is charts.measure_svg_text
    charts._text_size.cache_clear()
    draw_all()
    info = charts._text_size.cache_info()
    assert info.misses > 0 and info.hits > info.misses  # every label measured again is answered


def test_charts_are_the_same_to_the_byte_as_with_matplotlibs_own_measure(monkeypatch):
    charts._text_size.cache_clear()
    remembered = draw_all()
    remembered_again = draw_all()  # all from the memo
    monkeypatch.setattr(RendererSVG, "get_text_width_height_descent", matplotlibs_own)
    assert remembered == remembered_again == draw_all()


@given(
    text=st.text(alphabet=LETTERS, max_size=30),
    size=st.sampled_from([8.5, 9, 12.5, 18]),
    weight=st.sampled_from(["normal", "bold"]),
    style=st.sampled_from(["normal", "italic"]),
)
def test_a_remembered_size_is_matplotlibs_for_that_text_and_font(text, size, weight, style):
    charts.register_with_matplotlib()
    prop = FontProperties(family=FAMILY, size=size, weight=weight, style=style)
    expected = TextToPath().get_text_width_height_descent(text, prop, False)
    assert charts.measure_svg_text(None, text, prop, False) == expected
    assert charts.measure_svg_text(None, text, prop, False) == expected  # now from the memo


def test_a_font_changed_after_it_was_measured_is_measured_anew():
    charts.register_with_matplotlib()
    prop = FontProperties(family=FAMILY, size=9)
    small = charts.measure_svg_text(None, "Hội Nông dân", prop, False)
    prop.set_size(18)  # the same object, now twice the size: the memo kept a copy as its key
    large = charts.measure_svg_text(None, "Hội Nông dân", prop, False)
    assert large == TextToPath().get_text_width_height_descent("Hội Nông dân", prop, False)
    assert large[0] == pytest.approx(2 * small[0])
