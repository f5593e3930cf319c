"""Read a submitted file (an Excel workbook made from the kit's template, or a CSV file) cell by
cell into a RawSubmission, for validate.py to check. Nothing here judges a value."""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from pathlib import Path

from ..vntext import clean_text, decode_bytes
from .validate import SAMPLE_SOURCE, Cell, Entry, Location, NameEntry, Problem, RawSubmission, problem

CSV_REQUIRED = ("period", "unit_code", "measure", "value")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # Compound File Binary: .xls, .doc, encrypted OOXML

# The template layout that templates_xlsx.py writes and read_workbook reads back. Bump
# TEMPLATE_VERSION whenever it changes: workbooks of another version are refused, not misread.
TEMPLATE_VERSION = "1"
IDENTITY_SHEET = "_reportkit"
# Row 1 and column A of each data sheet hold hidden keys: row 1 says what a column holds
# ("value", "code", "name" or "m:<measure>"), column A what a row holds ("m:<measure>" or
# "unit"). Cells are read by these keys, not by position.
KEY_MARK = "reportkit:keys"
KEY_VALUE, KEY_CODE, KEY_NAME, KEY_UNIT_ROW, MEASURE_PREFIX = "value", "code", "name", "unit", "m:"


def read_submission(data: bytes, file_name: str) -> RawSubmission:
    """Read a received file, whatever it turns out to be; problems say what could not be read."""
    where = Location(file_name)
    if not data:
        return _unreadable(file_name, problem("file_empty", where))
    if data.startswith(b"PK\x03\x04"):
        return read_workbook(data, file_name)
    if data.startswith(OLE2_MAGIC):
        return _unreadable(file_name, _ole2_problem(data, where))
    if data.startswith(b"%PDF"):
        return _unreadable(file_name, problem("file_unknown", where, detail=" (đây là tệp PDF)"))
    if Path(file_name).suffix.lower() in CSV_SUFFIXES:
        return read_csv_submission(data, file_name)
    return _unreadable(file_name, problem("file_unknown", where, detail=""))


def _unreadable(file_name: str, found: Problem) -> RawSubmission:
    return RawSubmission(file_name, "unknown", problems=(found,))


def _ole2_problem(data: bytes, where: Location) -> Problem:
    """An OLE2 file: a password-protected workbook (encrypted OOXML), an old .xls, or else."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("EncryptedPackage"):
                return problem("file_encrypted", where)
            if ole.exists("Workbook") or ole.exists("Book"):
                return problem("file_xls", where)
            if ole.exists("WordDocument"):
                return problem("file_unknown", where, detail=" (đây là tệp Word 97-2003)")
    except OSError:
        return problem("file_corrupt", where, detail="tệp dạng OLE2 bị hỏng")
    return problem("file_unknown", where, detail="")


def read_workbook(data: bytes, file_name: str) -> RawSubmission:
    """A filled template: its identity sheet, and every keyed cell of its data sheets."""
    where = Location(file_name)
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return _unreadable(file_name, problem("file_corrupt", where, detail="phần nén của tệp .xlsx bị hỏng"))
    if "xl/workbook.xml" not in names:
        kind = " (đây là tệp Word)" if "word/document.xml" in names else " (tệp nén .zip)"
        return _unreadable(file_name, problem("file_unknown", where, detail=kind))
    try:
        values, formulas = _open_workbook(data, True), _open_workbook(data, False)
    except Exception:  # openpyxl fails in many ways on a damaged file; each means "corrupt"
        return _unreadable(file_name, problem("file_corrupt", where, detail="nội dung bảng tính bị hỏng"))
    identity = _read_identity(values)
    entries, unit_names = [], []
    for ws in values.worksheets:
        if ws["A1"].value == KEY_MARK:  # a data sheet, even if someone hid it
            sheet_entries, sheet_names = _read_data_sheet(ws, formulas[ws.title], file_name, identity)
            entries += sheet_entries
            unit_names += sheet_names
    return RawSubmission(
        file_name=file_name,
        kind="xlsx",
        periods=(identity["period"],) if identity.get("period") else (),
        unit_code=identity.get("unit_code") or None,
        template_version=identity.get("template_version"),
        made_at=values.properties.modified,
        entries=tuple(entries),
        names=tuple(unit_names),
    )


def _open_workbook(data: bytes, data_only: bool):
    import openpyxl  # here, not at the top: the report notebooks load this module and need no Excel

    with warnings.catch_warnings():
        # Workbooks saved by Excel carry extensions openpyxl does not read; it says so, harmlessly.
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)


def _read_identity(wb) -> dict[str, str]:
    if IDENTITY_SHEET not in wb.sheetnames:
        return {}
    rows = wb[IDENTITY_SHEET].iter_rows(max_col=2, values_only=True)
    return {str(k): _code_text(v) for k, v in rows if k is not None and v is not None}


def _code_text(value: object) -> str:
    """A code as text whether typed as text, as a number, or as a float Excel made of it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value))


def _read_data_sheet(ws, formulas_ws, file_name: str, identity: dict[str, str]):
    """Cells whose row key (column A) and column key (row 1) say which unit and measure they hold."""
    columns = {c.column: str(c.value) for c in ws[1][1:] if c.value}
    code_column = next((col for col, key in columns.items() if key == KEY_CODE), None)
    name_column = next((col for col, key in columns.items() if key == KEY_NAME), None)
    value_columns = {col: key for col, key in columns.items() if key == KEY_VALUE}
    value_columns |= {col: key for col, key in columns.items() if key.startswith(MEASURE_PREFIX)}
    entries, unit_names = [], []
    for row in ws.iter_rows(min_row=2):
        row_key = row[0].value
        if not row_key:
            continue
        row_key = str(row_key)
        unit, unit_cell = identity.get("unit_code", ""), None
        if code_column is not None:
            code = row[code_column - 1]
            unit, unit_cell = _code_text(code.value or ""), Location(file_name, ws.title, code.coordinate)
        if name_column is not None:
            unit_names.append(NameEntry(unit, _cell(row[name_column - 1], formulas_ws, file_name, ws.title)))
        for column, key in value_columns.items():
            measure_key = key if key.startswith(MEASURE_PREFIX) else row_key
            if not measure_key.startswith(MEASURE_PREFIX):
                continue
            cell = _cell(row[column - 1], formulas_ws, file_name, ws.title)
            entries.append(Entry(unit, measure_key.removeprefix(MEASURE_PREFIX), cell, unit_cell))
    return entries, unit_names


def _cell(cell, formulas_ws, file_name: str, sheet: str) -> Cell:
    formula = formulas_ws[cell.coordinate]
    text = None
    if formula.data_type == "f":
        text = getattr(formula.value, "text", None) or str(formula.value)
    value = clean_text(cell.value) if isinstance(cell.value, str) else cell.value
    return Cell(Location(file_name, sheet, cell.coordinate), value, cell.number_format, text)


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
