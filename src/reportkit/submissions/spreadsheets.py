"""OpenDocument (.ods, LibreOffice) and Excel 97-2003 (.xls) submissions, read with python-calamine.

calamine lays each sheet out densely up to its last cell, so a single value at row 1,000,000 (or a
sheet of a million rows) would cost gigabytes. Before calamine sees a file, a streaming scan of its
cells (the XML of an .ods, the BIFF records of an .xls) finds how far each sheet's values reach,
without building anything: a sheet reaching beyond the template's layout (read.MAX_SHEET_ROWS by
read.MAX_SHEET_COLUMNS) is refused. The scan also keeps what calamine does not give, within the
layout only: each cell's number format as far as the checks need it (a percentage), and for .ods
its formula.

The sheets are then handed to read.py's own sheet reader through `GridSheet`, which behaves as an
openpyxl sheet there: the same keys, checks and cell references (B7, sheet name) as an .xlsx."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import xml.parsers.expat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
PERCENT_FORMAT = "0%"  # what a percentage cell's format says to the checks (they look for "%")


@dataclass
class SheetScan:
    """How far a sheet's values reach (1-based; 0 for none), and its cells' formats and formulas."""

    name: str
    last_row: int = 0
    last_column: int = 0
    far: tuple[int, int] | None = None  # the first value found beyond the layout: (row, column)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class WorkbookScan:
    sheets: list[SheetScan]
    made_at: dt.datetime | None = None

    def beyond(self) -> SheetScan | None:
        """The first sheet with a value beyond the layout, if any."""
        return next((s for s in self.sheets if s.far), None)

    def sheet(self, name: str) -> SheetScan:
        return next((s for s in self.sheets if s.name == name), SheetScan(name))


# ------------------------------------------------------------------------------------------- .ods


def is_ods(archive: zipfile.ZipFile) -> bool:
    try:
        return archive.read("mimetype").strip() == ODS_MIMETYPE
    except KeyError:
        return "content.xml" in archive.namelist() and "META-INF/manifest.xml" in archive.namelist()


class _OdsScanner:
    """Walks content.xml with expat, counting repeated rows and cells rather than expanding them."""

    def __init__(self, max_rows: int, max_columns: int):
        self.max_rows, self.max_columns = max_rows, max_columns
        self.sheets: list[SheetScan] = []
        self.row = self.column = 0  # the current row (1-based) and the last column used
        self.rows_repeated = 1
        self.row_has_value = False
        self.cell: tuple[int, int, bool] | None = None  # first column, repeat count, has a value

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == f"{TABLE_NS} table":
            self.sheets.append(SheetScan(attrs.get(f"{TABLE_NS} name", "")))
            self.row = 0
        elif name == f"{TABLE_NS} table-row" and self.sheets:
            self.rows_repeated = int(attrs.get(f"{TABLE_NS} number-rows-repeated", "1"))
            self.row += 1
            self.column, self.row_has_value = 0, False
        elif name in (f"{TABLE_NS} table-cell", f"{TABLE_NS} covered-table-cell") and self.sheets:
            repeat = int(attrs.get(f"{TABLE_NS} number-columns-repeated", "1"))
            first = self.column + 1
            self.column += repeat
            kind = attrs.get(f"{OFFICE_NS} value-type")
            formula = attrs.get(f"{TABLE_NS} formula")
            self.cell = (first, repeat, bool(kind or formula))
            if first <= self.max_columns and self.row <= self.max_rows:
                if kind == "percentage":
                    self.sheets[-1].formats[(self.row, first)] = PERCENT_FORMAT
                if formula:
                    self.sheets[-1].formulas[(self.row, first)] = formula.removeprefix("of:")
        elif self.cell is not None and not self.cell[2]:
            first, repeat, _ = self.cell
            self.cell = (first, repeat, True)  # text without a value type: content all the same

    def end(self, name: str) -> None:
        if name in (f"{TABLE_NS} table-cell", f"{TABLE_NS} covered-table-cell") and self.cell:
            first, repeat, has_value = self.cell
            if has_value:
                sheet = self.sheets[-1]
                sheet.last_column = max(sheet.last_column, first + repeat - 1)
                self.row_has_value = True
                if first + repeat - 1 > self.max_columns and not sheet.far:
                    sheet.far = (self.row, max(first, self.max_columns + 1))
                elif self.row > self.max_rows and not sheet.far:
                    sheet.far = (self.row, first)
            self.cell = None
        elif name == f"{TABLE_NS} table-row" and self.sheets:
            last = self.row + self.rows_repeated - 1
            sheet = self.sheets[-1]
            if self.row_has_value:
                sheet.last_row = max(sheet.last_row, last)
            if self.row_has_value and last > self.max_rows and not sheet.far:
                sheet.far = (max(self.row, self.max_rows + 1), 1)  # a repeated row: its first column
            self.row = last


def scan_ods(archive: zipfile.ZipFile, max_rows: int, max_columns: int) -> WorkbookScan:
    """Each sheet's extent, percentages and formulas, from content.xml read as a stream."""
    scanner = _OdsScanner(max_rows, max_columns)
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = scanner.start, scanner.end
    with archive.open("content.xml") as content:
        parser.ParseFile(content)
    return WorkbookScan(scanner.sheets, _ods_saved_at(archive))


def _ods_saved_at(archive: zipfile.ZipFile) -> dt.datetime | None:
    try:
        meta = archive.read("meta.xml").decode("utf-8", "replace")
    except KeyError:
        return None
    found = re.search(r"<dc:date>([^<]+)</dc:date>", meta)
    try:
        return dt.datetime.fromisoformat(found.group(1)[:19]) if found else None
    except ValueError:
        return None


# ------------------------------------------------------------------------------------------- .xls

BOF, EOF, FORMAT, XF, BOUNDSHEET = 0x0809, 0x000A, 0x041E, 0x00E0, 0x0085
# Records holding a value at (row, column) in their first four bytes, their format (XF) next.
VALUE_RECORDS = {0x0203, 0x00FD, 0x027E, 0x0006, 0x0205, 0x0204, 0x00D6}  # NUMBER, LABELSST, RK, ...
MULRK = 0x00BD  # several RK values in one row: (row, first column, [XF, RK]..., last column)
BUILTIN_PERCENT_FORMATS = {9: "0%", 10: "0.00%"}
WORKSHEET_BOF = 0x0010


def scan_xls(stream: bytes, max_rows: int, max_columns: int) -> WorkbookScan:
    """Each sheet's extent and percentage cells, from the BIFF8 records of the Workbook stream."""
    formats: dict[int, str] = dict(BUILTIN_PERCENT_FORMATS)
    xf_formats: list[int] = []
    names: dict[int, str] = {}  # a sheet's name by where its records start in the stream
    sheets: list[SheetScan] = []
    current: SheetScan | None = None
    for position, kind, body in _records(stream):
        if kind == BOUNDSHEET and len(body) >= 8:
            names[struct.unpack_from("<I", body)[0]] = _xls_string(body[6:], count_bytes=1)
        elif kind == BOF:
            is_sheet = len(body) >= 4 and struct.unpack_from("<H", body, 2)[0] == WORKSHEET_BOF
            current = SheetScan(names.get(position, "")) if is_sheet else None
            if current:
                sheets.append(current)
        elif kind == EOF:
            current = None
        elif kind == FORMAT and len(body) >= 5:
            formats[struct.unpack_from("<H", body)[0]] = _xls_string(body[2:])
        elif kind == XF and len(body) >= 4:
            xf_formats.append(struct.unpack_from("<H", body, 2)[0])
        elif current is not None and kind in VALUE_RECORDS and len(body) >= 6:
            row, column, xf = struct.unpack_from("<HHH", body)
            _note_cell(
                current, row + 1, column + 1, _format_of(xf, xf_formats, formats), max_rows, max_columns
            )
        elif current is not None and kind == MULRK and len(body) >= 12:
            row, first = struct.unpack_from("<HH", body)
            for i in range((len(body) - 6) // 6):
                xf = struct.unpack_from("<H", body, 4 + 6 * i)[0]
                number_format = _format_of(xf, xf_formats, formats)
                _note_cell(current, row + 1, first + i + 1, number_format, max_rows, max_columns)
    return WorkbookScan(sheets)


def _records(stream: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(where it starts, type, body) of each BIFF record: no record is more than 8 kB."""
    position = 0
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        yield position, kind, stream[position + 4 : position + 4 + length]
        position += 4 + length


def _xls_string(body: bytes, count_bytes: int = 2) -> str:
    """An (Short)XLUnicodeString: a character count, a flag (bit 0: two bytes a character), the text."""
    count = body[0] if count_bytes == 1 else struct.unpack_from("<H", body)[0]
    flags, start = body[count_bytes], count_bytes + 1
    if flags & 1:
        return body[start : start + 2 * count].decode("utf-16-le", "replace")
    return body[start : start + count].decode("latin-1")


def _format_of(xf: int, xf_formats: list[int], formats: dict[int, str]) -> str:
    return formats.get(xf_formats[xf], "General") if xf < len(xf_formats) else "General"


def _note_cell(sheet: SheetScan, row: int, column: int, number_format: str, max_rows: int, max_columns: int):
    sheet.last_row, sheet.last_column = max(sheet.last_row, row), max(sheet.last_column, column)
    if (row > max_rows or column > max_columns) and not sheet.far:
        sheet.far = (row, column)
    if "%" in number_format and row <= max_rows and column <= max_columns:
        sheet.formats[(row, column)] = number_format


# ----------------------------------------------------------------------------- the sheets themselves


@dataclass(frozen=True)
class GridCell:
    value: object = None
    number_format: str = "General"


class GridSheet:
    """A sheet read by calamine, offering what read.py asks of an openpyxl sheet."""

    def __init__(self, title: str, rows: list[list[object]], scan: SheetScan):
        self.title, self._rows, self._scan = title, rows, scan

    def iter_rows(
        self, min_row: int = 1, max_row: int | None = None, max_col: int | None = None, values_only=False
    ):
        last = len(self._rows) if max_row is None else min(max_row, len(self._rows))
        for number in range(min_row, last + 1):
            values = self._rows[number - 1][:max_col]
            cells = tuple(
                GridCell(None if v == "" else v, self._scan.formats.get((number, column), "General"))
                for column, v in enumerate(values, start=1)
            )
            yield tuple(c.value for c in cells) if values_only else cells


class GridWorkbook:
    """A workbook read by calamine, as read.py's sheet reader sees an openpyxl one."""

    def __init__(self, sheets: list[GridSheet], made_at: dt.datetime | None):
        self.worksheets = sheets
        self.sheetnames = [s.title for s in sheets]
        self.made_at = made_at

    def __getitem__(self, name: str) -> GridSheet:
        return next(s for s in self.worksheets if s.title == name)


class ScannedFormulas:
    """The formulas an .ods scan kept (none for an .xls), as read.Formulas gives them."""

    def __init__(self, scan: WorkbookScan):
        self.scan = scan

    def of(self, sheet: str, row: int, column: int) -> str | None:
        return self.scan.sheet(sheet).formulas.get((row, column))


def load_grid(data: bytes, scan: WorkbookScan, max_rows: int, max_columns: int) -> GridWorkbook:
    """The workbook's sheets through calamine, each cut to the layout (the scan has bounded them)."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=max_rows)
        sheets.append(GridSheet(name, [list(r[:max_columns]) for r in rows], scan.sheet(name)))
    return GridWorkbook(sheets, scan.made_at)
