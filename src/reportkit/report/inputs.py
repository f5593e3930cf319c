"""Intake: read the kit's data files (tree, catalogue, periods, targets, figures, params) and the
submissions districts send (Excel workbooks, CSV files), cell by cell, for validate.py to check."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from ..model import (
    Catalogue,
    Constraint,
    Field,
    Figure,
    FigureSet,
    Indicator,
    Kind,
    Measure,
    OrgTree,
    Period,
    Plan,
    ReportInputs,
    Target,
    Unit,
)
from ..submissions import store
from ..submissions.validate import Cell, Entry, Location, NameEntry, Problem, RawSubmission, problem
from ..vntext import decode_bytes
from .fonts import check_report_inputs

SAMPLE_SOURCE = "sample"
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


class DataError(ValueError):
    """A data file the kit cannot use; the message says which file and why."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


# libyaml's parser, where PyYAML was built with it: the same safe loading, ten times faster
# on the catalogue and wording files that every report reads.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=SAFE_LOADER) or {}
    except FileNotFoundError as exc:
        raise DataError(f"Không tìm thấy tệp {path}") from exc


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return [{k: nfc(v or "") for k, v in row.items()} for row in csv.DictReader(fh)]
    except FileNotFoundError as exc:
        raise DataError(f"Không tìm thấy tệp {path}") from exc


def load_org_tree(units_path: Path, levels_path: Path) -> OrgTree:
    """Read a `code,name,kind,parent_code` file into a tree; levels come from the kind."""
    levels = read_yaml(levels_path)
    level_of_kind = {nfc(kind): level for level, spec in levels["levels"].items() for kind in spec["kinds"]}
    units: dict[str, Unit] = {}
    for row in read_csv_rows(units_path):
        kind = row["kind"]
        if kind not in level_of_kind:
            raise DataError(f"{units_path}: loại đơn vị '{kind}' chưa có trong {levels_path}")
        units[row["code"]] = Unit(
            row["code"], row["name"], kind, row["parent_code"] or None, level_of_kind[kind]
        )
    _check_tree(units, units_path)
    titles = {nfc(k): v for k, v in levels.get("association_titles", {}).items()}
    return OrgTree(units, titles)


def _check_tree(units: dict[str, Unit], path: Path) -> None:
    for unit in units.values():
        if unit.parent_code and unit.parent_code not in units:
            raise DataError(f"{path}: đơn vị {unit.code} có mã cấp trên {unit.parent_code} không tồn tại")
    for unit in units.values():
        seen = {unit.code}
        parent = unit.parent_code
        while parent:
            if parent in seen:
                raise DataError(f"{path}: cây đơn vị có vòng lặp tại mã {unit.code}")
            seen.add(parent)
            parent = units[parent].parent_code


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def load_catalogue(path: Path) -> Catalogue:
    raw = read_yaml(path)
    measures = {m["id"]: Measure(**{k: nfc(str(v)) for k, v in m.items()}) for m in raw["measures"]}
    indicators = tuple(_indicator(spec) for spec in raw["indicators"])
    catalogue = Catalogue(
        plan=raw.get("plan", {}),
        fields=tuple(Field(f["id"], nfc(f["title"])) for f in raw["fields"]),
        measures=measures,
        indicators=indicators,
        constraints=tuple(Constraint(tuple(c["lhs"]), c["rhs"]) for c in raw.get("constraints", [])),
        excluded=tuple(raw.get("excluded", [])),
    )
    _check_catalogue(catalogue, path)
    return catalogue


def _indicator(spec: dict) -> Indicator:
    text = {k: nfc(str(spec[k])) for k in ("short", "name", "lead", "unit") if k in spec}
    return Indicator(
        id=spec["id"],
        field=spec["field"],
        kind=Kind(spec["kind"]),
        measure=spec.get("measure"),
        numerator=spec.get("numerator"),
        denominator=spec.get("denominator"),
        city_target=_decimal(spec.get("city_target")),
        threshold=_decimal(spec.get("threshold")),
        minimum=spec.get("minimum"),
        level=spec.get("level"),
        per=spec.get("per"),
        **text,
    )


def _check_catalogue(catalogue: Catalogue, path: Path) -> None:
    field_ids = {f.id for f in catalogue.fields}
    for ind in catalogue.indicators:
        if ind.field not in field_ids:
            raise DataError(f"{path}: chỉ tiêu {ind.id} thuộc lĩnh vực lạ '{ind.field}'")
        for measure in ind.measures:
            if measure not in catalogue.measures:
                raise DataError(f"{path}: chỉ tiêu {ind.id} dùng số liệu lạ '{measure}'")
        if ind.kind is Kind.SHARE and ind.threshold is None:
            raise DataError(f"{path}: chỉ tiêu tỷ lệ {ind.id} thiếu ngưỡng (threshold)")
        if ind.kind is Kind.MINIMUM and (ind.minimum is None or not ind.level):
            raise DataError(f"{path}: chỉ tiêu {ind.id} thiếu mức tối thiểu hoặc cấp áp dụng")


def load_periods(path: Path) -> tuple[dict[str, Period], str]:
    """All periods by id, and the default period's id."""
    raw = read_yaml(path)
    periods = {pid: _period(pid, spec) for pid, spec in raw["periods"].items()}
    return periods, raw.get("default", next(iter(periods)))


def _period(pid: str, spec: dict) -> Period:
    report_date = spec.get("report_date")
    if isinstance(report_date, str):
        report_date = dt.date.fromisoformat(report_date)
    return Period(
        id=pid,
        year=int(spec["year"]),
        months=int(spec["months"]),
        review=spec["review"],
        label=nfc(spec["label"]),
        org=spec["org"],
        catalogue=spec.get("catalogue"),
        targets=spec.get("targets"),
        progress=Fraction(str(spec.get("progress", 1))),
        same_period_last_year=spec.get("same_period_last_year"),
        report_date=report_date,
    )


def load_targets(path: Path) -> dict[tuple[str, str], Target]:
    """Targets by (unit_code, indicator_id)."""
    targets = {}
    for row in read_csv_rows(path):
        target = Target(row["unit_code"], row["indicator_id"], Decimal(row["target"]), row["basis"])
        targets[(target.unit_code, target.indicator_id)] = target
    return targets


def load_plan_targets(
    targets_path: Path, catalogue: Catalogue, catalogue_path: Path, tree: OrgTree
) -> dict[tuple[str, str], Target]:
    """Every target of the plan, each from the one file that gives it: the city's totals from the
    catalogue (`city_target`), the other units' from the targets file.

    A target in both files is refused, not settled by a silent choice: the two could disagree, and
    an edit to one of them would then change nothing, or not what its author meant."""
    targets = load_targets(targets_path)
    cities = [u.code for u in tree.roots()]
    for ind in catalogue.indicators:
        if ind.city_target is None:
            continue
        for city in cities:
            if (city, ind.id) in targets:
                raise DataError(
                    f"Chỉ tiêu {ind.id} của đơn vị {city} có ở cả {catalogue_path} (city_target) và "
                    f"{targets_path}; mỗi chỉ tiêu chỉ được ghi ở một nơi: xóa một trong hai."
                )
            targets[(city, ind.id)] = Target(city, ind.id, ind.city_target, "plan")
    return targets


def load_figures(path: Path) -> list[tuple[str, Figure]]:
    """Rows of a `period,unit_code,measure,value,source` file as (period, Figure)."""
    rows = []
    for line, row in enumerate(read_csv_rows(path), start=2):
        try:
            value = Decimal(row["value"])
        except InvalidOperation as exc:
            raise DataError(f"{path}, dòng {line}: giá trị '{row['value']}' không phải số") from exc
        figure = Figure(row["unit_code"], row["measure"], value, row.get("source", ""))
        rows.append((row["period"], figure))
    return rows


def select_figures(rows: Iterable[tuple[str, Figure]], period: str) -> FigureSet:
    """The figures of one period; it is sample data if any of them is."""
    chosen = [f for p, f in rows if p == period]
    values = {(f.unit_code, f.measure): f.value for f in chosen}
    return FigureSet(period, values, any(f.source == SAMPLE_SOURCE for f in chosen))


def load_analyst_text(path: Path) -> str | None:
    """The analyst's Markdown for sections II-IV, or None where none is written."""
    if not path.is_file():
        return None
    return nfc(path.read_text(encoding="utf-8"))


def load_period_figures(data_dir: str | Path, source: str, period_id: str) -> FigureSet:
    """The figures of one period, whatever the source: the store when `source` is blank (or names a
    .sqlite file under data/), else a `period,unit_code,measure,value,source` CSV file under data/."""
    data_dir = Path(data_dir)
    if not source:
        return store.read_figures(store.locate_db(data_dir.parent), period_id)
    if source.endswith(store.DB_SUFFIX):
        return store.read_figures(data_dir / source, period_id)
    return select_figures(load_figures(data_dir / source), period_id)


def load_report_inputs(
    unit_code: str,
    period: str = "",
    data_dir: str | Path = "data",
    params_dir: str | Path = "params",
    figures_file: str = "",
    **params: Any,
) -> ReportInputs:
    """Load one report's inputs; `params` are the notebook's remaining parameters.

    `figures_file` blank: figures come from the store (store/reportkit.sqlite beside data/, or
    $REPORTKIT_STORE); otherwise the CSV file under data/ that it names."""
    data_dir, params_dir = Path(data_dir), Path(params_dir)
    periods, default = load_periods(data_dir / "periods.yaml")
    current = _known_period(periods, period or default)
    if not current.catalogue or not current.targets:
        raise DataError(f"Kỳ {current.id} không có kế hoạch (catalogue/targets) trong periods.yaml")
    tree = load_org_tree(data_dir / current.org, data_dir / "org" / "levels.yaml")
    if unit_code not in tree:
        raise DataError(f"Mã đơn vị {unit_code} không có trong {data_dir / current.org}")
    previous = periods.get(current.same_period_last_year or "")
    analyst = params_dir / "narrative" / current.id / f"{unit_code}.md"
    catalogue_path = data_dir / current.catalogue
    catalogue = load_catalogue(catalogue_path)
    inputs = ReportInputs(
        unit_code=unit_code,
        period=current,
        previous_period=previous,
        tree=tree,
        catalogue=catalogue,
        targets=load_plan_targets(data_dir / current.targets, catalogue, catalogue_path, tree),
        figures=load_period_figures(data_dir, figures_file, current.id),
        previous_figures=load_period_figures(data_dir, figures_file, previous.id) if previous else None,
        wording=read_yaml(data_dir / "wording" / "vi.yaml"),
        params=params,
        analyst_markdown=load_analyst_text(analyst),
        analyst_path=f"params/narrative/{current.id}/{unit_code}.md",
    )
    check_report_inputs(inputs)  # every word it will print has a glyph in the report font
    return inputs


def _known_period(periods: Mapping[str, Period], period_id: str) -> Period:
    if period_id not in periods:
        known = ", ".join(periods)
        raise DataError(f"Kỳ báo cáo '{period_id}' không có trong periods.yaml (có: {known})")
    return periods[period_id]


def load_unit_params(params_dir: Path, unit_code: str) -> dict[str, Any]:
    """defaults.yaml overlaid with units/<code>.yaml: the parameters one notebook receives."""
    merged = dict(read_yaml(params_dir / "defaults.yaml"))
    own = params_dir / "units" / f"{unit_code}.yaml"
    if own.is_file():
        merged.update(read_yaml(own))
    return merged


def catalogue_period(periods: Mapping[str, Period], period_id: str) -> Period:
    """The period whose plan (catalogue) applies: its own, else that of the period comparing with it.

    Last year's figures are only gathered to compare with this year's, so they are asked for,
    and checked, against this year's catalogue."""
    period = _known_period(periods, period_id)
    if period.catalogue:
        return period
    for other in periods.values():
        if other.same_period_last_year == period_id and other.catalogue:
            return other
    raise DataError(f"Kỳ {period_id} không có danh mục chỉ tiêu, và không kỳ nào so sánh với nó")


def load_plan(data_dir: str | Path, period_id: str) -> Plan:
    """What asking for, or checking, one period's figures needs."""
    data_dir = Path(data_dir)
    periods, _ = load_periods(data_dir / "periods.yaml")
    period = _known_period(periods, period_id)
    planned = catalogue_period(periods, period_id)
    tree = load_org_tree(data_dir / period.org, data_dir / "org" / "levels.yaml")
    catalogue_path = data_dir / planned.catalogue
    catalogue = load_catalogue(catalogue_path)
    targets = {}
    if period.targets:
        targets = load_plan_targets(data_dir / period.targets, catalogue, catalogue_path, tree)
    return Plan(period=period, tree=tree, catalogue=catalogue, targets=targets)


# ----------------------------------------------------------------- submissions (read, not checked)


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
    return nfc(str(value))


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
    value = nfc(cell.value) if isinstance(cell.value, str) else cell.value
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
        field = {name: nfc(row[i]) if i < len(row) else "" for name, i in column.items()}
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
