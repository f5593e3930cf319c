"""Intake: read the kit's data files (tree, catalogue, periods, targets, figures, params)."""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

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
    ReportInputs,
    Target,
    Unit,
)

SAMPLE_SOURCE = "sample"


class DataError(ValueError):
    """A data file the kit cannot use; the message says which file and why."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def read_yaml(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh) or {}
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


def load_period_figures(data_dir: str | Path, source: str, period_id: str) -> FigureSet:
    """The figures of one period from a source under `data_dir` (today a CSV file)."""
    return select_figures(load_figures(Path(data_dir) / source), period_id)


def load_analyst_text(path: Path) -> str | None:
    """The analyst's Markdown for sections II-IV, or None where none is written."""
    if not path.is_file():
        return None
    return nfc(path.read_text(encoding="utf-8"))


def load_report_inputs(
    unit_code: str,
    period: str = "",
    data_dir: str | Path = "data",
    params_dir: str | Path = "params",
    figures_file: str = "sample/figures.csv",
    **params: Any,
) -> ReportInputs:
    """Load one report's inputs; `params` are the notebook's remaining parameters."""
    data_dir, params_dir = Path(data_dir), Path(params_dir)
    periods, default = load_periods(data_dir / "periods.yaml")
    current = _known_period(periods, period or default)
    if not current.catalogue or not current.targets:
        raise DataError(f"Kỳ {current.id} không có kế hoạch (catalogue/targets) trong periods.yaml")
    tree = load_org_tree(data_dir / current.org, data_dir / "org" / "levels.yaml")
    if unit_code not in tree:
        raise DataError(f"Mã đơn vị {unit_code} không có trong {data_dir / current.org}")
    rows = load_figures(data_dir / figures_file)
    previous = periods.get(current.same_period_last_year or "")
    analyst = params_dir / "narrative" / current.id / f"{unit_code}.md"
    return ReportInputs(
        unit_code=unit_code,
        period=current,
        previous_period=previous,
        tree=tree,
        catalogue=load_catalogue(data_dir / current.catalogue),
        targets=load_targets(data_dir / current.targets),
        figures=select_figures(rows, current.id),
        previous_figures=select_figures(rows, previous.id) if previous else None,
        wording=read_yaml(data_dir / "wording" / "vi.yaml"),
        params=params,
        analyst_markdown=load_analyst_text(analyst),
        analyst_path=f"params/narrative/{current.id}/{unit_code}.md",
    )


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
