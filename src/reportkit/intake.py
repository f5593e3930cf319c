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
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from . import store
from .fingerprint import Reads, describe_period
from .fonts import check_report_inputs
from .model import (
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
from .validate import EXCEL_ERRORS, Cell, Entry, Location, NameEntry, Problem, RawSubmission, problem
from .vntext import decode_bytes

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


@dataclass(frozen=True)
class PeriodFigures:
    """One period's figures as read, by unit, so that each report takes (and digests) its subtree's only."""

    period: str
    is_sample: bool  # any current submission of the period is a sample: every report says so
    source: str
    by_unit: Mapping[str, tuple[tuple[str, Decimal, bool], ...]]  # unit -> (measure, value, row is sample)

    @classmethod
    def from_rows(
        cls, period: str, source: str, rows: Iterable[tuple[str, str, Decimal, bool]], is_sample: bool
    ) -> PeriodFigures:
        by_unit: dict[str, list[tuple[str, Decimal, bool]]] = {}
        for unit, measure, value, sample in rows:
            by_unit.setdefault(unit, []).append((measure, value, sample))
        return cls(period, is_sample, source, {u: tuple(sorted(r)) for u, r in by_unit.items()})

    def subtree(self, codes: Iterable[str]) -> tuple[FigureSet, list[Any]]:
        """The figures of these units, and what was read of them: each row, whether it is sample data."""
        values, read, samples = {}, [], set()
        for code in codes:
            for measure, value, sample in self.by_unit.get(code, ()):
                values[(code, measure)] = value
                read.append([code, measure, str(value), sample])
                if sample:
                    samples.add((code, measure))
        return FigureSet(self.period, values, self.is_sample, frozenset(samples)), [
            self.period,
            self.source,
            self.is_sample,
            read,
        ]


def load_period_rows(data_dir: str | Path, source: str, period_id: str) -> PeriodFigures:
    """The figures of one period, whatever the source: the store when `source` is blank (or names a
    .sqlite file under data/), else a `period,unit_code,measure,value,source` CSV file under data/."""
    data_dir = Path(data_dir)
    if not source or source.endswith(store.DB_SUFFIX):
        db = store.locate_db(data_dir.parent) if not source else data_dir / source
        rows, sample = store.read_figure_rows(db, period_id)
        return PeriodFigures.from_rows(period_id, source, rows, sample)
    chosen = [f for p, f in load_figures(data_dir / source) if p == period_id]
    rows = [(f.unit_code, f.measure, f.value, f.source == SAMPLE_SOURCE) for f in chosen]
    # Later rows of a unit and measure win, as in select_figures.
    last = {(unit, measure): (unit, measure, value, sample) for unit, measure, value, sample in rows}
    return PeriodFigures.from_rows(period_id, source, last.values(), any(r[3] for r in rows))


def load_period_figures(data_dir: str | Path, source: str, period_id: str) -> FigureSet:
    """All the figures of one period (see load_period_rows)."""
    figures = load_period_rows(data_dir, source, period_id)
    return figures.subtree(figures.by_unit)[0]


@dataclass(frozen=True)
class PeriodInputs:
    """What the reports of a period read, loaded once; `reads` the digests of what was read so far."""

    period: Period
    previous: Period | None
    tree: OrgTree
    catalogue: Catalogue
    targets: Mapping[str, Mapping[tuple[str, str], Target]]  # by unit
    figures: PeriodFigures
    previous_figures: PeriodFigures | None
    wording: Mapping[str, Any]
    reads: Mapping[str, str]


def load_period_inputs(
    period: str = "", data_dir: str | Path = "data", figures_file: str = ""
) -> PeriodInputs:
    """The period's shared inputs: periods, tree, catalogue, targets, figures, wording."""
    data_dir, reads = Path(data_dir), Reads()
    periods, default = load_periods(data_dir / "periods.yaml")
    current = _known_period(periods, period or default)
    if not current.catalogue or not current.targets:
        raise DataError(f"Kỳ {current.id} không có kế hoạch (catalogue/targets) trong periods.yaml")
    previous = periods.get(current.same_period_last_year or "")
    reads.value("periods", [describe_period(current), describe_period(previous)])
    tree = load_org_tree(
        reads.file("tree", data_dir / current.org), reads.file("levels", data_dir / "org" / "levels.yaml")
    )
    catalogue_path = reads.file("catalogue", data_dir / current.catalogue)
    catalogue = load_catalogue(catalogue_path)
    targets: dict[str, dict[tuple[str, str], Target]] = {}
    for key, target in load_plan_targets(data_dir / current.targets, catalogue, catalogue_path, tree).items():
        targets.setdefault(target.unit_code, {})[key] = target  # read per subtree: unit_report_inputs
    return PeriodInputs(
        period=current,
        previous=previous,
        tree=tree,
        catalogue=catalogue,
        targets=targets,
        figures=load_period_rows(data_dir, figures_file, current.id),
        previous_figures=load_period_rows(data_dir, figures_file, previous.id) if previous else None,
        wording=read_yaml(reads.file("wording", data_dir / "wording" / "vi.yaml")),
        reads=reads,
    )


def unit_report_inputs(
    shared: PeriodInputs, unit_code: str, params_dir: str | Path, params: Mapping[str, Any]
) -> ReportInputs:
    """One report's inputs out of its period's: the figures and targets of its unit's subtree only
    (a report cannot show what it was not given), its narrative and parameters, and the digest of
    each of these reads beside the period's."""
    if unit_code not in shared.tree:
        raise DataError(f"Mã đơn vị {unit_code} không có trong {shared.period.org}")
    reads = Reads(shared.reads)
    members = [u.code for u in shared.tree.walk(unit_code)]
    figures, read = shared.figures.subtree(members)
    reads.value("figures", read)
    previous_figures = None
    if shared.previous_figures is not None:
        previous_figures, read = shared.previous_figures.subtree(members)
    reads.value("figures_last_year", read if previous_figures is not None else None)
    targets = {key: t for code in members for key, t in shared.targets.get(code, {}).items()}
    reads.value("targets", [[t.unit_code, t.indicator_id, str(t.value), t.basis] for t in targets.values()])
    reads.value("params", {"unit_code": unit_code, "figures_file": shared.figures.source, **params})
    analyst = Path(params_dir) / "narrative" / shared.period.id / f"{unit_code}.md"
    return ReportInputs(
        unit_code=unit_code,
        period=shared.period,
        previous_period=shared.previous,
        tree=shared.tree,
        catalogue=shared.catalogue,
        targets=targets,
        figures=figures,
        previous_figures=previous_figures,
        wording=shared.wording,
        params=params,
        analyst_markdown=load_analyst_text(reads.file("narrative", analyst)),
        analyst_path=f"params/narrative/{shared.period.id}/{unit_code}.md",
        reads=reads,
    )


class ReportLoader:
    """Loads reports' inputs, each period's shared inputs once: the build plans a period's reports
    with one, through the very call its notebooks make, without running them."""

    def __init__(self) -> None:
        self._periods: dict[tuple[str, str, str], PeriodInputs | Exception] = {}

    def load(
        self,
        unit_code: str,
        period: str = "",
        data_dir: str | Path = "data",
        params_dir: str | Path = "params",
        figures_file: str = "",
        **params: Any,
    ) -> ReportInputs:
        # The build passes the merged parameters; JupyterLab passes the notebook's blank defaults.
        # Both get the same report: blanks are filled here, as the build fills them.
        params = fill_blank_params(Path(params_dir), unit_code, {"figures_file": figures_file, **params})
        figures_file = params.pop("figures_file", "") or ""
        key = (period, str(data_dir), figures_file or "")
        if key not in self._periods:
            try:
                self._periods[key] = load_period_inputs(period, data_dir, figures_file or "")
            except (DataError, LookupError, OSError, ValueError) as exc:
                self._periods[key] = exc  # every report of the period fails the same way
        shared = self._periods[key]
        if isinstance(shared, Exception):
            raise shared
        return unit_report_inputs(shared, unit_code, params_dir, params)


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
    $REPORTKIT_STORE); otherwise the CSV file under data/ that it names. `reads` in the result
    says what was read (the build keys the report on it)."""
    inputs = ReportLoader().load(unit_code, period, data_dir, params_dir, figures_file, **params)
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


def is_blank(value: Any) -> bool:
    """A parameter the caller left to the params files: None, "", an empty list or mapping."""
    return value is None or (isinstance(value, str | list | tuple | dict) and not value)


def fill_blank_params(params_dir: Path, unit_code: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """The caller's parameters, each blank one (and each one not given) taken from defaults.yaml
    overlaid with units/<code>.yaml: the merge the build makes before it runs a notebook, made
    again for a notebook run in JupyterLab. A missing params file gives nothing.

    The result is what the report is keyed on (`params` in its reads), not the files: a comment in
    a params file, or a value the caller overrides, rebuilds nothing."""
    from_files = {}
    if (params_dir / "defaults.yaml").is_file():
        from_files = load_unit_params(params_dir, unit_code)
    merged = dict(given)
    for name, value in from_files.items():
        if is_blank(merged.get(name)):
            merged[name] = value
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
    if "xl/workbook.xml" not in names:
        kind = " (đây là tệp Word)" if "word/document.xml" in names else " (tệp nén .zip)"
        return _unreadable(file_name, problem("file_unknown", where, detail=kind))
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        return _unreadable(file_name, _too_big(where, unpacked, MAX_UNPACKED_BYTES))
    sheets_size = sum(i.file_size for i in archive.infolist() if i.filename.startswith(SHEETS_FOLDER))
    if sheets_size > MAX_SHEETS_BYTES:
        return _unreadable(file_name, _too_big(where, sheets_size, MAX_SHEETS_BYTES))
    try:
        return _read_open_workbook(_open_workbook(data, True), Formulas(data), file_name)
    except Exception:  # openpyxl fails in many ways on a damaged file; each means "corrupt"
        return _unreadable(file_name, problem("file_corrupt", where, detail="nội dung bảng tính bị hỏng"))


def _too_big(where: Location, size: int, limit: int) -> Problem:
    return problem("file_too_big", where, size=f"{size / 1e6:.1f}", limit=f"{limit / 1e6:.1f}")


def _read_open_workbook(values, formulas: Formulas, file_name: str) -> RawSubmission:
    identity = _read_identity(values)
    entries, unit_names = [], []
    for ws in values.worksheets:
        if _is_data_sheet(ws):  # a data sheet, even if someone hid it
            sheet_entries, sheet_names = _read_data_sheet(ws, formulas, file_name, identity)
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
    return nfc(str(value))


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
        value = nfc(cell.value) if isinstance(cell.value, str) else cell.value
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
