"""Start a new plan year, or a new organisation's project, from the files of an existing one.

`start_year` copies a year's plan (catalogue and targets) into the new year's files and adds the
new year's periods to data/periods.yaml; `start_project` copies a project's data, default
parameters and notebooks into an empty folder, without its submissions, store, outputs or
analysts' texts, and writes a guide (`HƯỚNG DẪN.md`) listing the files to edit.

Both only create files, and refuse rather than overwrite. periods.yaml is edited as text (a block
inserted at the end of its `periods:` mapping), never dumped again through PyYAML, so that its
comments stay; the edited text is parsed back and must give the old content plus the new periods.
What the user must still change is said in comments in the new files and in the command's output.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import shutil
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .datafiles import SAFE_LOADER, project_relative, read_yaml
from .errors import DataError, ReportKitError
from .paths import (
    DEFAULTS_FILE,
    GUIDE_FILE,
    NARRATIVE_DIR,
    SAMPLE_DIR,
    UNITS_DIR,
    WORDING_FILE,
    ProjectPaths,
    catalogue_name,
    defaults_file,
    periods_file,
    targets_name,
)

# Folders a copy never takes: editors' and Python's leftovers.
SKIPPED = (".ipynb_checkpoints", "__pycache__", ".DS_Store")
TOP_LEVEL_KEY = re.compile(r"^[^\s#]")  # a line that starts a top-level key of a YAML file


# ------------------------------------------------------------------------------------- new year


@dataclass(frozen=True)
class NewYear:
    """What `start_year` wrote: the files (relative to data/) and the periods added."""

    year: int
    source_year: int
    catalogue: str
    targets: str | None
    periods: tuple[str, ...]


def start_year(data_dir: str | os.PathLike[str], year: int, source_year: int | None = None) -> NewYear:
    """The plan of `year`, copied from that of `source_year` (default: the year before): its
    catalogue and targets files, and its periods in periods.yaml. A DataError naming the file if
    `year` already has periods or files, or if `source_year` has no plan to copy."""
    data_dir = Path(data_dir)
    source_year = year - 1 if source_year is None else source_year
    path = periods_file(data_dir)
    raw = read_yaml(path)
    periods = raw.get("periods") if isinstance(raw.get("periods"), dict) else {}
    check_new_year(path, periods, year)
    sources = planned_periods(path, periods, source_year)
    full = max(sources, key=lambda pid: int(periods[pid].get("months", 0)))  # the whole year's
    catalogue_to = catalogue_name(year)
    targets_from = periods[full].get("targets")
    targets_to = targets_name(year) if targets_from else None
    for name in filter(None, (catalogue_to, targets_to)):
        if (data_dir / name).exists():
            raise DataError(f"{project_relative(data_dir / name)} đã có; lệnh không ghi đè tệp có sẵn.")
    catalogue_from = data_dir / periods[full]["catalogue"]
    read_yaml(catalogue_from)  # a missing or unreadable source is said here, before anything is written
    if targets_from and not (data_dir / targets_from).is_file():
        shown = project_relative(data_dir / targets_from)
        raise DataError(f"Không tìm thấy tệp {shown} (targets của kỳ {full}).")
    catalogue_text = describe_new_catalogue(catalogue_from, source_year, year, targets_to)
    added = {
        new_period_id(pid, source_year, year): new_period(periods, pid, full, source_year, year)
        for pid in sources
    }
    for spec in added.values():
        spec["catalogue"] = catalogue_to
        if targets_to:
            spec["targets"] = targets_to
        else:
            spec.pop("targets", None)
    comment = describe_new_periods(year, source_year, full)
    periods_text = insert_periods(path, raw, added, comment)
    # Everything is checked; only now is anything written.
    _write_new(data_dir / catalogue_to, catalogue_text)
    if targets_to:
        shutil.copyfile(data_dir / targets_from, data_dir / targets_to)
    path.write_text(periods_text, encoding="utf-8")
    return NewYear(year, source_year, catalogue_to, targets_to, tuple(added))


def check_new_year(path: Path, periods: dict, year: int) -> None:
    """A DataError if periods.yaml already has a period of `year`."""
    existing = [str(pid) for pid, spec in periods.items() if _year_of(spec) == year]
    if existing:
        raise DataError(
            f"{project_relative(path)}: đã có kỳ báo cáo của năm {year} ({', '.join(existing)}); "
            "lệnh không ghi đè. Sửa trực tiếp các tệp của năm đó, hoặc chọn năm khác."
        )


def planned_periods(path: Path, periods: dict, source_year: int) -> list[str]:
    """The periods of `source_year` that have a plan (a catalogue), in the file's order."""
    found = [str(pid) for pid, spec in periods.items() if _year_of(spec) == source_year and _has_plan(spec)]
    if not found:
        years = sorted({_year_of(s) for s in periods.values() if _has_plan(s)} - {None})
        known = ", ".join(map(str, years)) or "không có"
        raise DataError(
            f"{project_relative(path)}: không có kỳ nào của năm {source_year} có danh mục chỉ tiêu "
            f"(catalogue) để chép. Các năm có kế hoạch: {known} (chọn bằng --from)."
        )
    return found


def _year_of(spec: Any) -> int | None:
    try:
        return int(spec["year"])
    except (TypeError, KeyError, ValueError):
        return None


def _has_plan(spec: Any) -> bool:
    return isinstance(spec, dict) and bool(spec.get("catalogue"))


def new_period_id(period_id: str, source_year: int, year: int) -> str:
    """2022-H1 -> 2023-H1; an id without its year gets the new year in front."""
    if str(source_year) in period_id:
        return period_id.replace(str(source_year), str(year))
    return f"{year}-{period_id}"


def new_period(periods: dict, period_id: str, full: str, source_year: int, year: int) -> dict:
    """A source period's entry for the new year: the same months, review and progress; the tree
    of the source year's whole-year period; the label and report date moved to the new year; the
    same period last year is the new year's previous one, where periods.yaml has it."""
    spec = copy.deepcopy(periods[period_id])
    spec["year"] = year
    spec["label"] = replace_year(str(spec.get("label", "")), source_year, year)
    for key in ("org", "levels"):
        if key in periods[full]:
            spec[key] = periods[full][key]
    last_year = new_period_id(new_period_id(period_id, source_year, year), year, year - 1)
    if last_year in periods:
        spec["same_period_last_year"] = last_year
    else:
        spec.pop("same_period_last_year", None)
    if spec.get("report_date"):
        spec["report_date"] = move_date(spec["report_date"], year - source_year)
    return spec


def replace_year(text: str, source_year: int, year: int) -> str:
    return re.sub(rf"(?<!\d){source_year}(?!\d)", str(year), text)


def move_date(value: Any, years: int) -> dt.date:
    """A date `years` later (29 February becomes 28 February)."""
    date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def describe_new_catalogue(source: Path, source_year: int, year: int, targets: str | None) -> str:
    """The source catalogue's text with the plan's year and title moved to `year`, under a comment
    saying what to edit; its own comments are kept as they were."""
    text = source.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^plan:\s*(#.*)?$", line)), None)
    for index in range(start + 1 if start is not None else len(lines), len(lines)):
        if TOP_LEVEL_KEY.match(lines[index]):
            break
        if re.match(r"^\s+(year|title):", lines[index]):
            lines[index] = replace_year(lines[index], source_year, year)
    edited = "".join(lines)
    plan = yaml.load(edited, Loader=SAFE_LOADER).get("plan") or {}
    if "year" in plan and plan["year"] != year:
        raise DataError(
            f"{project_relative(source)}: không sửa được năm của kế hoạch (plan → year); "
            "viết mục plan theo từng dòng (year: ..., title: ...) rồi chạy lại lệnh."
        )
    targets_note = (
        f"#   - {targets}: chỉ tiêu giao từng đơn vị, hiện CHÉP NGUYÊN của năm {source_year}:\n"
        f"#     phải thay bằng chỉ tiêu giao năm {year} trước khi lập báo cáo.\n"
        if targets
        else ""
    )
    header = (
        f"# Danh mục chỉ tiêu năm {year}, chép từ {project_relative(source)} bằng lệnh\n"
        f"# `reportkit new year {year} --from {source_year}`. CẦN SỬA theo kế hoạch năm {year}:\n"
        "#   - plan: title, theme và source (tên, số, ngày của kế hoạch);\n"
        "#   - indicators: city_target (chỉ tiêu của thành phố), threshold, minimum; thêm hoặc bớt\n"
        "#     chỉ tiêu, số liệu (measures) nếu kế hoạch đổi;\n"
        f"{targets_note}"
        f"# Các chú thích dưới đây là của tệp năm {source_year}, chép nguyên.\n"
        "#\n"
    )
    return header + edited


def describe_new_periods(year: int, source_year: int, full: str) -> str:
    return (
        f"Năm {year}: thêm bằng lệnh `reportkit new year {year} --from {source_year}`, chép từ các kỳ năm "
        f"{source_year}. CẦN SỬA: report_date (ngày báo cáo), label nếu cần; org và levels nếu cây tổ "
        f"chức năm {year} khác cây của kỳ {full}. Kỳ mặc định (default, đầu tệp) không đổi."
    )


def insert_periods(path: Path, raw: dict, added: dict[str, dict], comment: str) -> str:
    """periods.yaml's text with `added` at the end of its `periods:` mapping, under `comment`.
    The text is parsed back: anything but the old content plus `added` is a DataError."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((i for i, line in enumerate(lines) if re.match(r"^periods:\s*(#.*)?$", line)), None)
    if start is None:
        raise DataError(f"{project_relative(path)}: không tìm thấy dòng “periods:” ở đầu dòng.")
    end = _block_end(lines, start)
    indent = _child_indent(lines[start + 1 : end]) or 2
    block = yaml.safe_dump(
        added, allow_unicode=True, sort_keys=False, default_flow_style=False, indent=indent, width=1000
    )
    pad = " " * indent
    words = textwrap.wrap(comment, width=100 - indent)
    new_lines = ["\n", *(f"{pad}# {w}\n" for w in words), *(pad + line for line in block.splitlines(True))]
    edited = "".join(lines[:end] + new_lines + lines[end:])
    expected = copy.deepcopy(raw)
    expected["periods"] = {**raw["periods"], **added}
    try:
        parsed = yaml.load(edited, Loader=SAFE_LOADER)
    except yaml.YAMLError:
        parsed = None
    if parsed != expected:
        raise DataError(
            f"{project_relative(path)}: không thêm tự động được các kỳ {', '.join(added)} vào mục "
            "periods (mục này không viết theo từng dòng?); thêm tay, theo mẫu các kỳ đã có."
        )
    return edited


def _block_end(lines: Sequence[str], start: int) -> int:
    """Where the mapping begun at `start` ends: before the next top-level key and the comments
    and blank lines just above it (they belong to that key), else at the end of the file."""
    end = next((i for i in range(start + 1, len(lines)) if TOP_LEVEL_KEY.match(lines[i])), len(lines))
    if end < len(lines):
        while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
    return end


def _child_indent(lines: Sequence[str]) -> int | None:
    for line in lines:
        stripped = line.lstrip(" ")
        if stripped.strip() and not stripped.startswith("#"):
            return len(line) - len(stripped)
    return None


def _write_new(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------------- new project


def start_project(source_root: str | os.PathLike[str], target: str | os.PathLike[str]) -> list[Path]:
    """A new organisation's project in `target` (absent or empty), from the project at `source_root`:
    its data (not the sample), params/defaults.yaml (no unit's parameters, no analyst's text) and
    notebooks, and the guide listing what to edit. The files to edit, relative to `target`."""
    source = ProjectPaths.at(Path(source_root).resolve())
    new = ProjectPaths.at(Path(target).resolve())
    if not periods_file(source.data_dir).is_file():
        raise DataError(
            f"{source.root} không phải thư mục dự án: không có {periods_file(Path('data')).as_posix()}."
        )
    check_empty(new.root)
    new.root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source.data_dir, new.data_dir, ignore=_skip_sample(source.data_dir))
    (new.params_dir / UNITS_DIR).mkdir(parents=True)
    (new.params_dir / NARRATIVE_DIR).mkdir()
    if defaults_file(source.params_dir).is_file():
        shutil.copyfile(defaults_file(source.params_dir), defaults_file(new.params_dir))
    if source.notebooks_dir.is_dir():
        shutil.copytree(source.notebooks_dir, new.notebooks_dir, ignore=shutil.ignore_patterns(*SKIPPED))
    to_edit = files_to_edit(new)
    (new.root / GUIDE_FILE).write_text(describe_guide(new, to_edit, source.root), encoding="utf-8")
    return to_edit


def check_empty(folder: Path) -> None:
    """A ReportKitError if `folder` is a file or a folder with anything in it."""
    if folder.is_file():
        raise ReportKitError(f"{folder} là một tệp, không phải thư mục: chọn thư mục khác cho dự án mới.")
    if folder.is_dir() and any(folder.iterdir()):
        count = sum(1 for _ in folder.iterdir())
        raise ReportKitError(
            f"Thư mục {folder} không trống ({count} mục): lệnh chỉ tạo dự án mới trong thư mục "
            "trống hoặc chưa có, để không ghi đè tệp nào."
        )


def _skip_sample(data_dir: Path):
    def ignore(folder: str, names: list[str]) -> list[str]:
        skipped = [n for n in names if n in SKIPPED]
        return skipped + ([SAMPLE_DIR] if Path(folder) == data_dir and SAMPLE_DIR in names else [])

    return ignore


def files_to_edit(paths: ProjectPaths) -> list[Path]:
    """The new project's files that carry the old organisation's words, tree or plan: the wording,
    the default parameters, the files the periods name, periods.yaml, then any other data file."""
    data = paths.data_dir
    raw = read_yaml(periods_file(data))
    named = [
        data / str(spec[key])
        for spec in (raw.get("periods") or {}).values()
        if isinstance(spec, dict)
        for key in ("org", "levels", "catalogue", "targets")
        if spec.get(key)
    ]
    wording = sorted((data / WORDING_FILE).parent.rglob("*.yaml"))
    first = [*wording, defaults_file(paths.params_dir), *named, periods_file(data)]
    others = sorted(p for p in data.rglob("*") if p.is_file() and p not in first)
    ordered = dict.fromkeys(p for p in [*first, *others] if p.is_file())
    return [p.relative_to(paths.root) for p in ordered]


# What each kind of file holds, for the guide, by a pattern of its path relative to the project.
GUIDE_WORDS = (
    (
        r"data/wording/.*\.ya?ml",
        "câu chữ của báo cáo, mẫu biểu, thông báo: tên tổ chức ở từng cấp, nơi nhận tệp",
    ),
    (
        rf"params/{DEFAULTS_FILE}",
        "tham số chung của báo cáo: ký hiệu văn bản (doc_symbol), nơi nhận (recipients)",
    ),
    (r"data/org/units[^/]*\.csv", "các đơn vị của tổ chức: mã, tên, loại, mã đơn vị cấp trên"),
    (
        r"data/org/levels[^/]*\.ya?ml",
        "các cấp: tên gọi, cấp nào gửi số liệu (submits), cấp nào có báo cáo (reports)",
    ),
    (
        r"data/catalogue/.*\.ya?ml",
        "kế hoạch: các số liệu, chỉ tiêu, chỉ tiêu của cấp trên cùng (city_target)",
    ),
    (r"data/targets/.*\.csv", "chỉ tiêu giao cho từng đơn vị"),
    (r"data/periods\.yaml", "các kỳ báo cáo: xóa kỳ không dùng, sửa ngày báo cáo, kỳ mặc định (default)"),
)


def describe_guide(paths: ProjectPaths, to_edit: Sequence[Path], source: Path) -> str:
    """HƯỚNG DẪN.md: what the folder is, the files to edit (each with what it holds), what next."""
    default = read_yaml(periods_file(paths.data_dir)).get("default", "KỲ")
    rows = []
    for number, path in enumerate(to_edit, start=1):
        name = path.as_posix()
        holds = next((words for pattern, words in GUIDE_WORDS if re.fullmatch(pattern, name)), "")
        rows.append(f"{number}. `{name}`" + (f": {holds}." if holds else "."))
    return "\n".join(
        [
            "# Hướng dẫn: dự án báo cáo mới",
            "",
            f"Thư mục này được tạo bằng lệnh `reportkit new project` từ dự án `{source}`: có các tệp dữ "
            "liệu, tham số chung và notebook của dự án đó, chưa có số liệu gửi về, kho số liệu, báo cáo "
            "đã lập hay phần viết của người phân tích.",
            "",
            "Các lệnh chạy được ngay, nhưng mẫu biểu và báo cáo vẫn mang tên, ký hiệu, cây tổ chức và "
            "chỉ tiêu của tổ chức cũ cho đến khi sửa các tệp dưới đây.",
            "",
            "## Các tệp cần sửa",
            "",
            *rows,
            "",
            "Tham số riêng của một đơn vị (số văn bản, người ký, nơi nhận) đặt trong "
            "`params/units/<mã>.yaml`; phần viết của người phân tích trong "
            "`params/narrative/<kỳ>/<mã>.md`.",
            "",
            "## Sau đó",
            "",
            f"- `reportkit template --period {default}`: lập mẫu biểu gửi các đơn vị;",
            "- `reportkit intake TỆP...`: nhận các tệp gửi về; `reportkit build --period KỲ`: lập báo cáo;",
            "- năm sau: `reportkit new year NĂM` chép kế hoạch năm trước sang năm mới.",
            "",
        ]
    )
