"""Read a submitted file (a workbook made from the kit's template, saved as .xlsx, .ods or .xls, or a
CSV file) cell by cell into a RawSubmission, for validate.py to check. Nothing here judges a value.

.xlsx is read with openpyxl (formulas and number formats); .ods and .xls with python-calamine,
after a scan that bounds their sheets (spreadsheets.py), through the same sheet reader."""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..vntext import clean_text, decode_bytes
from . import spreadsheets
from .validate import (
    EXCEL_ERRORS,
    SAMPLE_SOURCE,
    Cell,
    Entry,
    Location,
    NameEntry,
    Problem,
    RawSubmission,
    problem,
)

CSV_REQUIRED = ("period", "unit_code", "measure", "value")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # Compound File Binary: .xls, .doc, encrypted OOXML

# The template layout that templates.py writes and read_workbook reads back. Bump
# TEMPLATE_VERSION whenever it changes: workbooks of another version are refused, not misread.
TEMPLATE_VERSION = "1"
IDENTITY_SHEET = "_reportkit"
# Row 1 and column A of each data sheet hold hidden keys: row 1 says what a column holds
# ("value", "code", "name" or "m:<measure>"), column A what a row holds ("m:<measure>" or
# "unit"). Cells are read by these keys, not by position.
KEY_MARK = "reportkit:keys"
KEY_VALUE, KEY_CODE, KEY_NAME, KEY_UNIT_ROW, MEASURE_PREFIX = "value", "code", "name", "unit", "m:"
# How far into a submitted workbook the reader looks. A template has a row per unit of a district
# (a few dozen) and a column per figure: these bounds are far beyond it, and keep one stray value
# at XFD1048576 from costing gigabytes. The unpacked size bounds the XML parsed (a zip bomb).
MAX_SHEET_ROWS = 2_000
MAX_SHEET_COLUMNS = 200
MAX_IDENTITY_ROWS = 50
MAX_UNPACKED_BYTES = 20_000_000
# The sheets' XML, which openpyxl parses element by element (a sheet without a declared dimension
# in full, when the workbook is opened): a template's sheets are some 35 kB.
SHEETS_FOLDER = "xl/worksheets/"
MAX_SHEETS_BYTES = 500_000
# The same for the other formats, whose cells are scanned in Python before calamine reads them: a
# template is some 100 kB of .ods content.xml, 25 kB of .xls Workbook stream.
ODS_CONTENT = "content.xml"
MAX_ODS_CONTENT_BYTES = 2_000_000
MAX_XLS_STREAM_BYTES = 1_000_000


def read_submission(data: bytes, file_name: str) -> RawSubmission:
    """Read a received file, whatever it turns out to be; problems say what could not be read."""
    where = Location(file_name)
    if not data:
        return _unreadable(file_name, problem("file_empty", where))
    if data.startswith(b"PK\x03\x04"):
        return read_workbook(data, file_name)
    if data.startswith(OLE2_MAGIC):
        return read_ole2(data, file_name)
    if data.startswith(b"%PDF"):
        return _unreadable(file_name, problem("file_unknown", where, detail=" (đây là tệp PDF)"))
    if Path(file_name).suffix.lower() in CSV_SUFFIXES:
        return read_csv_submission(data, file_name)
    return _unreadable(file_name, problem("file_unknown", where, detail=""))


def _unreadable(file_name: str, found: Problem) -> RawSubmission:
    return RawSubmission(file_name, "unknown", problems=(found,))


def read_ole2(data: bytes, file_name: str) -> RawSubmission:
    """An OLE2 file: an Excel 97-2003 workbook (.xls), a password-protected workbook (encrypted
    OOXML), an Excel 5/95 workbook, or else."""
    import olefile

    where = Location(file_name)
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("EncryptedPackage"):
                return _unreadable(file_name, problem("file_encrypted", where))
            if ole.exists("Workbook"):
                size = ole.get_size("Workbook")
                if size > MAX_XLS_STREAM_BYTES:
                    return _unreadable(file_name, _too_big(where, size, MAX_XLS_STREAM_BYTES))
                stream = ole.openstream("Workbook").read()
                saved_at = _last_saved(ole)
            elif ole.exists("Book"):
                return _unreadable(file_name, problem("file_xls", where))  # Excel 5/95: not read
            elif ole.exists("WordDocument"):
                return _unreadable(
                    file_name, problem("file_unknown", where, detail=" (đây là tệp Word 97-2003)")
                )
            else:
                return _unreadable(file_name, problem("file_unknown", where, detail=""))
    except OSError:
        return _unreadable(file_name, problem("file_corrupt", where, detail="tệp dạng OLE2 bị hỏng"))
    try:
        scan = spreadsheets.scan_xls(stream, MAX_SHEET_ROWS, MAX_SHEET_COLUMNS)
    except Exception:  # a damaged record: struct errors of every kind
        return _unreadable(
            file_name, problem("file_corrupt", where, detail="nội dung bảng tính .xls bị hỏng")
        )
    scan.made_at = saved_at
    return _read_scanned(data, scan, file_name, "xls")


def _last_saved(ole) -> object:
    """When an .xls says it was last saved (its summary information), if it says so readably."""
    try:
        return ole.get_metadata().last_saved_time
    except Exception:  # a damaged property set only loses the date: intake dates it on receipt
        return None


def read_ods(data: bytes, archive: zipfile.ZipFile, file_name: str) -> RawSubmission:
    """An OpenDocument spreadsheet (LibreOffice's .ods), its sheets bounded by a scan first."""
    where = Location(file_name)
    size = next((i.file_size for i in archive.infolist() if i.filename == ODS_CONTENT), 0)
    if size > MAX_ODS_CONTENT_BYTES:
        return _unreadable(file_name, _too_big(where, size, MAX_ODS_CONTENT_BYTES))
    try:
        scan = spreadsheets.scan_ods(archive, MAX_SHEET_ROWS, MAX_SHEET_COLUMNS)
    except Exception:  # broken XML, a missing content.xml, a repeat count that is not a number
        return _unreadable(
            file_name, problem("file_corrupt", where, detail="nội dung bảng tính .ods bị hỏng")
        )
    return _read_scanned(data, scan, file_name, "ods")


def _read_scanned(data: bytes, scan: spreadsheets.WorkbookScan, file_name: str, kind: str) -> RawSubmission:
    where = Location(file_name)
    far = scan.beyond()
    if far is not None:
        row, column = far.far
        where = Location(file_name, far.name, f"{_column_letter(column - 1)}{row}")
        found = problem("sheet_too_far", where, rows=MAX_SHEET_ROWS, columns=MAX_SHEET_COLUMNS)
        return _unreadable(file_name, found)
    try:
        grid = spreadsheets.load_grid(data, scan, MAX_SHEET_ROWS, MAX_SHEET_COLUMNS)
        return _read_open_workbook(grid, spreadsheets.ScannedFormulas(scan), file_name, kind, grid.made_at)
    except Exception:  # calamine fails in many ways on a damaged file; each means "corrupt"
        return _unreadable(file_name, problem("file_corrupt", where, detail="nội dung bảng tính bị hỏng"))


def read_workbook(data: bytes, file_name: str) -> RawSubmission:
    """A filled template: its identity sheet, and every keyed cell of its data sheets.

    Read in openpyxl's streaming mode and only within the template's layout (MAX_SHEET_ROWS by
    MAX_SHEET_COLUMNS), so a stray value at XFD1048576 costs nothing: the declared dimension of a
    sheet is never iterated. (python-calamine is faster, but gives neither formulas nor number
    formats, which the checks need, and lays a sheet out densely up to its last cell.)"""
    where = Location(file_name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except zipfile.BadZipFile:
        return _unreadable(file_name, problem("file_corrupt", where, detail="phần nén của tệp .xlsx bị hỏng"))
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        return _unreadable(file_name, _too_big(where, unpacked, MAX_UNPACKED_BYTES))
    if "xl/workbook.xml" not in names and spreadsheets.is_ods(archive):
        return read_ods(data, archive, file_name)
    if "xl/workbook.xml" not in names:
        return _unreadable(file_name, problem("file_unknown", where, detail=_zip_kind(names)))
    sheets_size = sum(i.file_size for i in archive.infolist() if i.filename.startswith(SHEETS_FOLDER))
    if sheets_size > MAX_SHEETS_BYTES:
        return _unreadable(file_name, _too_big(where, sheets_size, MAX_SHEETS_BYTES))
    try:
        values = _open_workbook(data, True)
        return _read_open_workbook(values, Formulas(data), file_name, "xlsx", values.properties.modified)
    except Exception:  # openpyxl fails in many ways on a damaged file; each means "corrupt"
        return _unreadable(file_name, problem("file_corrupt", where, detail="nội dung bảng tính bị hỏng"))


def _zip_kind(names: list[str]) -> str:
    """What a zip file that is no workbook seems to be, for the refusal."""
    if "word/document.xml" in names:
        return " (đây là tệp Word)"
    if any(name.startswith("Index/") and name.endswith(".iwa") for name in names):
        return " (đây là tệp Numbers của Apple)"
    if "content.xml" in names:
        return " (đây là tệp OpenDocument nhưng không phải bảng tính)"
    return " (tệp nén .zip)"


def _too_big(where: Location, size: int, limit: int) -> Problem:
    return problem("file_too_big", where, size=f"{size / 1e6:.1f}", limit=f"{limit / 1e6:.1f}")


def _read_open_workbook(values, formulas, file_name: str, kind: str, made_at) -> RawSubmission:
    """The identity and keyed cells of an open workbook: openpyxl's, or spreadsheets.GridWorkbook."""
    identity = _read_identity(values)
    entries, unit_names = [], []
    for ws in values.worksheets:
        if _is_data_sheet(ws):  # a data sheet, even if someone hid it
            sheet_entries, sheet_names = _read_data_sheet(ws, formulas, file_name, identity)
            entries += sheet_entries
            unit_names += sheet_names
    return RawSubmission(
        file_name=file_name,
        kind=kind,
        periods=(identity["period"],) if identity.get("period") else (),
        unit_code=identity.get("unit_code") or None,
        template_version=identity.get("template_version"),
        made_at=made_at,
        entries=tuple(entries),
        names=tuple(unit_names),
    )


class Formulas:
    """The formulas of a workbook, read only when a cell's saved value needs explaining (a blank or
    an Excel error): most files never pay for a second pass over their sheets."""

    def __init__(self, data: bytes):
        self.data = data
        self._workbook = None
        self._sheets: dict[str, dict[tuple[int, int], str]] = {}

    def of(self, sheet: str, row: int, column: int) -> str | None:
        if sheet not in self._sheets:
            if self._workbook is None:
                self._workbook = _open_workbook(self.data, False)
            self._sheets[sheet] = _read_formulas(self._workbook[sheet])
        return self._sheets[sheet].get((row, column))


def _read_formulas(ws) -> dict[tuple[int, int], str]:
    found = {}
    for number, row in enumerate(ws.iter_rows(max_row=MAX_SHEET_ROWS, max_col=MAX_SHEET_COLUMNS), start=1):
        for column, cell in enumerate(row, start=1):
            if getattr(cell, "data_type", None) == "f":
                found[(number, column)] = getattr(cell.value, "text", None) or str(cell.value)
    return found


def _open_workbook(data: bytes, data_only: bool):
    import openpyxl  # here, not at the top: the report notebooks load this module and need no Excel

    with warnings.catch_warnings():
        # Workbooks saved by Excel carry extensions openpyxl does not read; it says so, harmlessly.
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)


def _is_data_sheet(ws) -> bool:
    if not hasattr(ws, "iter_rows"):  # a chart sheet
        return False
    first = next(ws.iter_rows(min_row=1, max_row=1, max_col=1, values_only=True), (None,))
    return first[0] == KEY_MARK


def _read_identity(wb) -> dict[str, str]:
    if IDENTITY_SHEET not in wb.sheetnames:
        return {}
    rows = wb[IDENTITY_SHEET].iter_rows(max_row=MAX_IDENTITY_ROWS, max_col=2, values_only=True)
    return {str(k): _code_text(v) for k, v in rows if k is not None and v is not None}


def _code_text(value: object) -> str:
    """A code as text whether typed as text, as a number, or as a float Excel made of it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value))


def _bounded_rows(ws, min_row: int, max_col: int):
    """Rows of a sheet within the template's layout, each padded to max_col cells."""
    for row in ws.iter_rows(min_row=min_row, max_row=MAX_SHEET_ROWS, max_col=max_col):
        yield tuple(row) + (EMPTY,) * (max_col - len(row))


def _read_data_sheet(ws, formulas: Formulas, file_name: str, identity: dict[str, str]):
    """Cells whose row key (column A) and column key (row 1) say which unit and measure they hold."""
    key_row = next(ws.iter_rows(min_row=1, max_row=1, max_col=MAX_SHEET_COLUMNS, values_only=True), ())
    columns = {i: str(v) for i, v in enumerate(key_row[1:], start=2) if v}
    code_column = next((col for col, key in columns.items() if key == KEY_CODE), None)
    name_column = next((col for col, key in columns.items() if key == KEY_NAME), None)
    value_columns = {col: key for col, key in columns.items() if key == KEY_VALUE}
    value_columns |= {col: key for col, key in columns.items() if key.startswith(MEASURE_PREFIX)}
    last = max(columns, default=1)
    sheet = SheetCells(file_name, ws.title, formulas)
    entries, unit_names = [], []
    for number, row in enumerate(_bounded_rows(ws, 2, last), start=2):
        row_key = row[0].value
        if not row_key:
            continue
        row_key = str(row_key)
        unit, unit_cell = identity.get("unit_code", ""), None
        if code_column is not None:
            code = row[code_column - 1]
            unit, unit_cell = _code_text(code.value or ""), sheet.location(number, code_column)
        if name_column is not None:
            name = sheet.cell(number, name_column, row)
            unit_names.append(NameEntry(unit, name))
        for column, key in value_columns.items():
            measure_key = key if key.startswith(MEASURE_PREFIX) else row_key
            if not measure_key.startswith(MEASURE_PREFIX):
                continue
            cell = sheet.cell(number, column, row)
            entries.append(Entry(unit, measure_key.removeprefix(MEASURE_PREFIX), cell, unit_cell))
    return entries, unit_names


def _needs_formula(value: object) -> bool:
    """A saved value that means something else if the cell holds a formula."""
    return value is None or (isinstance(value, str) and (not value.strip() or value.strip() in EXCEL_ERRORS))


class _Empty:
    """A cell the sheet does not have: what openpyxl's streaming mode leaves out."""

    value = None
    number_format = "General"
    data_type = "n"


EMPTY = _Empty()


@dataclass(frozen=True)
class SheetCells:
    """Cells of one sheet as the checks see them; coordinates come from the row and column read."""

    file_name: str
    title: str
    formulas: Formulas

    def location(self, row: int, column: int) -> Location:
        return Location(self.file_name, self.title, f"{_column_letter(column - 1)}{row}")

    def cell(self, row: int, column: int, values: tuple) -> Cell:
        cell = values[column - 1]
        value = clean_text(cell.value) if isinstance(cell.value, str) else cell.value
        text = self.formulas.of(self.title, row, column) if _needs_formula(value) else None
        number_format = getattr(cell, "number_format", None) or "General"
        return Cell(self.location(row, column), value, number_format, text)


def read_csv_submission(data: bytes, file_name: str) -> RawSubmission:
    """An analyst's CSV: a header row, then one row per unit and measure."""
    where = Location(file_name)
    text, encoding = decode_bytes(data)
    problems = [problem("file_encoding", where, encoding=encoding)] if encoding == "Windows-1258" else []
    if "\x00" in text:
        return _unreadable(
            file_name, problem("csv_unreadable", where, detail="có ký tự NUL, không phải văn bản")
        )
    try:
        rows = list(csv.reader(io.StringIO(text), _sniff_dialect(text)))
    except csv.Error:
        return _unreadable(
            file_name, problem("csv_unreadable", where, detail="dòng không đúng định dạng CSV")
        )
    header = [h.strip().lstrip("\ufeff").lower() for h in (rows[0] if rows else [])]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        return RawSubmission(
            file_name, "csv", problems=(*problems, problem("csv_columns", where, missing=", ".join(missing)))
        )
    return _csv_rows(file_name, header, rows[1:], tuple(problems))


def _sniff_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    # A Vietnamese Excel lists with ";" (its decimal mark is ","); tabs come from "Unicode text".
    try:
        return csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _csv_rows(file_name: str, header: list[str], rows: list[list[str]], problems: tuple[Problem, ...]):
    column = {name: i for i, name in enumerate(header)}
    letter = {name: _column_letter(i) for name, i in column.items()}
    entries, unit_names, periods, sources = [], [], set(), set()
    for line, row in enumerate(rows, start=2):
        if not any(v.strip() for v in row):
            continue
        field = {name: clean_text(row[i]) if i < len(row) else "" for name, i in column.items()}
        periods.add(field["period"])
        sources.add(field.get("source", ""))
        value_cell = Cell(Location(file_name, "", f"{letter['value']}{line}"), field["value"], from_csv=True)
        entries.append(Entry(field["unit_code"], field["measure"], value_cell))
        if field.get("unit_name"):
            name_cell = Cell(Location(file_name, "", f"{letter['unit_name']}{line}"), field["unit_name"])
            unit_names.append(NameEntry(field["unit_code"], name_cell))
    return RawSubmission(
        file_name=file_name,
        kind="csv",
        periods=tuple(sorted(p for p in periods if p)),
        is_sample=sources == {SAMPLE_SOURCE},
        entries=tuple(entries),
        names=tuple(unit_names),
        problems=problems,
    )


def _column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": where a spreadsheet shows a CSV column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
