"""Validate: check a submission's cells against the tree and the catalogue (pure: cells in, problems out)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from importlib import resources

import yaml

from .. import formats
from ..model import Catalogue, Indicator, Kind, Measure, Period, Plan
from ..vntext import lower_first, name_key, read_name

# A figure ten times last year's (or a tenth of it) is worth a second look; below this size a
# ratio says little (1 cooperative group after 0 is no typing slip).
FAR_RATIO = Decimal(10)
FAR_MIN_SIZE = Decimal(50)
EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!"}
)
SAMPLE_SOURCE = "sample"
DEFAULT_ISSUER = "kit"  # whose templates, when no project names its organisation
WORKBOOK_KINDS = ("xlsx", "ods", "xls")  # a template saved by Excel or LibreOffice, in any of these
UNITS_RHS = "$units."  # a constraint's right side counting the unit's units of a level in the tree


class Severity(StrEnum):
    ERROR = "lỗi"
    WARNING = "cảnh báo"


@dataclass(frozen=True)
class Location:
    """Where a value was read: the file as received, its sheet (none for CSV) and cell."""

    file: str
    sheet: str = ""
    cell: str = ""

    def describe(self) -> str:
        if self.sheet:
            return f"trang tính “{self.sheet}”, ô {self.cell}" if self.cell else f"trang tính “{self.sheet}”"
        if self.cell:
            column, row = re.match(r"([A-Z]+)(\d+)", self.cell).groups()
            return f"dòng {row}, cột {column}"
        return "cả tệp"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (error) or worth checking (warning), worded for the district office."""

    severity: Severity
    code: str
    location: Location
    message: str  # what is wrong
    expected: str  # what is expected instead
    found: str = ""  # the value as found
    indicator: str = ""  # the indicator and figure concerned


@dataclass(frozen=True)
class Cell:
    """A cell as read from a file, before any check."""

    location: Location
    value: object = None
    number_format: str = "General"
    formula: str | None = None  # the formula, when the cell holds one
    from_csv: bool = False  # CSV text is the documented machine format: digits, "." for decimals


@dataclass(frozen=True)
class Entry:
    """A figure cell with the unit and measure that the file says it holds."""

    unit_code: str
    measure: str
    cell: Cell
    unit_cell: Location | None = None  # where the unit code was read, when the file names it


@dataclass(frozen=True)
class NameEntry:
    """A unit name typed beside its code: it only identifies."""

    unit_code: str
    cell: Cell


@dataclass(frozen=True)
class RawSubmission:
    """Everything read from one file; `problems` are those found while reading it."""

    file_name: str
    kind: str  # "csv", or a workbook's: one of WORKBOOK_KINDS
    periods: tuple[str, ...] = ()
    unit_code: str | None = None  # the district a template declares; CSV: found from its rows
    template_version: str | None = None
    is_sample: bool = False
    made_at: dt.datetime | None = None  # when the file says it was last saved
    entries: tuple[Entry, ...] = ()
    names: tuple[NameEntry, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class CheckedFigure:
    unit_code: str
    measure: str
    value: Decimal
    location: Location


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one file: its figures, and every problem found."""

    period: str | None
    unit_code: str | None
    figures: tuple[CheckedFigure, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    @property
    def accepted(self) -> bool:
        return not self.errors


@cache
def _messages() -> dict[str, dict[str, str]]:
    """Problem wording by code (data/problems.yaml in the package): message, expected, severity."""
    raw = resources.files("reportkit").joinpath("data", "problems.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(raw)


def problem(
    code: str, location: Location, found: str = "", indicator: str = "", /, **fields: object
) -> Problem:
    """A Problem worded from data/problems.yaml; its severity comes from there too."""
    wording = _messages()[code]
    fields = {"found": found, **fields}
    severity = Severity.WARNING if wording["severity"] == "warning" else Severity.ERROR
    message, expected = wording["message"].format(**fields), wording["expected"].format(**fields)
    return Problem(severity, code, location, message, expected, found, indicator)


def show_number(value: Decimal) -> str:
    """A value as the report shows it: vi_VN, only the decimals it has."""
    return formats.format_plain(value, 6)


def show_found(value: object) -> str:
    """A cell's value as found: text quoted as typed, numbers in vi_VN style, nothing for a blank."""
    if value is None:
        return ""
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, dt.datetime | dt.date):
        return f"ngày {value:%d/%m/%Y}"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            return show_number(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
        except InvalidOperation:
            return str(value)
    return f"“{value}”"


def canonical(value: Decimal) -> Decimal:
    """One spelling per number (12, not 12.0 or 1.2E+1), so the store keeps what was meant."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1)) + 0
    return value.normalize()


# ---------------------------------------------------------------------------------- labels


def describe_measure(catalogue: Catalogue, measure_id: str) -> str:
    """The indicator a figure serves and the figure itself, as the template names them."""
    measure = catalogue.measures.get(measure_id)
    if measure is None:
        return measure_id
    users = [i for i in catalogue.indicators if measure_id in i.measures]
    figure = f"{measure.name} ({measure.unit})"
    return f"{users[0].short} — {figure}" if users and users[0].short != measure.name else figure


def describe_unit(plan: Plan, code: str) -> str:
    return f"{plan.tree.title(code)} (mã {code})" if code in plan.tree else f"mã {code}"


def count_rule(measure: Measure) -> str:
    if measure.type == "count":
        return f"Số nguyên từ 0 trở lên (đơn vị tính: {measure.unit})"
    return f"Một số ({measure.unit}); phần thập phân ngăn bằng dấu phẩy"


def share_parts(catalogue: Catalogue) -> dict[str, tuple[Indicator, str]]:
    """Measures that are the numerator or denominator of a share, with the share and the part."""
    parts: dict[str, tuple[Indicator, str]] = {}
    for ind in catalogue.indicators:
        if ind.kind is Kind.SHARE:
            parts.setdefault(ind.numerator, (ind, "tử số"))
            parts.setdefault(ind.denominator, (ind, "mẫu số"))
    return parts


# ---------------------------------------------------------------------------------- numbers

WHOLE_TEXT = re.compile(r"[+-]?\d+")
POINT_DECIMAL = re.compile(r"[+-]?\d+\.\d+")
COMMA_DECIMAL = re.compile(r"[+-]?\d+,\d+")
DOT_GROUPS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")
DOT_GROUPS_COMMA_DECIMAL = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+")
COMMA_GROUPS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")
COMMA_GROUPS_POINT_DECIMAL = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+\.\d+")
SPACE_GROUPS = re.compile(r"[+-]?\d{1,3}(?: \d{3})+")


@dataclass(frozen=True)
class TextNumber:
    """A number read from text: its value, or why there is none."""

    value: Decimal | None
    how: str  # "plain", "grouped", "decimal", "ambiguous" or "invalid"
    readings: tuple[Decimal, ...] = ()  # the two meanings of an ambiguous text


def read_number_text(text: str, whole: bool, from_csv: bool = False) -> TextNumber:
    """Read "1234", "1.234" (vi thousands), "1.234,5", "3,5", "1,234.5"; refuse what two styles share.

    `whole`: the figure is a count, so a reading that is not whole cannot be meant.
    `from_csv`: "." is the documented decimal mark of the CSV format.
    """
    t = text.strip().replace("\u2212", "-").replace("\u00a0", " ").replace("\u202f", " ")
    if WHOLE_TEXT.fullmatch(t):
        return TextNumber(Decimal(t), "plain")
    if from_csv and POINT_DECIMAL.fullmatch(t) and not (whole and DOT_GROUPS.fullmatch(t)):
        return TextNumber(Decimal(t), "plain")
    if SPACE_GROUPS.fullmatch(t):
        return TextNumber(Decimal(t.replace(" ", "")), "grouped")
    if DOT_GROUPS.fullmatch(t):
        grouped = Decimal(t.replace(".", ""))
        # "1.234.567" has one meaning; "1.234" could be the English 1,234 unless a count is due.
        if t.count(".") > 1 or whole:
            return TextNumber(grouped, "grouped")
        return TextNumber(None, "ambiguous", (grouped, Decimal(t)))
    if DOT_GROUPS_COMMA_DECIMAL.fullmatch(t):
        return TextNumber(Decimal(t.replace(".", "").replace(",", ".")), "decimal")
    if COMMA_GROUPS.fullmatch(t):
        grouped = Decimal(t.replace(",", ""))
        if t.count(",") > 1:
            return TextNumber(grouped, "grouped")
        return TextNumber(None, "ambiguous", (grouped, Decimal(t.replace(",", "."))))
    if COMMA_GROUPS_POINT_DECIMAL.fullmatch(t):
        return TextNumber(Decimal(t.replace(",", "")), "decimal")
    if COMMA_DECIMAL.fullmatch(t):
        return TextNumber(Decimal(t.replace(",", ".")), "decimal")
    if POINT_DECIMAL.fullmatch(t):
        return TextNumber(Decimal(t), "decimal")
    return TextNumber(None, "invalid")


@dataclass(frozen=True)
class ValueCheck:
    value: Decimal | None
    problems: tuple[Problem, ...] = ()


def check_value(cell: Cell, measure: Measure, catalogue: Catalogue) -> ValueCheck:
    """A figure cell read as a number of the measure's type, or the problems that stop it."""
    label = describe_measure(catalogue, measure.id)
    share = share_parts(catalogue).get(measure.id)
    refused = _refuse_non_numbers(cell, measure, share, label)
    if refused:
        return refused
    read = _read_number(cell, measure, label)
    if read.value is None or measure.type != "count":
        return read
    if read.value < 0:
        return _fail("negative", cell, measure, label)
    if read.value != read.value.to_integral_value():
        # In a share's part a fraction is most likely the share itself, typed as "0,97" or "3,5".
        return (
            _fail_percent(cell, measure, share, label) if share else _fail("not_whole", cell, measure, label)
        )
    return read


def _fail(code: str, cell: Cell, measure: Measure, label: str, **fields: object) -> ValueCheck:
    fields = {"rule": count_rule(measure), "unit": measure.unit, **fields}
    return ValueCheck(None, (problem(code, cell.location, show_found(cell.value), label, **fields),))


def _refuse_non_numbers(cell: Cell, measure: Measure, share, label: str) -> ValueCheck | None:
    """Blanks, formulas without a result, Excel errors, dates, and percentages: no figure here."""
    raw = cell.value
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if cell.formula:
            return _fail("formula_no_value", cell, measure, label, formula=cell.formula)
        return _fail("blank", cell, measure, label)
    if isinstance(raw, str) and raw.strip() in EXCEL_ERRORS:
        return _fail("formula_error" if cell.formula else "not_a_number", cell, measure, label)
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        return _fail("not_a_number", cell, measure, label)
    if isinstance(raw, float) and not math.isfinite(raw):
        return _fail("not_a_number", cell, measure, label)
    if "%" in str(cell.number_format) or (isinstance(raw, str) and "%" in raw):
        return _fail_percent(cell, measure, share, label) if share else _fail("percent", cell, measure, label)
    return None


def _read_number(cell: Cell, measure: Measure, label: str) -> ValueCheck:
    """A number cell as is; text read as a number where it has one meaning, and said so."""
    raw = cell.value
    if not isinstance(raw, str):
        # repr() is the shortest text that reads back as the same float: 312.3, not 312.30000000000001.
        return ValueCheck(canonical(Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)))
    read = read_number_text(raw, measure.type == "count", cell.from_csv)
    if read.how == "ambiguous":
        a, b = map(show_number, read.readings)
        return _fail(
            "ambiguous_number", cell, measure, label, reading_a=a, reading_b=b, example=read.readings[0]
        )
    if read.value is None:
        return _fail("not_a_number", cell, measure, label)
    if read.how == "plain":
        return ValueCheck(canonical(read.value))
    said = problem("text_number", cell.location, show_found(raw), label, value=show_number(read.value))
    return ValueCheck(canonical(read.value), (said,))


def _fail_percent(cell: Cell, measure: Measure, share: tuple[Indicator, str], label: str) -> ValueCheck:
    indicator, part = share
    return _fail(
        "share_as_percent",
        cell,
        measure,
        label,
        part=part,
        share=indicator.short,
        figure=lower_first(measure.name),
    )


# ---------------------------------------------------------------------------------- identity


def check_identity(
    raw: RawSubmission,
    periods: Mapping[str, Period],
    expected_period: str | None,
    version: str,
    issuer: str = DEFAULT_ISSUER,
) -> tuple[str | None, tuple[Problem, ...]]:
    """The period a readable file is for, or the problems with what it says it is (a workbook that is
    not a template is said not to be one of `issuer`'s, the project's organisation when known)."""
    if any(p.severity is Severity.ERROR for p in raw.problems):
        return None, ()
    where = Location(raw.file_name)
    if raw.kind in WORKBOOK_KINDS and raw.template_version is None:
        return None, (problem("not_a_template", where, issuer=issuer),)
    if raw.kind in WORKBOOK_KINDS and raw.template_version != version:
        return None, (
            problem("template_version", where, found_version=raw.template_version, version=version),
        )
    known = ", ".join(periods)
    if not raw.periods:
        return None, (problem("period_missing", where, known=known),)
    if len(raw.periods) > 1:
        return None, (problem("period_many", where, found_periods=", ".join(raw.periods)),)
    period = raw.periods[0]
    if period not in periods:
        return None, (problem("period_unknown", where, f"“{period}”", period=period, known=known),)
    if expected_period and period != expected_period:
        labels = {"period_label": periods[period].label, "expected_label": periods[expected_period].label}
        return None, (problem("period_mismatch", where, period=period, expected=expected_period, **labels),)
    return period, ()


def level_problem(plan: Plan, code: str, where: Location, found: str = "", /, **fields: object) -> Problem:
    """A problem whose words name levels: {submitter_one}, {member_many}, … from the period's levels
    file (the member words are the generic "đơn vị" where no level is below the submitting one)."""
    levels = plan.tree.levels
    words = levels.placeholders(submitter=levels.submits, member=levels.members() or "")
    return problem(code, where, found, **words, **fields)


def find_submitting_unit(raw: RawSubmission, plan: Plan) -> tuple[str | None, tuple[Problem, ...]]:
    """The submitting unit the file is for (of the level that `submits` in the levels file): the one
    its template names, or the one its rows name."""
    tree, where, submits = plan.tree, Location(raw.file_name), plan.tree.levels.submits
    if raw.unit_code is not None:
        code = raw.unit_code
        if code in tree and tree[code].level == submits:
            return code, ()
        return None, (level_problem(plan, "template_unit", where, f"“{code}”", code=code),)
    named = {e.unit_code for e in raw.entries if e.unit_code in tree}
    owners = sorted(c for c in named if tree[c].level == submits)
    if not owners:
        # Only rows of units below the submitting level: their common submitting unit, if any.
        owners = sorted({a.code for c in named for a in tree.ancestors(c) if a.level == submits})
    if len(owners) == 1:
        return owners[0], ()
    if not owners:
        example = next((u.code for u in tree.units.values() if u.level == submits), "")
        return None, (level_problem(plan, "district_unknown", where, example=example),)
    return None, (level_problem(plan, "district_many", where, codes=", ".join(owners)),)


# ---------------------------------------------------------------------------------- figures


def expected_keys(plan: Plan, district: str) -> list[tuple[str, str]]:
    """(unit, measure) for every figure a district's submission must hold."""
    keys = []
    for measure in plan.catalogue.measures.values():
        keys += [(u.code, measure.id) for u in plan.tree.members(district, measure.level)]
    return keys


def _member_codes(plan: Plan, district: str) -> str:
    """The codes a submitting unit's file may hold besides its own: its members' (itself, if none)."""
    member = plan.tree.levels.members()
    return ", ".join(u.code for u in plan.tree.members(district, member)) if member else district


def check_unit(plan: Plan, district: str, code: str, where: Location) -> Problem | None:
    """An entry's unit must be the district or one of its own units."""
    tree = plan.tree
    district_title = tree.title(district)
    if code not in tree:
        return level_problem(
            plan,
            "unit_unknown",
            where,
            f"“{code}”",
            code=code,
            district=district_title,
            codes=_member_codes(plan, district),
        )
    if code == district or district in {a.code for a in tree.ancestors(code)}:
        return None
    owners = [a for a in tree.ancestors(code) if a.level == tree.levels.submits]
    return level_problem(
        plan,
        "unit_other_district",
        where,
        code,
        code=code,
        unit=tree.title(code),
        owner=tree.title(owners[0].code) if owners else tree.title(code),
        district=district_title,
        codes=_member_codes(plan, district),
    )


@dataclass(frozen=True)
class Readings:
    """The figures read so far, by (unit, measure), with where each was read."""

    values: dict[tuple[str, str], Decimal]
    locations: dict[tuple[str, str], Location]
    seen: set[tuple[str, str]]
    problems: list[Problem]


def check_entries(raw: RawSubmission, plan: Plan, district: str) -> Readings:
    """Every entry: its unit, its measure, once only, and its value."""
    out = Readings({}, {}, set(), [])
    reported_units: set[tuple[str, Location | None]] = set()
    first: dict[tuple[str, str], Location] = {}
    for entry in raw.entries:
        where = entry.unit_cell or entry.cell.location
        unit_problem = check_unit(plan, district, entry.unit_code, where)
        if unit_problem:
            if (entry.unit_code, entry.unit_cell) not in reported_units:
                reported_units.add((entry.unit_code, entry.unit_cell))
                out.problems.append(unit_problem)
            continue
        found = _check_entry(entry, plan, first)
        if found is not None:
            out.problems.append(found)
            continue
        key = (entry.unit_code, entry.measure)
        first[key] = entry.cell.location
        out.seen.add(key)
        checked = check_value(entry.cell, plan.catalogue.measures[entry.measure], plan.catalogue)
        out.problems.extend(checked.problems)
        if checked.value is not None:
            out.values[key] = checked.value
            out.locations[key] = entry.cell.location
    return out


def _check_entry(entry: Entry, plan: Plan, first: Mapping[tuple[str, str], Location]) -> Problem | None:
    catalogue, loc = plan.catalogue, entry.cell.location
    measure = catalogue.measures.get(entry.measure)
    unit = describe_unit(plan, entry.unit_code)
    if measure is None:
        return problem("measure_unknown", loc, f"“{entry.measure}”", measure=entry.measure)
    label = describe_measure(catalogue, measure.id)
    if plan.tree[entry.unit_code].level != measure.level:
        level = level_word(plan, measure.level)
        return problem("measure_wrong_level", loc, "", label, level=level, unit=unit)
    previous = first.get((entry.unit_code, entry.measure))
    if previous is not None:
        return problem(
            "duplicate", loc, show_found(entry.cell.value), label, unit=unit, first=previous.describe()
        )
    return None


def level_word(plan: Plan, level: str) -> str:
    """The level's association word from the levels file ("quận, huyện Hội"); the id where it has none."""
    levels = plan.tree.levels
    return levels.words(level)["association"] if level in levels.levels else level


def check_missing(plan: Plan, district: str, seen: set[tuple[str, str]], file_name: str) -> list[Problem]:
    """Figures the file should hold and does not: whole units once, else figure by figure."""
    missing: dict[str, list[str]] = defaultdict(list)
    for code, measure in expected_keys(plan, district):
        if (code, measure) not in seen:
            missing[code].append(measure)
    where, problems = Location(file_name), []
    for code, measures in missing.items():
        unit = describe_unit(plan, code)
        has_any = any(c == code for c, _ in seen)
        if not has_any and code != district:
            problems.append(
                level_problem(
                    plan,
                    "unit_missing",
                    where,
                    code=code,
                    unit=plan.tree.title(code),
                    district=plan.tree.title(district),
                )
            )
            continue
        for measure in measures:
            problems.append(
                problem("figure_missing", where, "", describe_measure(plan.catalogue, measure), unit=unit)
            )
    return problems


def check_constraints(readings: Readings, plan: Plan) -> list[Problem]:
    """sum(lhs) <= rhs for each unit, from the catalogue (achieved <= registered, and so on)."""
    problems = []
    units = sorted({code for code, _ in readings.values})
    for code in units:
        for constraint in plan.catalogue.constraints:
            found = _check_constraint(readings, plan, code, constraint.lhs, constraint.rhs)
            if found:
                problems.append(found)
    return problems


def _check_constraint(readings: Readings, plan: Plan, code: str, lhs: tuple[str, ...], rhs: str):
    values, catalogue = readings.values, plan.catalogue
    parts = [values.get((code, m)) for m in lhs]
    if any(p is None for p in parts):
        return None
    if rhs == "$months":
        limit, rhs_name, rhs_where = Decimal(plan.period.months), "số tháng của kỳ báo cáo", ""
    elif rhs.startswith(UNITS_RHS):
        # "$units.grassroots": how many units of that level the tree gives this unit.
        level = rhs.removeprefix(UNITS_RHS)
        limit = Decimal(len(plan.tree.members(code, level)))
        rhs_name, rhs_where = (
            f"số {level_word(plan, level)} của {plan.tree.title(code)} trong danh sách đơn vị",
            "",
        )
    elif (code, rhs) in values:
        limit, rhs_name = values[(code, rhs)], lower_first(catalogue.measures[rhs].name)
        rhs_where = f", {readings.locations[(code, rhs)].describe()}"
    else:
        return None
    total = sum(parts, Decimal(0))
    if total <= limit:
        return None
    names = " + ".join(catalogue.measures[m].name for m in lhs)
    shown = (
        show_number(total)
        if len(parts) == 1
        else " + ".join(map(show_number, parts)) + f" = {show_number(total)}"
    )
    where = readings.locations[(code, lhs[0])]
    return problem(
        "constraint",
        where,
        show_number(total),
        describe_measure(catalogue, lhs[0]),
        lhs=names,
        lhs_value=shown,
        rhs=rhs_name,
        rhs_value=show_number(limit),
        rhs_where=rhs_where,
    )


def check_shares(readings: Readings, plan: Plan) -> list[Problem]:
    """A share's numerator never exceeds its denominator (unless a constraint says so already)."""
    catalogue, values, problems = plan.catalogue, readings.values, []
    covered = {(m, c.rhs) for c in catalogue.constraints for m in c.lhs}
    for ind in catalogue.indicators:
        if ind.kind is not Kind.SHARE or (ind.numerator, ind.denominator) in covered:
            continue
        for code in sorted({c for c, _ in values}):
            num, den = values.get((code, ind.numerator)), values.get((code, ind.denominator))
            if num is None or den is None or num <= den:
                continue
            problems.append(
                problem(
                    "share_over",
                    readings.locations[(code, ind.numerator)],
                    show_number(num),
                    describe_measure(catalogue, ind.numerator),
                    numerator=catalogue.measures[ind.numerator].name,
                    num_value=show_number(num),
                    denominator=catalogue.measures[ind.denominator].name,
                    den_value=show_number(den),
                    share=ind.short,
                )
            )
    return problems


def check_names(names: Iterable[NameEntry], plan: Plan) -> list[Problem]:
    """Names only identify: legacy text is read or refused, and a name that does not fit is a warning."""
    problems, done = [], set()
    for entry in names:
        text = "" if entry.cell.value is None else str(entry.cell.value)
        if not text.strip() or (entry.unit_code, text) in done or entry.unit_code not in plan.tree:
            continue
        done.add((entry.unit_code, text))
        problems.extend(_check_name(entry, text, plan))
    return problems


def _check_name(entry: NameEntry, text: str, plan: Plan) -> list[Problem]:
    loc, code, tree = entry.cell.location, entry.unit_code, plan.tree
    known = (tree[code].name, tree.title(code))
    reading = read_name(text, known)
    if not reading.certain:
        return [problem("legacy_unreadable", loc, f"“{text}”")]
    found = []
    if reading.encoding != "Unicode":
        found.append(
            problem("legacy_converted", loc, f"“{text}”", encoding=reading.encoding, text=reading.text)
        )
    if name_key(reading.text) not in {name_key(k) for k in known}:
        found.append(problem("name_mismatch", loc, f"“{reading.text}”", code=code, unit=tree.title(code)))
    return found


def check_against_last_year(
    readings: Readings, plan: Plan, previous: Mapping[tuple[str, str], Decimal]
) -> list[Problem]:
    """Warn where a figure is ten times the same period last year's, or a tenth of it."""
    problems = []
    for key, value in sorted(readings.values.items()):
        before = previous.get(key)
        if before is None or before == 0 or value == 0 or max(abs(value), abs(before)) < FAR_MIN_SIZE:
            continue
        ratio = abs(value) / abs(before)
        if FAR_RATIO > ratio > 1 / FAR_RATIO:
            continue
        code = "far_above_last_year" if ratio >= FAR_RATIO else "far_below_last_year"
        problems.append(
            problem(
                code,
                readings.locations[key],
                show_number(value),
                describe_measure(plan.catalogue, key[1]),
                ratio=formats.format_plain(ratio, 2),
                previous=show_number(before),
            )
        )
    return problems


def _rule(code: str) -> dict:
    """A plausibility rule's thresholds, kept beside its wording in data/problems.yaml."""
    return _messages()[code]


def check_against_targets(readings: Readings, plan: Plan, district: str) -> list[Problem]:
    """Warn where a district's figure (its own, or its units' sum) is many times its target for it."""
    rule, problems = _rule("far_above_target"), []
    ratio, floor = Decimal(str(rule["ratio"])), Decimal(str(rule["min_size"]))
    for ind in plan.catalogue.indicators:
        target = plan.targets.get((district, ind.id))
        if ind.kind is not Kind.TOTAL or not ind.measure or target is None or target.value <= 0:
            continue
        total = _district_total(readings, plan, district, ind.measure)
        if total is None or total[0] < floor or total[0] < ratio * target.value:
            continue
        value, where = total
        problems.append(
            problem(
                "far_above_target",
                where,
                show_number(value),
                describe_measure(plan.catalogue, ind.measure),
                ratio=formats.format_plain(value / target.value, 2),
                target=show_number(target.value),
            )
        )
    return problems


def _district_total(readings: Readings, plan: Plan, district: str, measure: str):
    """The district's figure of a measure, with where it was read; for a measure its units keep,
    their sum (where: the file), once every one of them is there."""
    if (district, measure) in readings.values:
        return readings.values[(district, measure)], readings.locations[(district, measure)]
    level = plan.catalogue.measures[measure].level
    keys = [(u.code, measure) for u in plan.tree.members(district, level)]
    if not keys or any(k not in readings.values for k in keys):
        return None
    return sum((readings.values[k] for k in keys), Decimal(0)), Location(readings.locations[keys[0]].file)


def check_against_size(readings: Readings, plan: Plan, district: str) -> list[Problem]:
    """Warn where a district's figure is many times its size (its members, per data/problems.yaml)."""
    rule, problems = _rule("far_above_size"), []
    size = readings.values.get((district, rule["size"]))
    if not size or size <= 0:
        return []
    floor = Decimal(str(rule["min_size"]))
    for measure, ratio in rule["ratios"].items():
        value = readings.values.get((district, measure))
        if value is None or value < floor or value <= Decimal(str(ratio)) * size:
            continue
        problems.append(
            problem(
                "far_above_size",
                readings.locations[(district, measure)],
                show_number(value),
                describe_measure(plan.catalogue, measure),
                ratio=formats.format_plain(value / size, 2),
                size_name=lower_first(plan.catalogue.measures[rule["size"]].name),
                size=show_number(size),
            )
        )
    return problems


def check_submission(
    raw: RawSubmission,
    plan: Plan,
    previous: Mapping[tuple[str, str], Decimal] | None = None,
    identity_problems: Iterable[Problem] = (),
) -> Verdict:
    """Check one readable file of a known period: units, figures, rules, names and last year."""
    problems = [*raw.problems, *identity_problems]
    district, found = find_submitting_unit(raw, plan)
    problems += found
    if district is None:
        return Verdict(plan.period.id, None, (), tuple(problems))
    readings = check_entries(raw, plan, district)
    problems += readings.problems
    problems += check_missing(plan, district, readings.seen, raw.file_name)
    problems += check_constraints(readings, plan)
    problems += check_shares(readings, plan)
    problems += check_names(raw.names, plan)
    problems += check_against_last_year(readings, plan, previous or {})
    problems += check_against_targets(readings, plan, district)
    problems += check_against_size(readings, plan, district)
    figures = tuple(
        CheckedFigure(code, measure, value, readings.locations[(code, measure)])
        for (code, measure), value in readings.values.items()
    )
    return Verdict(plan.period.id, district, figures, tuple(problems))


def reject(raw: RawSubmission, problems: Iterable[Problem], period: str | None = None) -> Verdict:
    """The verdict on a file that could not be read, or whose identity is wrong."""
    return Verdict(period, raw.unit_code, (), (*raw.problems, *problems))
