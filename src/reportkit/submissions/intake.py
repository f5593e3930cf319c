"""Intake: take submitted files into the store, one transaction each: read, check, archive, store."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ..model import Period, Plan
from ..paths import STORE_ARCHIVE, STORE_DB, periods_file, store_db, wording_file
from ..report.inputs import load_identity, load_periods, load_plan
from . import store
from .read import TEMPLATE_VERSION, read_submission
from .validate import Location, RawSubmission, Verdict, check_identity, check_submission, problem, reject


@dataclass(frozen=True)
class Received:
    """What became of one file: taken in, already there, or refused (and why)."""

    path: Path
    file_name: str
    sha256: str
    status: str  # "accepted", "repeat" or "rejected"
    verdict: Verdict | None = None  # None for a repeat: it was checked when first taken in
    submission: store.Submission | None = None  # the stored submission (new, or the earlier same file)
    current: store.Submission | None = None  # what the reports use now for its unit and period
    plan: Plan | None = None

    @property
    def is_current(self) -> bool:
        return (
            self.submission is not None and self.current is not None and self.current.id == self.submission.id
        )


class Plans:
    """Each period's plan, loaded once per intake run."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.periods: dict[str, Period] = load_periods(periods_file(data_dir))[0]
        self._plans: dict[str, Plan] = {}
        self.identity = load_identity(wording_file(data_dir))

    def __getitem__(self, period_id: str) -> Plan:
        if period_id not in self._plans:
            self._plans[period_id] = load_plan(self.data_dir, period_id)
        return self._plans[period_id]


def take_in_files(
    paths: Iterable[Path], data_dir: Path, store_dir: Path, expected_period: str | None = None
) -> list[Received]:
    """Take each file in, in the order given (a folder: its files by name); one file's errors, or
    the kit failing to read or check it, do not stop the others. A store that cannot be written
    (a full disk) stops the run: no later file could be stored either."""
    plans = Plans(data_dir)
    with closing(store.open_store(store_dir)) as conn:
        return [take_in_file(conn, store_dir, f, plans, expected_period) for f in list_files(paths)]


def list_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, a folder standing for the files in it, by name."""
    files = []
    for path in map(Path, paths):
        files += sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    return files


def take_in_file(
    conn,
    store_dir: Path,
    path: Path,
    plans: Plans,
    expected_period: str | None = None,
    file_name: str | None = None,
    received_at: str | None = None,
) -> Received:
    """One file: a repeat changes nothing; errors keep it out; else it is stored, all or nothing."""
    file_name = file_name or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = "không có tệp này" if isinstance(exc, FileNotFoundError) else "không đọc được"
        refused = problem("file_missing", Location(file_name), detail=reason)
        return Received(path, file_name, "", "rejected", Verdict(None, None, (), (refused,)))
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = store.find_submission(conn, sha256)
    if earlier is not None:
        current = store.current_submission(conn, earlier.period, earlier.unit_code)
        return Received(path, file_name, sha256, "repeat", None, earlier, current)
    try:
        raw = read_submission(data, file_name)
        verdict, plan = check_raw(conn, raw, plans, expected_period)
    except Exception as exc:  # the kit failing on this file refuses it alone; the run goes on
        failed = problem("check_failed", Location(file_name), detail=f"{type(exc).__name__}: {exc}")
        return Received(path, file_name, sha256, "rejected", Verdict(None, None, (), (failed,)))
    if not verdict.accepted:
        return Received(path, file_name, sha256, "rejected", verdict, plan=plan)
    received_at = received_at or store.utc_now()
    new = store.NewSubmission(
        sha256=sha256,
        file_name=file_name,
        kind=raw.kind,
        period=verdict.period,
        unit_code=verdict.unit_code,
        template_version=raw.template_version,
        is_sample=raw.is_sample,
        made_at=store.as_utc_text(raw.made_at) if raw.made_at else received_at,
        received_at=received_at,
        size=len(data),
    )
    submission = store.write_submission(conn, store_dir, data, new, verdict.figures, verdict.warnings)
    current = store.current_submission(conn, new.period, new.unit_code)
    return Received(path, file_name, sha256, "accepted", verdict, submission, current, plan)


def check_raw(
    conn, raw: RawSubmission, plans: Plans, expected_period: str | None
) -> tuple[Verdict, Plan | None]:
    """The verdict on a file as read, with the plan of its period when it has one."""
    issuer = plans.identity.issuer
    period, problems = check_identity(raw, plans.periods, expected_period, TEMPLATE_VERSION, issuer)
    if period is None:
        return reject(raw, problems), None
    plan = plans[period]
    last_year = plan.period.same_period_last_year
    previous = store.read_values(conn, last_year) if last_year else {}
    return check_submission(raw, plan, previous, problems), plan


def rebuild_store(data_dir: Path, store_dir: Path) -> list[Received]:
    """Take every archived file in again, in the order first received, into a new database.

    For a lost or damaged reportkit.sqlite: the archive holds every original as received, and
    a note of its name and time of receipt beside it. The old database, if any, is kept aside."""
    archive = store_dir / STORE_ARCHIVE
    notes = [json.loads(p.read_text(encoding="utf-8")) for p in archive.glob("*.json")]
    notes.sort(key=lambda n: n["received_at"])
    db = store_db(store_dir)
    if db.exists():
        db.replace(db.with_name(f"{STORE_DB}.{store.utc_now().replace(':', '')}.bak"))
    plans = Plans(data_dir)
    results = []
    with closing(store.open_store(store_dir)) as conn:
        for note in notes:
            original = next(p for p in archive.glob(f"{note['sha256']}.*") if p.suffix != ".json")
            results.append(
                take_in_file(conn, store_dir, original, plans, None, note["file_name"], note["received_at"])
            )
    return results
