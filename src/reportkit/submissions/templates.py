"""Templates: the Excel workbook each submitting unit fills in (the level that `submits` in the period's
levels file: the districts in 2022), one per unit and period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import __version__
from ..formats import format_threshold
from ..model import Indicator, Kind, Measure, Plan
from ..vntext import slugify
from .read import (
    IDENTITY_SHEET,
    KEY_CODE,
    KEY_MARK,
    KEY_NAME,
    KEY_UNIT_ROW,
    KEY_VALUE,
    MEASURE_PREFIX,
    TEMPLATE_VERSION,
)
from .validate import level_word

INSTRUCTIONS_SHEET = "Hướng dẫn"
MAX_SHEET_NAME = 31  # Excel refuses a longer sheet name

FONT = "Times New Roman"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: type here
COMPUTED_FILL = PatternFill("solid", fgColor="EDEDED")  # grey: worked out by Excel, locked
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
COUNT_FORMAT, AMOUNT_FORMAT = "#,##0", "#,##0.0"
INSTRUCTIONS_WIDTH = 70  # one column of text that fits a portrait A4 page unscaled, in Excel and LibreOffice


@dataclass(frozen=True)
class Validations:
    """Excel's own checks on the input cells, so most slips are stopped as they are typed."""

    count: DataValidation
    share: DataValidation
    amount: DataValidation

    @classmethod
    def create(cls, ws: Worksheet) -> Validations:
        whole = {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "0"}
        made = cls(
            count=_validation(whole, "Nhập số nguyên từ 0 trở lên; không gõ dấu chấm, dấu phẩy hay chữ."),
            share=_validation(
                whole,
                "Nhập số lượng (số nguyên từ 0 trở lên), không nhập tỷ lệ phần trăm: "
                "kit tự tính tỷ lệ từ tử số và mẫu số.",
            ),
            amount=_validation(
                {
                    "type": "decimal",
                    "operator": "between",
                    "formula1": "-1000000000",
                    "formula2": "1000000000",
                },
                "Nhập một số (triệu đồng); phần thập phân ngăn bằng dấu phẩy.",
            ),
        )
        for validation in (made.count, made.share, made.amount):
            ws.add_data_validation(validation)
        return made

    def add(self, measure: Measure, is_share_part: bool, coordinate: str) -> None:
        if measure.type != "count":
            self.amount.add(coordinate)
        else:
            (self.share if is_share_part else self.count).add(coordinate)


def _validation(rule: dict, message: str) -> DataValidation:
    return DataValidation(
        **rule,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Số liệu không hợp lệ",
        error=message,
        showInputMessage=True,
        promptTitle="Nhập số liệu",
        prompt=message,
    )


def template_file_name(plan: Plan, unit_code: str) -> str:
    """ "mau-bieu-2022-FY-917-quan-o-mon.xlsx": sorts by period and code, safe on any system."""
    return f"mau-bieu-{plan.period.id}-{unit_code}-{slugify(plan.tree.title(unit_code))}.xlsx"


def submitting_units(plan: Plan) -> list[str]:
    """The units that get a template: every unit of the level that submits."""
    submits = plan.tree.levels.submits
    return [u.code for root in plan.tree.roots() for u in plan.tree.members(root.code, submits)]


@dataclass(frozen=True)
class SheetNames:
    """The data sheets' names, worded from data/wording/template.yaml with the levels file's words."""

    submitter: str  # the submitting unit's own figures ("Số liệu quận, huyện")
    members: str  # one row per unit of the level below it ("Số liệu cơ sở Hội")


def sheet_names(plan: Plan, member_level: str | None = None) -> SheetNames:
    levels = plan.tree.levels
    fields = levels.placeholders(submitter=levels.submits, member=member_level or levels.members() or "")
    sheets = plan.template_words["sheets"]
    named = {key: text.format(**fields)[:MAX_SHEET_NAME] for key, text in sheets.items()}
    return SheetNames(named["submitter"], named["members"])


def member_level(plan: Plan) -> str | None:
    """The level below the submitting one whose units' figures the template asks for on its members
    sheet (the first, top down, that the catalogue has figures of), if any."""
    order, submits = list(plan.tree.levels.levels), plan.tree.levels.submits
    below = order[order.index(submits) + 1 :] if submits in order else []
    kept = {m.level for m in plan.catalogue.measures.values()}
    return next((level for level in below if level in kept), None)


def write_template(plan: Plan, unit_code: str, out_dir: Path, now: dt.datetime | None = None) -> Path:
    """Write one submitting unit's workbook into out_dir; return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / template_file_name(plan, unit_code)
    build_workbook(plan, unit_code, now).save(path)
    return path


def build_workbook(plan: Plan, unit_code: str, now: dt.datetime | None = None) -> Workbook:
    submits = plan.tree.levels.submits
    if plan.tree[unit_code].level != submits:
        word = plan.tree.levels.words(submits)["association"]
        raise ValueError(f"{plan.tree.title(unit_code)} ({unit_code}) không phải {word}")
    wb = Workbook()
    wb.remove(wb.active)
    members = member_level(plan)
    sheets = sheet_names(plan, members)
    _write_instructions(wb.create_sheet(INSTRUCTIONS_SHEET), plan, unit_code, sheets, members)
    ranges = {}
    if members:
        ranges = _write_members_sheet(wb.create_sheet(sheets.members), plan, unit_code, members, sheets)
    own = wb.create_sheet(sheets.submitter, 1)
    _write_submitter_sheet(own, plan, unit_code, ranges, sheets)
    _write_identity(wb.create_sheet(IDENTITY_SHEET), plan, unit_code)
    title = plan.tree.title(unit_code)
    wb.properties.title = f"Mẫu biểu số liệu {plan.period.label} - {plan.identity.of(title)}"
    wb.properties.subject = f"{plan.period.id} {unit_code}"
    wb.properties.creator = f"reportkit {__version__}"
    wb.properties.created = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    # Formulas are written without results: let Excel work them out when the file is opened.
    wb.calculation.fullCalcOnLoad = True
    wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 0
    return wb


def _style(cell, bold: bool = False, fill: PatternFill | None = None, align: Alignment = WRAP) -> None:
    cell.font = Font(name=FONT, size=12, bold=bold)
    cell.alignment = align
    cell.border = BORDER
    if fill:
        cell.fill = fill


def _title_rows(ws: Worksheet, lines: list[str], last_column: int) -> None:
    for row, text in enumerate(lines, start=2):
        ws.cell(row, 2, text).font = Font(name=FONT, size=13, bold=row == 2)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last_column)
        ws.cell(row, 2).alignment = CENTER


def _hide_keys(ws: Worksheet) -> None:
    ws["A1"] = KEY_MARK
    ws.row_dimensions[1].hidden = True
    ws.column_dimensions["A"].hidden = True


def _protect(ws: Worksheet) -> None:
    # No password: the lock stops slips, not people; the city can always lift it.
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widening a column to read a long name is fine


def _header_lines(plan: Plan, unit_code: str, heading: str) -> list[str]:
    return [
        f"{plan.identity.of(plan.tree.title(unit_code)).upper()} (mã {unit_code})",
        f"{heading} - {plan.period.label.upper()} (kỳ {plan.period.id})",
    ]


def _steps(steps: list, has_members: bool) -> list[str]:
    """The instructions' steps, numbered; a step given as {members: …, alone: …} is worded for
    whether the template has a members sheet (left out if it has no wording for that case)."""
    chosen = [
        step.get("members" if has_members else "alone") if isinstance(step, dict) else step for step in steps
    ]
    return [f"{number}. {step}" for number, step in enumerate(filter(None, chosen), start=1)]


def _write_instructions(
    ws: Worksheet, plan: Plan, unit_code: str, sheets: SheetNames, members: str | None
) -> None:
    words = plan.template_words
    levels = plan.tree.levels
    roots = [a for a in plan.tree.ancestors(unit_code) if not a.parent_code]
    fields = {
        "city": plan.tree.title(roots[0].code).upper() if roots else "",
        "period_upper": plan.period.label.upper(),
        "period_label": plan.period.label,
        "period_id": plan.period.id,
        "unit_title": plan.tree.title(unit_code),
        "organisation_upper": plan.identity.name.upper(),
        "unit_organisation": plan.identity.of(plan.tree.title(unit_code)),
        "submission_office": plan.identity.submission_office,
        "unit_code": unit_code,
        "submitter_sheet": sheets.submitter,
        "members_sheet": sheets.members,
        **levels.placeholders(submitter=levels.submits, member=members or ""),
        "version": TEMPLATE_VERSION,
        "generator": __version__,
    }
    lines = [*((t, True) for t in words["title"]), (words["unit_line"], False), ("", False)]
    steps = _steps(words["steps"], members is not None)
    lines += [(words["heading"], True), *((step, False) for step in steps)]
    lines += [("", False), (words["footer"], False)]
    ws.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    for row, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(row, 1, text.format(**fields))
        cell.font = Font(name=FONT, size=12, bold=bold)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    _print_setup(ws)
    _protect(ws)


def _target_text(ind: Indicator, plan: Plan, unit_code: str, units: int) -> Decimal | str:
    if ind.kind is Kind.TOTAL:
        target = plan.targets.get((unit_code, ind.id))
        return target.value if target else "—"
    if ind.kind is Kind.SHARE:
        return format_threshold(ind.threshold)
    if ind.kind is Kind.NONE:
        return "Không có (0)"
    each = f"Ít nhất {ind.minimum}"
    if ind.per == "month":
        each += f" mỗi tháng ({plan.period.months} tháng)"
    if plan.catalogue.level_of(ind) == plan.tree.levels.submits:
        return each
    return f"{units}/{units} {level_word(plan, ind.level)}: {each.lower()}"


class _SubmitterSheet:
    """Writes the submitting unit's sheet row by row, remembering where each measure was first asked."""

    def __init__(self, ws: Worksheet, plan: Plan, unit_code: str, ranges: dict[str, str], sheets: SheetNames):
        self.ws, self.plan, self.unit_code, self.ranges = ws, plan, unit_code, ranges
        self.sheets, self.submits = sheets, plan.tree.levels.submits
        self.validations = Validations.create(ws)
        self.asked: dict[str, int] = {}  # measure -> row of its input cell
        self.row = 6
        self.number = 0
        self.parts = {m for i in plan.catalogue.indicators if i.kind is Kind.SHARE for m in i.measures}

    def line(self, label: str, unit: str, target: object = "", bold: bool = False, numbered: bool = True):
        ws, r = self.ws, self.row
        if numbered:
            self.number += 1
        values = (self.number if numbered else "", label, unit, target)
        for column, value in zip((2, 3, 4, 5), values, strict=True):
            cell = ws.cell(r, column, value)
            _style(cell, bold=bold, align=CENTER if column in (2, 4, 5) else WRAP)
            if isinstance(value, Decimal):
                cell.number_format = COUNT_FORMAT
        _style(ws.cell(r, 6), fill=COMPUTED_FILL)
        self.row += 1
        return r

    def ask(self, row: int, measure: Measure) -> None:
        """Make F<row> the input cell of `measure`, or a copy of where it was asked already."""
        cell = self.ws.cell(row, 6)
        if measure.id in self.asked:
            cell.value = f"=F{self.asked[measure.id]}"
            return
        self.asked[measure.id] = row
        self.ws.cell(row, 1, MEASURE_PREFIX + measure.id)
        _style(cell, fill=INPUT_FILL, align=CENTER)
        cell.protection = UNLOCKED
        cell.number_format = COUNT_FORMAT if measure.type == "count" else AMOUNT_FORMAT
        self.validations.add(measure, measure.id in self.parts, cell.coordinate)

    def indicator(self, ind: Indicator) -> None:
        catalogue, level = self.plan.catalogue, self.plan.catalogue.level_of(ind)
        members = len(self.plan.tree.members(self.unit_code, level))
        target = _target_text(ind, self.plan, self.unit_code, members)
        if level != self.submits:
            self._summary(ind, target)
        elif ind.kind is Kind.SHARE:
            self.line(ind.name, "%", target, bold=True)
            for part, measure_id in (("a) Tử số", ind.numerator), ("b) Mẫu số", ind.denominator)):
                measure = catalogue.measures[measure_id]
                again = " (như dòng trên)" if measure_id in self.asked else ""
                row = self.line(f"{part}: {measure.name}{again}", measure.unit, numbered=False)
                self.ask(row, measure)
        else:
            measure = catalogue.measures[ind.measure]
            self.ask(self.line(ind.name, measure.unit, target), measure)

    def _summary(self, ind: Indicator, target: object) -> None:
        """An indicator kept by the level below: Excel sums or counts their column, for a look."""
        measure = self.plan.catalogue.measures[ind.measure]
        where = self.ranges.get(measure.id)
        unit = measure.unit if ind.kind is Kind.TOTAL else level_word(self.plan, ind.level)
        row = self.line(f"{ind.name} (tự tổng hợp từ trang “{self.sheets.members}”)", unit, target)
        if where:
            formula = f"=SUM({where})" if ind.kind is Kind.TOTAL else f'=COUNTIF({where},">={ind.minimum}")'
            self.ws.cell(row, 6, formula)

    def others(self) -> None:
        """Figures of this level that no indicator uses are still asked for."""
        left = [
            m for m in self.plan.catalogue.measures.values()
            if m.level == self.submits and m.id not in self.asked
        ]  # fmt: skip
        if left:
            self.line("Số liệu khác", "", bold=True, numbered=False)
        for measure in left:
            self.ask(self.line(measure.name, measure.unit), measure)


def _write_submitter_sheet(
    ws: Worksheet, plan: Plan, unit_code: str, ranges: dict[str, str], sheets: SheetNames
) -> None:
    _hide_keys(ws)
    ws.cell(1, 6, KEY_VALUE)
    _title_rows(ws, _header_lines(plan, unit_code, "SỐ LIỆU THỰC HIỆN CÁC CHỈ TIÊU"), 6)
    for column, (text, width) in enumerate(
        [("STT", 6), ("Chỉ tiêu", 70), ("ĐVT", 12), ("Chỉ tiêu giao", 16), ("Thực hiện", 16)], start=2
    ):
        _style(ws.cell(5, column, text), bold=True, fill=HEADER_FILL, align=CENTER)
        ws.column_dimensions[get_column_letter(column)].width = width
    sheet = _SubmitterSheet(ws, plan, unit_code, ranges, sheets)
    for fld in plan.catalogue.fields:
        indicators = [i for i in plan.catalogue.indicators if i.field == fld.id]
        if indicators:
            sheet.line(fld.title.upper(), "", bold=True, numbered=False)
        for ind in indicators:
            sheet.indicator(ind)
    sheet.others()
    ws.freeze_panes = "C6"
    _print_setup(ws, "2:5")
    _protect(ws)


def _member_requirements(plan: Plan, measure_id: str) -> str:
    catalogue = plan.catalogue
    rules = [
        f"≥ {i.minimum}" for i in catalogue.indicators
        if i.kind is Kind.MINIMUM and i.measure == measure_id
        and catalogue.level_of(i) != plan.tree.levels.submits
    ]  # fmt: skip
    return "Yêu cầu: " + ", ".join(rules) if rules else ""


def _write_members_sheet(
    ws: Worksheet, plan: Plan, unit_code: str, level: str, sheets: SheetNames
) -> dict[str, str]:
    """One row per unit of `level` under the submitting unit, one column per figure; returns each
    column's range."""
    measures = [m for m in plan.catalogue.measures.values() if m.level == level]
    units = plan.tree.members(unit_code, level)
    last = 4 + len(measures)
    _hide_keys(ws)
    ws.cell(1, 3, KEY_CODE)
    ws.cell(1, 4, KEY_NAME)
    words = plan.tree.levels.words(level)
    _title_rows(ws, _header_lines(plan, unit_code, f"SỐ LIỆU {words['many'].upper()}"), last)
    heads = [("STT", 6), ("Mã đơn vị", 10), (f"Tên {words['one']}", 28)]
    heads += [(m.name, 16) for m in measures]
    for column, (text, width) in enumerate(heads, start=2):
        _style(ws.cell(5, column, text), bold=True, fill=HEADER_FILL, align=CENTER)
        ws.column_dimensions[get_column_letter(column)].width = width
    _style(ws.cell(6, 4, "ĐVT"), bold=True, align=CENTER)
    first, end = 8, 7 + len(units)
    ranges = {}
    validations = Validations.create(ws)
    for column, measure in enumerate(measures, start=5):
        letter = get_column_letter(column)
        ws.cell(1, column, MEASURE_PREFIX + measure.id)
        _style(ws.cell(6, column, measure.unit), align=CENTER)
        _style(ws.cell(7, column, _member_requirements(plan, measure.id)), align=CENTER)
        ranges[measure.id] = f"{quote_sheetname(sheets.members)}!${letter}${first}:${letter}${end}"
        if units:
            validations.add(measure, False, f"{letter}{first}:{letter}{end}")
    for row, unit in enumerate(units, start=first):
        ws.cell(row, 1, KEY_UNIT_ROW)
        for column, value in enumerate((row - first + 1, unit.code, plan.tree.title(unit.code)), start=2):
            _style(ws.cell(row, column, value), align=CENTER if column < 4 else WRAP)
        for column, measure in enumerate(measures, start=5):
            cell = ws.cell(row, column)
            _style(cell, fill=INPUT_FILL, align=CENTER)
            cell.protection = UNLOCKED
            cell.number_format = COUNT_FORMAT if measure.type == "count" else AMOUNT_FORMAT
    total = end + 1
    _style(ws.cell(total, 4, "Cộng"), bold=True, align=CENTER)
    for column in range(5, last + 1):
        letter = get_column_letter(column)
        _style(ws.cell(total, column, f"=SUM({letter}{first}:{letter}{end})"), bold=True, fill=COMPUTED_FILL)
    ws.freeze_panes = ws.cell(first, 5)
    _print_setup(ws, "2:7")
    _protect(ws)
    return ranges


# ------------------------------------------------------------------------------------ print layout
# Excel and LibreOffice alike: rows as tall as their wrapped text, each sheet on A4 fitted to the
# page width, portrait where the columns fit it, its title rows repeated on every page.
PAGE_MARGIN_IN = 0.5  # left and right; the usable width of A4 is the paper's less these
A4_WIDTH_PT, A4_HEIGHT_PT = 595, 842
COLUMN_UNIT_PX = 7  # a column width of 1 is one digit of the default font: 7 px at 96 dpi
DEFAULT_WIDTH = 8.43  # a column whose width is not set
CELL_PADDING_PX = 8  # what a cell keeps of its width for its margins and border
PX_PER_PT = 96 / 72
LINE_SPACING = 1.25  # a line of wrapped text, as a multiple of the font size
ROW_PADDING_PT = 4
# Average advance of Times New Roman's glyphs, in ems: capitals are wide, spaces narrow. A text's
# width is estimated from its letters, so "CÔNG TÁC …" wraps sooner than "công tác …".
EM_CAPITAL, EM_SMALL, EM_SPACE, EM_OTHER = 0.72, 0.47, 0.25, 0.5
BOLD_WIDER = 1.08


def text_width_px(text: str, size: float, bold: bool = False) -> float:
    """How wide `text` prints in Times New Roman of `size` points, estimated glyph by glyph."""
    ems = sum(
        EM_SPACE if ch == " " else EM_CAPITAL if ch.isupper() else EM_SMALL if ch.islower() else EM_OTHER
        for ch in text
    )
    return ems * size * PX_PER_PT * (BOLD_WIDER if bold else 1)


def wrapped_lines(text: str, width_px: float, size: float, bold: bool = False) -> int:
    """How many lines `text` takes wrapped, word by word, in a cell `width_px` wide."""
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            width = text_width_px(word, size, bold)
            gap = text_width_px(" ", size, bold) if used else 0.0
            if used and used + gap + width > width_px:
                lines += 1 + int(width // width_px)  # a word longer than the line breaks across lines
                used = width % width_px
            else:
                used += gap + width
    return lines


def row_height_pt(lines: int, size: float) -> float:
    return round(lines * size * LINE_SPACING + ROW_PADDING_PT, 1)


def column_px(ws: Worksheet, first: int, last: int) -> float:
    """The printed width, in pixels, of columns first..last (a merged cell's), less the padding."""
    units = sum(
        ws.column_dimensions[get_column_letter(c)].width or DEFAULT_WIDTH for c in range(first, last + 1)
    )
    return units * COLUMN_UNIT_PX - CELL_PADDING_PX


def fit_row_heights(ws: Worksheet) -> None:
    """Make each row with wrapped text tall enough for its longest cell (merged cells: their span)."""
    spans = {(m.min_row, m.min_col): m.max_col for m in ws.merged_cells.ranges}
    for row in ws.iter_rows():
        if ws.row_dimensions[row[0].row].hidden:
            continue
        needed = 0.0
        for cell in row:
            hidden = ws.column_dimensions[get_column_letter(cell.column)].hidden
            if cell.value is None or hidden or str(cell.value).startswith("="):
                continue
            size, bold = float(cell.font.sz or 11), bool(cell.font.b)
            width = column_px(ws, cell.column, spans.get((cell.row, cell.column), cell.column))
            text = str(cell.value)
            lines = wrapped_lines(text, width, size, bold) if cell.alignment.wrap_text else 1
            needed = max(needed, row_height_pt(lines, size))
        if needed:
            ws.row_dimensions[row[0].row].height = needed


def printed_width_pt(ws: Worksheet) -> float:
    """The width of the sheet's printed (not hidden) columns, in points."""
    shown = [ws.column_dimensions[get_column_letter(c)] for c in range(1, ws.max_column + 1)]
    units = sum(d.width or DEFAULT_WIDTH for d in shown if not d.hidden)
    return units * COLUMN_UNIT_PX / PX_PER_PT


def _print_setup(ws: Worksheet, title_rows: str | None = None) -> None:
    """A4, fitted to the page width (as many pages down as it takes), portrait if the columns fit
    the portrait page, the title rows printed again at the top of every page."""
    fit_row_heights(ws)
    usable_portrait = A4_WIDTH_PT - 2 * 72 * PAGE_MARGIN_IN
    portrait = printed_width_pt(ws) <= usable_portrait
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = PAGE_MARGIN_IN
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


def _write_identity(ws: Worksheet, plan: Plan, unit_code: str) -> None:
    """What the intake reads back first: which template, period and unit this workbook is."""
    rows = [
        ("template_version", TEMPLATE_VERSION),
        ("period", plan.period.id),
        ("unit_code", unit_code),
        ("generator", f"reportkit {__version__}"),
    ]
    for row, (key, value) in enumerate(rows, start=1):
        ws.cell(row, 1, key)
        ws.cell(row, 2, value)
    ws.sheet_state = "veryHidden"
    _protect(ws)
