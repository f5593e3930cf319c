"""The period's manifest, outputs/<period>/manifest.json: what each report was built from, and how it went."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BuildBusyError
from ..files import write_atomic
from ..paths import EXECUTED_DIR, LOCK_FILE, LOGS_DIR, MANIFEST_FILE

FORMAT = 1

BUILT, FAILED = "built", "failed"


@dataclass(frozen=True)
class Entry:
    """One report's last build."""

    stem: str
    unit: str
    title: str
    status: str  # BUILT or FAILED
    key: str  # digest of all inputs
    inputs: Mapping[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    engine: str = ""
    versions: Mapping[str, str] = field(default_factory=dict)
    built_at: str = ""  # UTC; for people reading the manifest, never part of a report
    error: str = ""
    last_good_at: str = ""  # UTC: the last build that succeeded, whose HTML and PDF are kept on failure
    draft: bool = False  # the report has a placeholder section; its PDF is stamped DỰ THẢO
    draft_note: str = ""  # what is missing and the file to write it in

    @property
    def ok(self) -> bool:
        return self.status == BUILT

    def outputs(self) -> dict[str, str]:
        return {
            "html": f"{self.stem}.html",
            "pdf": f"{self.stem}.pdf",
            "notebook": f"notebooks/{self.stem}.ipynb",
        }


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _entry_from_json(stem: str, raw: Mapping[str, Any]) -> Entry:
    names = {f.name for f in dataclasses.fields(Entry)} - {"stem"}
    return Entry(stem=stem, **{k: v for k, v in raw.items() if k in names})


class Manifest:
    """The entries of one period, read at the start of a build and saved as reports finish."""

    def __init__(self, out_dir: Path, period: str, entries: dict[str, Entry] | None = None) -> None:
        self.out_dir, self.period = out_dir, period
        self.entries: dict[str, Entry] = dict(entries or {})
        self._json: dict[str, tuple[Entry, dict]] = {}  # each entry in JSON's shape, made once

    @classmethod
    def load(cls, out_dir: Path, period: str) -> Manifest:
        """The saved manifest; a missing or unreadable one is empty (everything is rebuilt)."""
        try:
            raw = json.loads((out_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT or raw.get("period") != period:
                return cls(out_dir, period)
            entries = {stem: _entry_from_json(stem, e) for stem, e in raw["reports"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            return cls(out_dir, period)
        return cls(out_dir, period, entries)

    def is_current(self, stem: str, key: str) -> bool:
        """Built from exactly these inputs, and its outputs are still there."""
        entry = self.entries.get(stem)
        if entry is None or not entry.ok or entry.key != key:
            return False
        return all((self.out_dir / name).is_file() for name in entry.outputs().values())

    def changed_inputs(self, stem: str, inputs: Mapping[str, str]) -> tuple[str, ...]:
        """Which inputs differ from the last build (all of them for a new report)."""
        entry = self.entries.get(stem)
        if entry is None:
            return ("new",)
        changed = tuple(name for name, value in inputs.items() if entry.inputs.get(name) != value)
        return changed or (("failed",) if not entry.ok else ("outputs",))

    def last_good_at(self, stem: str) -> str:
        """When the report last built well (UTC), or "" if it never did."""
        entry = self.entries.get(stem)
        if entry is None:
            return ""
        return entry.built_at if entry.ok else entry.last_good_at

    def kept_note(self, stem: str) -> str:
        """For a report that failed while its last good PDF is kept: which build that PDF is from,
        as "bản của lần lập trước, 14:05 ngày 02/12/2026" in the machine's local time."""
        entry = self.entries.get(stem)
        pdf = self.out_dir / f"{stem}.pdf"
        if entry is None or entry.ok or not pdf.is_file():
            return ""
        # A manifest written before last_good_at was kept: the PDF's own time says when.
        moment = entry.last_good_at or dt.datetime.fromtimestamp(pdf.stat().st_mtime, dt.UTC).isoformat()
        local = dt.datetime.fromisoformat(moment).astimezone()
        return f"bản của lần lập trước, {local:%H:%M} ngày {local:%d/%m/%Y}"

    def record(self, entry: Entry) -> None:
        self.entries[entry.stem] = entry

    def save(self) -> Path:
        reports = {stem: self._entry_json(stem) for stem in sorted(self.entries)}
        document = {"format": FORMAT, "period": self.period, "reports": reports}
        text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        return write_atomic(self.out_dir / MANIFEST_FILE, text)

    def _entry_json(self, stem: str) -> dict:
        # A long build saves every second: an entry (frozen) is converted once, not at every save.
        entry, cached = self.entries[stem], self._json.get(stem)
        if cached is None or cached[0] is not entry:
            raw = dataclasses.asdict(entry)
            del raw["stem"]
            self._json[stem] = cached = (entry, {**raw, "outputs": entry.outputs()})
        return cached[1]


@contextlib.contextmanager
def period_lock(out_dir: Path) -> Iterator[None]:
    """Only one build writes a period's folder at a time. The lock is on the folder itself: a lock
    file removed at the end could be removed under a build that opened it meanwhile."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; one build at a time is on the user
        yield
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    handle = os.open(out_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            busy = f"Một lần lập báo cáo khác đang ghi vào {out_dir}; hãy chờ nó xong."
            raise BuildBusyError(busy) from None
        # Earlier versions locked a file in the folder; under the lock it is safe to remove.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(out_dir / LOCK_FILE)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def remove_stale_temp_files(out_dir: Path) -> list[Path]:
    """Remove the temp files (`.<name>.<random>.tmp`) a killed build left; under the period lock."""
    removed = []
    for folder in (out_dir, out_dir / EXECUTED_DIR, out_dir / LOGS_DIR):
        for path in folder.glob(".*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
                removed.append(path)
    return removed
