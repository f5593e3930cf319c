"""A report's inputs: the kit's data files (organisation tree, catalogue, periods, targets),
the period's figures (from the store, or a CSV file), the unit's parameters and analyst's text."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..datafiles import (
    check_yaml_files,
    csv_number,
    project_relative,
    read_csv_lines,
    read_yaml,
    require,
    require_each,
    shape_error,
)
from ..digests import Reads, describe_period
from ..errors import DataError, UnknownPeriodError
from ..model import (
    Catalogue,
    Constraint,
    Field,
    Figure,
    FigureSet,
    Identity,
    Indicator,
    Kind,
    Level,
    Levels,
    Measure,
    OrgTree,
    Period,
    Plan,
    ReportInputs,
    Target,
    Unit,
)
from ..paths import (
    LEVELS_KEY,
    PERIODS_FILE,
    STORE_DB_SUFFIX,
    UNITS_DIR,
    default_store_dir,
    defaults_file,
    levels_file,
    narrative_file,
    narrative_name,
    periods_file,
    store_db,
    template_wording_file,
    unit_params_file,
    wording_file,
)
from ..submissions import store
from ..vntext import clean_text
from . import fonts
from .fonts import check_report_inputs
from .narrative import with_level_words

SAMPLE_SOURCE = "sample"
# The columns each CSV file of the project must have (others are allowed, and ignored).
UNIT_COLUMNS = ("code", "name", "kind", "parent_code")
TARGET_COLUMNS = ("unit_code", "indicator_id", "target", "basis")
FIGURE_COLUMNS = ("period", "unit_code", "measure", "value")
PERIOD_FIELDS = ("year", "months", "review", "label", "org", LEVELS_KEY)
IDENTITY_SECTION = "organisation"  # of the wording file: who the organisation is
IDENTITY_FIELDS = ("name", "national_body", "document_symbol", "issuer", "submission_office")
TEMPLATE_WORDS = {
    "sheets": dict,
    "title": list,
    "unit_line": str,
    "heading": str,
    "steps": list,
    "footer": str,
}


def load_levels(path: Path) -> Levels:
    """A tree's levels file: each level's kinds and words, which level submits, which get reports."""
    raw = read_yaml(path)
    levels = {}
    for level in require(raw, path, ("levels",), dict):
        kinds = require(raw, path, ("levels", level, "kinds"), list)
        words = {
            form: clean_text(str(require(raw, path, ("levels", level, "words", form), str)))
            for form in ("one", "many")
        }
        given = require(raw, path, ("levels", level, "words"), dict)
        words.update({str(k): clean_text(str(v)) for k, v in given.items()})
        words.setdefault("association", words["one"])
        levels[str(level)] = Level(str(level), tuple(clean_text(str(k)) for k in kinds), words)
    submits = str(require(raw, path, ("submits",), str))
    reports = tuple(str(r) for r in require(raw, path, ("reports",), list))
    for keys, level in [(("submits",), submits), *((("reports", i), r) for i, r in enumerate(reports))]:
        if level not in levels:
            problem = f"cấp “{level}” không có trong mục levels (có: {', '.join(levels)})"
            raise shape_error(path, keys, problem)
    return Levels(levels, submits, reports)


def load_org_tree(units_path: Path, levels_path: Path) -> OrgTree:
    """Read a `code,name,kind,parent_code` file into a tree; levels come from the kind, as the
    tree's levels file says."""
    levels = load_levels(levels_path)
    level_of_kind = {kind: level.id for level in levels.levels.values() for kind in level.kinds}
    units: dict[str, Unit] = {}
    for line, row in read_csv_lines(units_path, UNIT_COLUMNS):
        kind = row["kind"]
        if kind not in level_of_kind:
            raise DataError(
                f"{project_relative(units_path)}, dòng {line}: loại đơn vị '{kind}' chưa có trong "
                f"{project_relative(levels_path)}"
            )
        units[row["code"]] = Unit(
            row["code"], row["name"], kind, row["parent_code"] or None, level_of_kind[kind]
        )
    _check_tree(units, units_path)
    titles = require(read_yaml(levels_path), levels_path, ("association_titles",), dict, optional=True)
    titles = {clean_text(str(k)): v for k, v in titles.items()}
    return OrgTree(units, titles, levels)


def load_period_tree(data_dir: Path, period: Period) -> OrgTree:
    """The organisation tree a period names: its units file and its levels file."""
    return load_org_tree(data_dir / period.org, levels_file(data_dir, period.levels))


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
    require_each(raw, path, ("measures",), ("id",))
    require_each(raw, path, ("fields",), ("id", "title"))
    for index, spec in enumerate(require_each(raw, path, ("indicators",), ("id", "field", "kind"))):
        if spec["kind"] not in {k.value for k in Kind}:
            known = ", ".join(k.value for k in Kind)
            problem = f"loại “{spec['kind']}” không có (có: {known})"
            raise shape_error(path, ("indicators", index, "kind"), problem)
    try:
        return _catalogue(raw, path)
    except DataError:
        raise
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        # A shape the checks above do not cover: said in a line, with what the kit looked for.
        shown = project_relative(path)
        raise DataError(f"{shown}: nội dung không đúng dạng danh mục chỉ tiêu ({exc!r})") from None


def _catalogue(raw: dict, path: Path) -> Catalogue:
    measures = {m["id"]: Measure(**{k: clean_text(str(v)) for k, v in m.items()}) for m in raw["measures"]}
    indicators = tuple(_indicator(spec) for spec in raw["indicators"])
    catalogue = Catalogue(
        plan=raw.get("plan", {}),
        fields=tuple(Field(f["id"], clean_text(f["title"])) for f in raw["fields"]),
        measures=measures,
        indicators=indicators,
        constraints=tuple(Constraint(tuple(c["lhs"]), c["rhs"]) for c in raw.get("constraints", [])),
        excluded=tuple(raw.get("excluded", [])),
    )
    _check_catalogue(catalogue, path)
    return catalogue


def _indicator(spec: dict) -> Indicator:
    text = {k: clean_text(str(spec[k])) for k in ("short", "name", "lead", "unit") if k in spec}
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
    periods = {}
    for pid in require(raw, path, ("periods",), dict):
        spec = require(raw, path, ("periods", pid), dict)
        for name in PERIOD_FIELDS:
            require(raw, path, ("periods", pid, name), object)
        try:
            periods[str(pid)] = _period(str(pid), spec)
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise shape_error(path, ("periods", pid), f"giá trị không dùng được ({exc})") from None
    if not periods:
        raise shape_error(path, ("periods",), "chưa có kỳ báo cáo nào")
    return periods, str(raw.get("default", next(iter(periods))))


def _period(pid: str, spec: dict) -> Period:
    report_date = spec.get("report_date")
    if isinstance(report_date, str):
        report_date = dt.date.fromisoformat(report_date)
    return Period(
        id=pid,
        year=int(spec["year"]),
        months=int(spec["months"]),
        review=spec["review"],
        label=clean_text(spec["label"]),
        org=spec["org"],
        catalogue=spec.get("catalogue"),
        targets=spec.get("targets"),
        progress=Fraction(str(spec.get("progress", 1))),
        same_period_last_year=spec.get("same_period_last_year"),
        report_date=report_date,
        levels=spec[LEVELS_KEY],
    )


def load_targets(path: Path) -> dict[tuple[str, str], Target]:
    """Targets by (unit_code, indicator_id)."""
    targets = {}
    for line, row in read_csv_lines(path, TARGET_COLUMNS):
        value = csv_number(path, line, row, "target")
        target = Target(row["unit_code"], row["indicator_id"], value, row["basis"])
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
    for line, row in read_csv_lines(path, FIGURE_COLUMNS):
        value = csv_number(path, line, row, "value")
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
    return clean_text(path.read_text(encoding="utf-8"))


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


def load_period_rows(
    data_dir: str | Path, source: str, period_id: str, store_dir: str | Path | None = None
) -> PeriodFigures:
    """The figures of one period, whatever the source: the store when `source` is blank (`store_dir`,
    else store/ beside data/), a .sqlite file under data/ that it names, else a
    `period,unit_code,measure,value,source` CSV file under data/."""
    return load_periods_rows(data_dir, source, [period_id], store_dir)[0]


def load_periods_rows(
    data_dir: str | Path,
    source: str,
    period_ids: Sequence[str],
    store_dir: str | Path | None = None,
    units: Collection[str] | None = None,
) -> list[PeriodFigures]:
    """The figures of each of `period_ids` from one source (see load_period_rows), of `units` only
    if given (whether a period is sample data is still the whole period's); a CSV file holds every
    period, so it is read once for all of them."""
    data_dir = Path(data_dir)
    if not source or source.endswith(STORE_DB_SUFFIX):
        db = store_db(store_dir or default_store_dir(data_dir)) if not source else data_dir / source
        return [PeriodFigures.from_rows(p, source, *store.read_figure_rows(db, p, units)) for p in period_ids]
    rows = load_figures(data_dir / source)
    return [_csv_period_figures(rows, source, p, units) for p in period_ids]


def _csv_period_figures(
    rows: Sequence[tuple[str, Figure]], source: str, period_id: str, units: Collection[str] | None
) -> PeriodFigures:
    chosen = [(f.unit_code, f.measure, f.value, f.source == SAMPLE_SOURCE) for p, f in rows if p == period_id]
    # Later rows of a unit and measure win, as in select_figures.
    last = {(r[0], r[1]): r for r in chosen if units is None or r[0] in units}
    return PeriodFigures.from_rows(period_id, source, last.values(), any(r[3] for r in chosen))


def load_period_figures(
    data_dir: str | Path, source: str, period_id: str, store_dir: str | Path | None = None
) -> FigureSet:
    """All the figures of one period (see load_period_rows)."""
    figures = load_period_rows(data_dir, source, period_id, store_dir)
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
    period: str = "",
    data_dir: str | Path = "data",
    figures_file: str = "",
    store_dir: str | Path | None = None,
    root: str | None = None,
) -> PeriodInputs:
    """The period's shared inputs: periods, tree, catalogue, targets, figures, wording; given a
    `root` unit, the figures of its subtree only (one report's load)."""
    data_dir, reads = Path(data_dir), Reads()
    periods, default = load_periods(periods_file(data_dir))
    current = known_period(periods, period or default)
    if not current.catalogue or not current.targets:
        raise DataError(f"Kỳ {current.id} không có kế hoạch (catalogue/targets) trong {PERIODS_FILE}")
    previous = periods.get(current.same_period_last_year or "")
    reads.value("periods", [describe_period(current), describe_period(previous)])
    tree = load_org_tree(
        reads.file("tree", data_dir / current.org),
        reads.file("levels", levels_file(data_dir, current.levels)),
    )
    catalogue_path = reads.file("catalogue", data_dir / current.catalogue)
    catalogue = load_catalogue(catalogue_path)
    targets: dict[str, dict[tuple[str, str], Target]] = {}
    for key, target in load_plan_targets(data_dir / current.targets, catalogue, catalogue_path, tree).items():
        targets.setdefault(target.unit_code, {})[key] = target  # read per subtree: unit_report_inputs
    ids = [current.id, previous.id] if previous else [current.id]
    units = {u.code for u in tree.walk(root)} if root in tree else None
    figures = load_periods_rows(data_dir, figures_file, ids, store_dir, units)
    return PeriodInputs(
        period=current,
        previous=previous,
        tree=tree,
        catalogue=catalogue,
        targets=targets,
        figures=figures[0],
        previous_figures=figures[1] if previous else None,
        wording=with_level_words(read_yaml(reads.file("wording", wording_file(data_dir))), tree.levels),
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
    analyst = narrative_file(params_dir, shared.period.id, unit_code)
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
        analyst_path=f"params/{narrative_name(shared.period.id, unit_code)}",
        reads=reads,
    )


class ReportLoader:
    """Loads reports' inputs, each period's shared inputs once: the build plans a period's reports
    with one, through the very call its notebooks make, without running them."""

    def __init__(self, *, one_report: bool = False) -> None:
        # One report's load reads its subtree's figures only: a commune's report in a city of
        # 1.000 units need not read the 60.000 figures of the others. Its reads are the same.
        self._one_report = one_report
        self._periods: dict[tuple[str, ...], PeriodInputs | Exception] = {}

    def load(
        self,
        unit_code: str,
        period: str = "",
        data_dir: str | Path = "data",
        params_dir: str | Path = "params",
        figures_file: str = "",
        store_dir: str | Path = "",
        **params: Any,
    ) -> ReportInputs:
        # The build passes the merged parameters; JupyterLab passes the notebook's blank defaults.
        # Both get the same report: blanks are filled here, as the build fills them.
        params = fill_blank_params(Path(params_dir), unit_code, {"figures_file": figures_file, **params})
        figures_file = params.pop("figures_file", "") or ""
        root = unit_code if self._one_report else None
        key = (period, str(data_dir), figures_file or "", str(store_dir or ""), root or "")
        if key not in self._periods:
            try:
                self._periods[key] = load_period_inputs(
                    period, data_dir, figures_file or "", store_dir or None, root
                )
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
    store_dir: str | Path = "",
    **params: Any,
) -> ReportInputs:
    """Load one report's inputs; `params` are the notebook's remaining parameters.

    `figures_file` blank: figures come from the store in `store_dir` (blank: store/ beside
    data/); otherwise the CSV file under data/ that it names. `reads` in the result says what
    was read (the build keys the report on it)."""
    inputs = ReportLoader(one_report=True).load(
        unit_code, period, data_dir, params_dir, figures_file, store_dir, **params
    )
    check_report_inputs(inputs)  # every word it will print has a glyph in the report font
    return inputs


def known_period(periods: Mapping[str, Period], period_id: str) -> Period:
    """The period `period_id`; UnknownPeriodError, naming the known ones, if there is none."""
    if period_id not in periods:
        known = ", ".join(f"{p.id} ({p.label})" for p in periods.values())
        raise UnknownPeriodError(
            f"Kỳ báo cáo '{period_id}' không có trong {PERIODS_FILE}. Các kỳ có: {known}."
        )
    return periods[period_id]


def load_unit_params(params_dir: Path, unit_code: str) -> dict[str, Any]:
    """defaults.yaml overlaid with units/<code>.yaml: the parameters one notebook receives."""
    merged = dict(read_yaml(defaults_file(params_dir)))
    own = unit_params_file(params_dir, unit_code)
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
    if defaults_file(params_dir).is_file():
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
    period = known_period(periods, period_id)
    if period.catalogue:
        return period
    for other in periods.values():
        if other.same_period_last_year == period_id and other.catalogue:
            return other
    raise DataError(f"Kỳ {period_id} không có danh mục chỉ tiêu, và không kỳ nào so sánh với nó")


def load_identity(wording_path: Path) -> Identity:
    """Who the organisation is: the `organisation` section of the wording file, each field a text
    (a missing or malformed one is a DataError naming the file, the field and its line)."""
    wording = read_yaml(wording_path)
    fields = {name: require(wording, wording_path, (IDENTITY_SECTION, name), str) for name in IDENTITY_FIELDS}
    return Identity(**{name: " ".join(clean_text(text).split()) for name, text in fields.items()})


def load_template_words(path: Path) -> dict[str, Any]:
    """The words of the templates' instructions sheet, each part there and of its kind."""
    words = read_yaml(path)
    for name, kind in TEMPLATE_WORDS.items():
        require(words, path, (name,), kind)
    return words


def load_plan(data_dir: str | Path, period_id: str) -> Plan:
    """What asking for, or checking, one period's figures needs."""
    data_dir = Path(data_dir)
    periods, _ = load_periods(periods_file(data_dir))
    period = known_period(periods, period_id)
    planned = catalogue_period(periods, period_id)
    tree = load_period_tree(data_dir, period)
    catalogue_path = data_dir / planned.catalogue
    catalogue = load_catalogue(catalogue_path)
    targets = {}
    if period.targets:
        targets = load_plan_targets(data_dir / period.targets, catalogue, catalogue_path, tree)
    return Plan(
        period=period,
        tree=tree,
        catalogue=catalogue,
        targets=targets,
        identity=load_identity(wording_file(data_dir)),
        template_words=load_template_words(template_wording_file(data_dir)),
    )


# ----------------------------------------------------------------- submissions (read, not checked)


def check_period_texts(paths: Any, period: Period, units: Sequence[str], texts: Sequence[Any]) -> None:
    """FontError unless the report font has every character of the period's wording, catalogue and
    analyst texts for `units`, and of `texts` (the tree, periods and parameters the caller has)."""

    def read(load: Callable[[Path], Any], path: Path) -> Any:
        try:
            return load(path)
        except (DataError, OSError, ValueError):
            return None  # unreadable: each report fails on it and says why

    files = [read(read_yaml, wording_file(paths.data_dir))]
    if period.catalogue:
        files.append(read(load_catalogue, paths.data_dir / period.catalogue))
    narratives = (narrative_file(paths.params_dir, period.id, code) for code in units)
    files += [read(load_analyst_text, path) for path in narratives]
    chunks = itertools.chain.from_iterable(fonts.iter_text(value) for value in (*files, *texts))
    fonts.check_coverage(chunks, f"các báo cáo kỳ {period.id}")


def check_project(data_dir: str | Path, params_dir: str | Path | None = None) -> None:
    """Before a command uses the project: every YAML file under data/ and params/ reads (syntax,
    UTF-8), and every period's plan loads (tree, catalogue, targets: their CSV files' header, cells
    per row and numbers), the wording, and the figures files the params name (that exist). The first
    problem is a DataError naming file and line, so a build fails once, not in each report."""
    data_dir = Path(data_dir)
    params_dir = Path(params_dir) if params_dir else data_dir.parent / "params"
    check_yaml_files(data_dir, params_dir)
    periods, _ = load_periods(periods_file(data_dir))
    trees, catalogues = {}, {}
    for period in periods.values():
        if (period.org, period.levels) not in trees:
            trees[(period.org, period.levels)] = load_period_tree(data_dir, period)
        planned = catalogue_period(periods, period.id) if period.catalogue else None
        if planned and planned.catalogue not in catalogues:
            catalogues[planned.catalogue] = load_catalogue(data_dir / planned.catalogue)
        if planned and period.targets:
            catalogue_path = data_dir / planned.catalogue
            catalogue = catalogues[planned.catalogue]
            tree = trees[(period.org, period.levels)]
            load_plan_targets(data_dir / period.targets, catalogue, catalogue_path, tree)
    load_identity(wording_file(data_dir))
    load_template_words(template_wording_file(data_dir))
    for figures_file in sorted(_named_figures_files(params_dir)):
        # A missing file is only the reports that name it failing (each says so), not the command.
        if not figures_file.endswith(STORE_DB_SUFFIX) and (data_dir / figures_file).is_file():
            load_figures(data_dir / figures_file)


def _named_figures_files(params_dir: Path) -> set[str]:
    """The CSV figures files that params/defaults.yaml or a unit's parameters name."""
    files = [defaults_file(params_dir), *sorted((params_dir / UNITS_DIR).glob("*.yaml"))]
    named = {read_yaml(path).get("figures_file") for path in files if path.is_file()}
    return {str(name) for name in named if name}
