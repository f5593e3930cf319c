"""Read the project's data files (YAML and CSV under data/ and params/), each format through one
reader, so that a typo in any of them stops a command with a Vietnamese DataError that names the
file (relative to the project), the line (and for YAML the column) and what is wrong, never with
a Python traceback.

`check_yaml_files` reads every YAML file once, before a command uses any (report.inputs.check_project
adds the CSV files the project names): a build fails as a whole, before any report runs, rather than
each report failing on the same file."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError
from .paths import PERIODS_FILE
from .vntext import clean_text

# libyaml's parser, where PyYAML was built with it: the same safe loading, ten times faster
# on the catalogue and wording files that every report reads.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_SUFFIXES = (".yaml", ".yml")

# The parser's words for the usual typos, in plain Vietnamese. Checked in order: the first
# phrase found in the parser's message (or its context) gives the explanation.
YAML_PROBLEMS = (
    (
        "mapping values are not allowed",
        "có dấu hai chấm (:) ở chỗ không được phép. Nếu chữ có dấu hai chấm, đặt cả chữ trong "
        'ngoặc kép, ví dụ: tên: "Ghi chú: cơ sở"',
    ),
    ("could not find expected ':'", "thiếu dấu hai chấm (:) sau tên mục, hoặc một dòng bị ngắt giữa chừng"),
    ("cannot start any token", "có ký tự không được phép ở đầu một giá trị (dấu tab, @ hoặc `)"),
    ("found a tab character", "có dấu tab; YAML chỉ thụt lề bằng dấu cách"),
    ("while scanning a quoted scalar", "dấu ngoặc kép mở mà không đóng"),
    ("while parsing a flow", "dấu ngoặc [ ] hoặc { } mở mà không đóng"),
    ("did not find expected key", "thụt lề không khớp với các dòng trên"),
    ("expected <block end>", "thụt lề không khớp với các dòng trên"),
    ("did not find expected '-'", "thụt lề không khớp với các dòng trên của danh sách"),
    ("found undefined alias", "dùng tham chiếu (*) chưa được định nghĩa"),
    ("found duplicate anchor", "một tên neo (&) được định nghĩa hai lần"),
    ("could not determine a constructor", "có nhãn kiểu (!) không được phép"),
)
TYPE_NAMES = {
    dict: "một bảng “tên: giá trị”",
    list: "một danh sách (các dòng bắt đầu bằng “- ”)",
    str: "một chữ",
    int: "một số nguyên",
}


def project_relative(path: str | Path) -> str:
    """A path as the user knows it: relative to the project folder (the one holding
    data/periods.yaml), else relative to the current folder, else as given."""
    path = Path(path)
    absolute = path.resolve()
    for folder in absolute.parents:
        if (folder / "data" / PERIODS_FILE).is_file():
            return absolute.relative_to(folder).as_posix()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def _read_text(path: Path, encoding: str = "utf-8") -> str:
    """A file's text; a missing or non-UTF-8 file is a DataError saying where and what to do."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise DataError(f"Không tìm thấy tệp {project_relative(path)}") from exc
    except IsADirectoryError as exc:
        raise DataError(f"{project_relative(path)} là một thư mục, không phải tệp") from exc
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{project_relative(path)}, dòng {line}: tệp không ở bảng mã UTF-8 (có lẽ được lưu bằng "
            "bảng mã cũ như Windows-1258 hay TCVN3). Mở tệp và lưu lại với bảng mã UTF-8 "
            "(Excel: “CSV UTF-8”; Notepad: “UTF-8”)."
        ) from None


# ----------------------------------------------------------------------------------------- YAML


def read_yaml(path: str | Path, expect: type = dict) -> Any:
    """A YAML file's content, which must be `expect` (a mapping by default; an empty file is an
    empty one). A syntax error is a DataError with the file, line, column and the cause in words."""
    path = Path(path)
    text = _read_text(path)
    try:
        content = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        raise DataError(describe_yaml_error(path, exc)) from None
    except yaml.YAMLError as exc:
        raise DataError(f"{project_relative(path)}: không đọc được tệp YAML ({exc})") from None
    if content is None:
        content = expect()
    if not isinstance(content, expect):
        raise DataError(
            f"{project_relative(path)}, dòng 1: cả tệp phải là {TYPE_NAMES.get(expect, expect.__name__)}, "
            f"nhưng lại là {describe_type(content)}."
        )
    return content


def describe_yaml_error(path: Path, exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f", dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
    said = f"{exc.problem or ''} {exc.context or ''}"
    explained = next((words for phrase, words in YAML_PROBLEMS if phrase in said), None)
    if explained is None:
        explained = f"sai cú pháp YAML (bộ đọc báo: {exc.problem or exc.context})"
    return f"{project_relative(path)}{where}: {explained}."


def describe_type(value: object) -> str:
    if value is None:
        return "để trống"
    for kind, name in TYPE_NAMES.items():
        if isinstance(value, kind) and not isinstance(value, bool):
            return name
    return f"giá trị “{value}”"


def yaml_line(path: Path, keys: Sequence[str | int]) -> int | None:
    """The line (from 1) of the value at `keys` in a YAML file, for a message; None if not found."""
    try:
        node = yaml.compose(_read_text(path), Loader=yaml.SafeLoader)
    except (DataError, yaml.YAMLError):
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            node = None
        if node is None:
            return line
        line = node.start_mark.line + 1
    return line


def shape_error(path: Path, keys: Sequence[str | int], problem: str) -> DataError:
    """A DataError for content of the wrong shape at `keys`, with the line where it is."""
    line = yaml_line(path, keys)
    where = f", dòng {line}" if line else ""
    named = " → ".join(str(k) for k in keys)
    return DataError(f"{project_relative(path)}{where}: {('mục ' + named + ': ') if keys else ''}{problem}.")


def require(content: Any, path: Path, keys: Sequence[str | int], expect: type, optional: bool = False) -> Any:
    """The value at `keys` (each a mapping key or a list index) in a file's content, checked to be
    `expect`; a missing or mistyped one is a DataError naming it and its line."""
    value = content
    for depth, key in enumerate(keys):
        container = value
        if _has(container, key):
            value = container[key]
        elif isinstance(container, Mapping) and optional and depth == len(keys) - 1:
            return expect()
        elif isinstance(container, Mapping):
            raise shape_error(path, keys[:depth], f"thiếu mục “{key}”")
        else:
            found = describe_type(container)
            raise shape_error(path, keys[:depth], f"phải là {TYPE_NAMES[dict]}, nhưng lại là {found}")
    if value is None and optional:
        return expect()
    if not isinstance(value, expect) or (isinstance(value, bool) and expect is not bool):
        wanted = TYPE_NAMES.get(expect, expect.__name__)
        raise shape_error(path, keys, f"phải là {wanted}, nhưng lại là {describe_type(value)}")
    return value


def _has(container: Any, key: str | int) -> bool:
    if isinstance(container, list):
        return isinstance(key, int) and 0 <= key < len(container)
    return isinstance(container, Mapping) and key in container


def require_each(content: Any, path: Path, keys: Sequence[str | int], fields: Sequence[str]) -> list[dict]:
    """The list at `keys`, each item a mapping with every one of `fields`."""
    items = require(content, path, keys, list)
    for index in range(len(items)):
        require(content, path, (*keys, index), dict)
        for name in fields:
            require(content, path, (*keys, index, name), object)
    return items


# ------------------------------------------------------------------------------------------ CSV


def read_csv_lines(path: str | Path, columns: Sequence[str] = ()) -> list[tuple[int, dict[str, str]]]:
    """A CSV file's rows as (line number, {column: text}), blank lines skipped. The header must
    have every one of `columns`, and each row as many cells as the header: otherwise a DataError
    names the file, the line and what is missing."""
    path = Path(path)
    text = _read_text(path, "utf-8-sig")
    shown = project_relative(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [clean_text(h).strip() for h in next(reader, [])]
        missing = [c for c in columns if c not in header]
        if missing:
            raise DataError(
                f"{shown}, dòng 1: dòng tiêu đề thiếu cột {', '.join(missing)}. "
                f"Dòng đầu của tệp phải có các cột: {','.join(columns)} (đang là: {','.join(header)})."
            )
        rows = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                few = "thiếu" if len(row) < len(header) else "thừa"
                raise DataError(
                    f"{shown}, dòng {reader.line_num}: {few} ô — dòng có {len(row)} ô, tiêu đề có "
                    f"{len(header)} cột ({','.join(header)}). Có thể thiếu hoặc thừa một dấu phẩy; "
                    "chữ có dấu phẩy phải đặt trong ngoặc kép."
                )
            rows.append((reader.line_num, {k: clean_text(v) for k, v in zip(header, row, strict=True)}))
    except csv.Error as exc:
        raise DataError(f"{shown}, dòng {reader.line_num}: dòng không đúng định dạng CSV ({exc})") from None
    return rows


def read_csv_rows(path: str | Path, columns: Sequence[str] = ()) -> list[dict[str, str]]:
    """A CSV file's rows (see read_csv_lines), without their line numbers."""
    return [row for _, row in read_csv_lines(path, columns)]


def csv_number(path: Path, line: int, row: Mapping[str, str], column: str) -> Decimal:
    """A cell that must be a number, written with a decimal point (3.5, 218947)."""
    text = row[column].strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise DataError(
            f"{project_relative(path)}, dòng {line}, cột {column}: “{text}” không phải là số. "
            "Viết số không có dấu phân cách hàng nghìn, dấu chấm là dấu thập phân (ví dụ 218947 hoặc 3.5)."
        )
    return value


# ------------------------------------------------------------------------------ whole project


def check_yaml_files(*folders: str | Path) -> None:
    """Read every YAML file under the folders once: the first that cannot be read (a syntax error,
    a file that is not UTF-8) is a DataError. (The CSV files are checked by their loaders: the kit
    reads only those that periods.yaml and the params name, and a folder may hold others, such as
    submissions kept as received.)"""
    for folder in map(Path, folders):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.suffix.lower() in YAML_SUFFIXES:
                    read_yaml(path, object)
