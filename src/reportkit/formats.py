"""Vietnamese (vi_VN) number, money, percent and date formats, rounded half-up."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "vi_VN"
BILLION_IN_MILLIONS = Decimal(1000)
SAME = (
    "bằng"  # what a change that rounds to zero reads as  # amounts are kept in triệu đồng; 1 tỷ = 1.000 triệu
)


def round_half_up(value: Decimal | int | float, decimals: int = 0) -> Decimal:
    """Round as Vietnamese reports do (0,05 -> 0,1), not as banks do (half-even)."""
    exponent = Decimal(1).scaleb(-decimals)
    return Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP)


def format_number(value: Decimal | int | float, decimals: int = 0) -> str:
    """218947 -> "218.947"; with decimals=1, 3.45 -> "3,5"."""
    rounded = round_half_up(value, decimals)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(rounded, format=pattern, locale=LOCALE)


def format_plain(value: Decimal | int | float, max_decimals: int = 2) -> str:
    """A number with only the decimals it needs: 97 -> "97", 3.5 -> "3,5"."""
    rounded = round_half_up(value, max_decimals)
    pattern = "#,##0" + ("." + "#" * max_decimals if max_decimals else "")
    return format_decimal(rounded, format=pattern, locale=LOCALE)


def format_percent(value: Decimal | int | float, decimals: int = 1) -> str:
    """55.549 -> "55,5%" (Vietnamese writes no space before %)."""
    return format_number(value, decimals) + "%"


def format_threshold(value: Decimal | int | float) -> str:
    """A plan's threshold as written in the plan: 97 -> "97%", 3.5 -> "3,5%"."""
    return format_plain(value) + "%"


def money_scale(*amounts: Decimal | None) -> str:
    """Show amounts in tỷ đồng when the largest reaches one tỷ, else in triệu đồng."""
    largest = max((abs(a) for a in amounts if a is not None), default=Decimal(0))
    return "tỷ đồng" if largest >= BILLION_IN_MILLIONS else "triệu đồng"


def format_money(amount_millions: Decimal, scale: str | None = None) -> str:
    """An amount kept in triệu đồng, without its unit: 5000 -> "5" (tỷ), 312 -> "312"."""
    scale = scale or money_scale(amount_millions)
    if scale == "tỷ đồng":
        return format_plain(Decimal(amount_millions) / BILLION_IN_MILLIONS, 2)
    return format_plain(amount_millions, 1)


def format_money_with_unit(amount_millions: Decimal) -> str:
    """5000 -> "5 tỷ đồng"; 312 -> "312 triệu đồng"."""
    scale = money_scale(amount_millions)
    return f"{format_money(amount_millions, scale)} {scale}"


def format_signed_percent(change: Decimal) -> str:
    """A change as words: "tăng 12,3%", "giảm 4,0%", or "bằng" when it rounds to zero."""
    return _signed(change, 1, lambda m: format_percent(m))


def format_signed_points(change: Decimal) -> str:
    return _signed(change, 1, lambda m: format_number(m, 1) + " điểm phần trăm")


def format_signed_count(change: Decimal, unit: str) -> str:
    return _signed(change, 2, lambda m: f"{format_plain(m)} {unit}".strip())


def _signed(change: Decimal, decimals: int, render) -> str:
    magnitude = round_half_up(abs(change), decimals)
    if magnitude == 0:
        return SAME
    return ("tăng " if change > 0 else "giảm ") + render(magnitude)


def format_date_numbers(date: dt.date) -> str:
    """The official date: day padded below 10, month padded only for 1 and 2."""
    month = "MM" if date.month <= 2 else "M"
    return format_date(date, f"'ngày' dd 'tháng' {month} 'năm' yyyy", locale=LOCALE)


def format_date_line(place: str, date: dt.date) -> str:
    """ "Cần Thơ, ngày 15 tháng 6 năm 2022"."""
    return f"{place}, {format_date_numbers(date)}"
