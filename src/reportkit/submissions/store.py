"""Store: received submissions, their figures and history in one SQLite file, originals archived by hash."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Collection, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import StoreError
from ..model import FigureSet
from ..paths import STORE_ARCHIVE, store_db
from .validate import CheckedFigure, Problem

SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per file taken in; never updated or deleted: this is the history.
CREATE TABLE IF NOT EXISTS submission (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,        -- of the file as received; its archive name
    file_name TEXT NOT NULL,            -- as received
    archive_name TEXT NOT NULL,         -- archive/<sha256>.<ext>, relative to the store
    kind TEXT NOT NULL,                 -- xlsx or csv
    period TEXT NOT NULL,
    unit_code TEXT NOT NULL,            -- the district association that sent it
    template_version TEXT,
    is_sample INTEGER NOT NULL,
    made_at TEXT NOT NULL,              -- when the file was last saved (workbooks), else received_at
    received_at TEXT NOT NULL,
    size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS submission_by_unit ON submission (period, unit_code);
CREATE TABLE IF NOT EXISTS figure (
    submission_id INTEGER NOT NULL REFERENCES submission (id),
    unit_code TEXT NOT NULL,            -- the district or one of its grassroots units
    measure TEXT NOT NULL,
    value TEXT NOT NULL,                -- exact decimal text
    sheet TEXT NOT NULL,                -- where it was read ('' for CSV)
    cell TEXT NOT NULL,
    PRIMARY KEY (submission_id, unit_code, measure)
);
-- The warnings a submission was taken in with (errors keep a file out of the store).
CREATE TABLE IF NOT EXISTS problem (
    submission_id INTEGER NOT NULL REFERENCES submission (id),
    severity TEXT NOT NULL, code TEXT NOT NULL, sheet TEXT NOT NULL, cell TEXT NOT NULL,
    indicator TEXT NOT NULL, found TEXT NOT NULL, message TEXT NOT NULL, expected TEXT NOT NULL
);
-- What the reports use: per unit and period, real data before sample data, then the newest.
CREATE VIEW IF NOT EXISTS current_submission AS
    SELECT s.* FROM submission s
    WHERE s.id = (SELECT t.id FROM submission t WHERE t.period = s.period AND t.unit_code = s.unit_code
                  ORDER BY t.is_sample, t.made_at DESC, t.id DESC LIMIT 1);
CREATE VIEW IF NOT EXISTS current_figure AS
    SELECT s.period, f.unit_code, f.measure, f.value, s.is_sample, f.submission_id, f.sheet, f.cell
    FROM figure f JOIN current_submission s ON s.id = f.submission_id;
"""


@dataclass(frozen=True)
class NewSubmission:
    """A checked file about to be stored."""

    sha256: str
    file_name: str
    kind: str
    period: str
    unit_code: str
    template_version: str | None
    is_sample: bool
    made_at: str
    received_at: str
    size: int

    @property
    def archive_name(self) -> str:
        return f"{STORE_ARCHIVE}/{self.sha256}.{self.kind}"


@dataclass(frozen=True)
class Submission(NewSubmission):
    id: int = 0


@dataclass(frozen=True)
class TracedFigure:
    """A figure the reports use, and where it came from."""

    unit_code: str
    measure: str
    value: Decimal
    sheet: str
    cell: str
    submission: Submission
    older: int  # how many earlier submissions of the same unit and period it replaced


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def as_utc_text(moment: dt.datetime) -> str:
    """A saved-at time as sortable text; workbooks keep it naive, in UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat(timespec="microseconds")


def open_store(store_dir: Path) -> sqlite3.Connection:
    """Open (creating if need be) the store for writing; transactions are explicit."""
    store_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(store_db(store_dir), isolation_level=None, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript(SCHEMA)  # every statement is "IF NOT EXISTS": opening twice is harmless
    conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
    return conn


def open_readonly(db_path: Path) -> sqlite3.Connection:
    """Open the store for reading only: building reports never writes, nor creates an empty store."""
    if not Path(db_path).is_file():
        raise StoreError(
            f"Chưa có kho số liệu {db_path}: chạy `reportkit intake <tệp>` để nhận số liệu "
            "(hoặc `make reports` cho dữ liệu mẫu)."
        )
    conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


def _submission(row: sqlite3.Row) -> Submission:
    fields = dict(row)
    fields.pop("archive_name", None)
    fields["is_sample"] = bool(fields["is_sample"])
    return Submission(**fields)


def find_submission(conn: sqlite3.Connection, sha256: str) -> Submission | None:
    row = conn.execute("SELECT * FROM submission WHERE sha256 = ?", (sha256,)).fetchone()
    return _submission(row) if row else None


def current_submission(conn: sqlite3.Connection, period: str, unit_code: str) -> Submission | None:
    row = conn.execute(
        "SELECT * FROM current_submission WHERE period = ? AND unit_code = ?", (period, unit_code)
    ).fetchone()
    return _submission(row) if row else None


def history(conn: sqlite3.Connection, period: str, unit_code: str) -> list[Submission]:
    """Every submission of a unit and period, the oldest first."""
    rows = conn.execute(
        "SELECT * FROM submission WHERE period = ? AND unit_code = ? ORDER BY made_at, id",
        (period, unit_code),
    )
    return [_submission(r) for r in rows]


def write_submission(
    conn: sqlite3.Connection,
    store_dir: Path,
    data: bytes,
    new: NewSubmission,
    figures: Iterable[CheckedFigure],
    problems: Iterable[Problem],
) -> Submission:
    """Store one file, its figures and warnings, and archive the original: all of it or nothing."""
    created: list[Path] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        submission_id = _insert(conn, new, figures, problems)
        sidecar = {"sha256": new.sha256, "file_name": new.file_name, "received_at": new.received_at}
        for path, content in (
            (store_dir / new.archive_name, data),
            (
                store_dir / STORE_ARCHIVE / f"{new.sha256}.json",
                json.dumps(sidecar, ensure_ascii=False).encode(),
            ),
        ):
            if _write_once(path, content):
                created.append(path)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        for path in created:
            path.unlink(missing_ok=True)
        raise
    return Submission(**vars(new), id=submission_id)


def _insert(conn, new: NewSubmission, figures, problems) -> int:
    columns = [*vars(new), "archive_name"]
    values = [*(int(v) if isinstance(v, bool) else v for v in vars(new).values()), new.archive_name]
    cursor = conn.execute(
        f"INSERT INTO submission ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", values
    )
    submission_id = cursor.lastrowid
    conn.executemany(
        "INSERT INTO figure VALUES (?, ?, ?, ?, ?, ?)",
        [
            (submission_id, f.unit_code, f.measure, str(f.value), f.location.sheet, f.location.cell)
            for f in figures
        ],
    )
    conn.executemany(
        "INSERT INTO problem VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (submission_id, str(p.severity), p.code, p.location.sheet, p.location.cell, p.indicator, p.found,
             p.message, p.expected)
            for p in problems
        ],
    )  # fmt: skip
    return submission_id


def _write_once(path: Path, content: bytes) -> bool:
    """Write a file that never changes after (content-addressed); False if it is there already."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(content)
    partial.chmod(0o444)  # the original as received: read-only from now on
    partial.replace(path)
    return True


def read_values(conn: sqlite3.Connection, period: str) -> dict[tuple[str, str], Decimal]:
    """The figures the reports use for a period, by (unit, measure)."""
    rows = conn.execute("SELECT unit_code, measure, value FROM current_figure WHERE period = ?", (period,))
    return {(r["unit_code"], r["measure"]): Decimal(r["value"]) for r in rows}


def read_figure_rows(
    db_path: Path, period: str, units: Collection[str] | None = None
) -> tuple[list[tuple[str, str, Decimal, bool]], bool]:
    """A period's figures for the reports as (unit, measure, value, from a sample submission), of
    `units` only if given, and whether the period is sample data (any current submission is a sample)."""
    query = "SELECT unit_code, measure, value, is_sample FROM current_figure WHERE period = ?"
    args = [period]
    if units is not None:
        query += " AND unit_code IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(sorted(units)))
    with closing(open_readonly(db_path)) as conn:
        rows = conn.execute(query, args).fetchall()
        sample = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM current_submission WHERE period = ? AND is_sample)", (period,)
        ).fetchone()[0]
    return [(r[0], r[1], Decimal(r[2]), bool(r[3])) for r in rows], bool(sample)


def read_figures(db_path: Path, period: str) -> FigureSet:
    """A period's figures for the reports; sample data if any current submission is a sample."""
    rows, sample = read_figure_rows(db_path, period)
    return FigureSet(period, {(unit, measure): value for unit, measure, value, _ in rows}, sample)


def trace(
    conn: sqlite3.Connection, period: str, unit_codes: Sequence[str], measures: Sequence[str]
) -> list[TracedFigure]:
    """Where each current figure of these units and measures came from: file, sheet, cell."""
    rows = conn.execute("SELECT * FROM current_figure WHERE period = ?", (period,)).fetchall()
    wanted = {(u, m) for u in unit_codes for m in measures}
    by_id: dict[int, tuple[Submission, int]] = {}
    traced = []
    for row in rows:
        if (row["unit_code"], row["measure"]) not in wanted:
            continue
        if row["submission_id"] not in by_id:
            found = conn.execute("SELECT * FROM submission WHERE id = ?", (row["submission_id"],)).fetchone()
            submission = _submission(found)
            by_id[submission.id] = (submission, len(history(conn, period, submission.unit_code)) - 1)
        submission, older = by_id[row["submission_id"]]
        value = Decimal(row["value"])
        traced.append(
            TracedFigure(
                row["unit_code"], row["measure"], value, row["sheet"], row["cell"], submission, older
            )
        )
    order = {code: i for i, code in enumerate(unit_codes)}
    return sorted(traced, key=lambda t: (order[t.unit_code], list(measures).index(t.measure)))
