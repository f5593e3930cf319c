"""Vietnamese (vi_VN) number, money, percent and date formats, rounded half-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "vi_VN"
BILLION_IN_MILLIONS = Decimal(1000)  # amounts are kept in triệu đồng; 1 tỷ = 1.000 triệu
MONEY_UNIT = "triệu đồng"
BILLIONS = "tỷ đồng"
SAME = "bằng"  # what a change reads as when the two figures are exactly equal, and only then
MAX_DECIMALS = 12  # enough for any amount the kit keeps (triệu đồng with decimals, shown in tỷ)


def round_half_up(value: Decimal | int | float, decimals: int = 0) -> Decimal:
    """Round as Vietnamese reports do (0,05 -> 0,1), not as banks do (half-even)."""
    exponent = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP)
    # -0.04 rounds to "-0": a sign on a zero says a direction the figure does not have.
    return abs(rounded) if rounded == 0 else rounded


def decimals_to_show(magnitude: Decimal, decimals: int) -> int:
    """At least `decimals`, more until a non-zero magnitude no longer rounds to zero."""
    # Ends at the first significant digit (28 digits at most, from the Decimal context).
    while magnitude and round_half_up(magnitude, decimals) == 0:
        decimals += 1
    return decimals


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
    """Show amounts in tỷ đồng when the largest reaches one tỷ, else in triệu đồng.

    Give it every amount of one indicator that a reader will see side by side (all units' targets
    for the year), so the indicator keeps one unit across a report, its units and its periods."""
    largest = max((abs(a) for a in amounts if a is not None), default=Decimal(0))
    return BILLIONS if largest >= BILLION_IN_MILLIONS else MONEY_UNIT


def _in_scale(amount_millions: Decimal, scale: str) -> Decimal:
    return Decimal(amount_millions) / BILLION_IN_MILLIONS if scale == BILLIONS else Decimal(amount_millions)


def _money_decimals(scale: str) -> int:
    return 2 if scale == BILLIONS else 1


def format_money(amount_millions: Decimal, scale: str | None = None, decimals: int | None = None) -> str:
    """An amount kept in triệu đồng, without its unit: 5000 -> "5" (tỷ), 312 -> "312"."""
    scale = scale or money_scale(amount_millions)
    return format_plain(
        _in_scale(amount_millions, scale), _money_decimals(scale) if decimals is None else decimals
    )


def format_money_ratio(
    actual: Decimal, target: Decimal, scale: str, percent_decimals: int = 1
) -> tuple[str, str]:
    """An amount and its target, with the decimals a reader needs to get the printed percentage back.

    "1,08/0,9 tỷ đồng, đạt 120,3%" does not add up (1,08/0,9 = 120,0%): decimals are added until
    the percentage recomputed from the printed figures rounds to the one printed from the exact ones.
    """
    exact = round_half_up(Decimal(actual) * 100 / Decimal(target), percent_decimals)
    decimals = _money_decimals(scale)
    while decimals < MAX_DECIMALS:
        shown_actual = round_half_up(_in_scale(actual, scale), decimals)
        shown_target = round_half_up(_in_scale(target, scale), decimals)
        if shown_target and round_half_up(shown_actual * 100 / shown_target, percent_decimals) == exact:
            break
        decimals += 1
    return format_money(actual, scale, decimals), format_money(target, scale, decimals)


def format_money_with_unit(amount_millions: Decimal) -> str:
    """5000 -> "5 tỷ đồng"; 312 -> "312 triệu đồng"."""
    scale = money_scale(amount_millions)
    return f"{format_money(amount_millions, scale)} {scale}"


@dataclass(frozen=True)
class Change:
    """A figure against last year's, as every part of a report words it: one source for the
    sentence ("giảm 4 hộ (0,01%)"), the appendix column and the chart label ("-0,01%")."""

    direction: int  # 1 up, -1 down, 0 only when the two figures are exactly equal
    amount: str = ""  # the difference's magnitude, without unit: "4", "0,35", "1,3"
    unit: str = ""  # "hộ", "tỷ đồng", "điểm phần trăm"
    short_unit: str = ""  # the unit in a narrow column: "điểm" for points, else none
    relative: str = ""  # the magnitude as a % of last year's figure, where that means something

    @property
    def words(self) -> str:
        """ "tăng 12 hội viên (1,5%)", "giảm 1,3 điểm phần trăm", "bằng"."""
        if not self.direction:
            return SAME
        verb = "tăng" if self.direction > 0 else "giảm"
        amount = f"{self.amount} {self.unit}".strip()
        return f"{verb} {amount}" + (f" ({self.relative})" if self.relative else "")

    @property
    def signed(self) -> str:
        """ "+12,3%", "-0,01%", "-1,3 điểm", "+2", "bằng": the % where there is one, else the amount."""
        if not self.direction:
            return SAME
        sign = "+" if self.direction > 0 else "-"
        return sign + (self.relative or f"{self.amount} {self.short_unit}".strip())


def describe_difference(
    now: Decimal | Fraction,
    before: Decimal | Fraction,
    unit: str = "",
    *,
    decimals: int = 0,
    relative: bool = False,
    scale: str | None = None,
    short_unit: str = "",
) -> Change:
    """How `now` differs from `before`: "bằng" only when they are equal; otherwise the direction, the
    amount in `unit` (money in `scale`) and, with `relative`, the % of `before`, each printed with
    decimals added until it no longer rounds to zero (so never "0,0%" or "-0,0%" for a change)."""
    diff = Fraction(now) - Fraction(before)
    if diff == 0:
        return Change(0)
    magnitude = _decimal(abs(diff))
    if scale is not None:
        shown = _in_scale(magnitude, scale)
        amount = format_plain(shown, decimals_to_show(shown, _money_decimals(scale)))
        unit = scale
    else:
        amount = format_number(magnitude, decimals_to_show(magnitude, decimals))
    percent = ""
    if relative and before:
        share = _decimal(abs(diff) * 100 / abs(Fraction(before)))
        percent = format_percent(share, decimals_to_show(share, 1))
    return Change(1 if diff > 0 else -1, amount, unit, short_unit, percent)


def format_signed_percent(change: Decimal) -> str:
    """A relative change alone, by the same rule: "tăng 12,3%", "giảm 0,01%", "bằng" only for 0."""
    if change == 0:
        return SAME
    magnitude = abs(Decimal(change))
    return ("tăng " if change > 0 else "giảm ") + format_percent(magnitude, decimals_to_show(magnitude, 1))


def _decimal(value: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 28
        return Decimal(value.numerator) / Decimal(value.denominator)


def format_date_numbers(date: dt.date) -> str:
    """The official date: day padded below 10, month padded only for 1 and 2."""
    month = "MM" if date.month <= 2 else "M"
    return format_date(date, f"'ngày' dd 'tháng' {month} 'năm' yyyy", locale=LOCALE)


def format_date_line(place: str, date: dt.date) -> str:
    """ "Cần Thơ, ngày 15 tháng 6 năm 2022"."""
    return f"{place}, {format_date_numbers(date)}"


def format_duration(seconds: float) -> str:
    """How long something took, as Vietnamese writes it: 1.84 -> "1,8 giây", 125 -> "2 phút 5 giây"."""
    tenths = round_half_up(seconds, 1)
    if tenths < 60:
        return f"{format_number(tenths, 1)} giây"
    minutes, secs = divmod(int(round_half_up(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(hours, "giờ"), (minutes, "phút"), (secs, "giây")]
    # Leading zeros say nothing ("0 giờ"); inner ones do ("1 giờ 0 phút 5 giây" reads oddly: dropped too).
    return " ".join(f"{amount} {word}" for amount, word in parts if amount)
