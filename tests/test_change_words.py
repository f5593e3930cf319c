"""A change is "bằng" only between equal figures, and never prints a zero that is not one."""

import re
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from reportkit import formats as fmt

# Counts and amounts as the kit keeps them: whole, or in triệu đồng with up to 3 decimals.
amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False)
NUMBER = re.compile(r"\d[\d.]*(?:,\d+)?")


def printed_numbers(text: str) -> list[str]:
    return NUMBER.findall(text)


def assert_truthful(change: fmt.Change, now, before) -> None:
    if now == before:
        assert (change.words, change.signed) == ("bằng", "bằng")
        return
    for text in (change.words, change.signed):
        assert "bằng" not in text
        for number in printed_numbers(text):
            assert re.search(r"[1-9]", number), f"{number!r} reads as zero in {text!r}"
    assert change.words.startswith("tăng " if now > before else "giảm ")
    assert change.signed.startswith("+" if now > before else "-")


@given(amounts, amounts)
def test_totals(now, before):
    change = fmt.describe_difference(now, before, "hộ", relative=True)
    assert_truthful(change, now, before)


@given(amounts, amounts)
def test_money(now, before):
    for scale in ("tỷ đồng", "triệu đồng"):
        assert_truthful(fmt.describe_difference(now, before, relative=True, scale=scale), now, before)


@given(st.integers(0, 10**7), st.integers(1, 10**7), st.integers(0, 10**7), st.integers(1, 10**7))
def test_shares_in_points(num_now, den_now, num_before, den_before):
    now, before = Fraction(num_now * 100, den_now), Fraction(num_before * 100, den_before)
    change = fmt.describe_difference(now, before, "điểm phần trăm", decimals=1, short_unit="điểm")
    assert_truthful(change, now, before)


@given(amounts)
def test_equal_figures_are_always_the_same(value):
    assert fmt.describe_difference(value, Decimal(str(value)) + 0, "hộ", relative=True).words == "bằng"
