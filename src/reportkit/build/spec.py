"""Build spec: the settings, jobs and results passed between the command and the build.

Light to import on purpose: the command imports it before it knows whether anything needs
building, and a build with nothing to do must not load pandas or matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT_S = 600.0  # a report may run this long before it is failed
ENGINES = {"inprocess": "reportkit", "kernel": None}  # --engine -> papermill engine name
DEFAULT_ENGINE = "inprocess"


class JobState(StrEnum):
    BUILT = "built"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class Job:
    """One report to build: a unit, its notebook and the parameters papermill injects."""

    unit_code: str
    title: str
    notebook: Path
    stem: str
    parameters: dict[str, Any] = field(hash=False)


@dataclass(frozen=True)
class JobResult:
    job: Job
    state: JobState
    seconds: float
    error: str = ""
    html: Path | None = None
    pdf: Path | None = None
    changed: tuple[str, ...] = ()  # the inputs that made it rebuild
    log_line: str = ""  # the first line the report's cells printed (the whole text: its log)
    kept: str = ""  # a failed report whose last good PDF stays: which build that PDF is from
    draft: str = ""  # a draft (a placeholder section): what is missing and where to write it

    @property
    def ok(self) -> bool:
        return self.state is not JobState.FAILED


@dataclass(frozen=True)
class BuildOptions:
    """How to build: where (local cores or a Dask scheduler), with which engine, how long."""

    workers: int = 0  # 0: one per core
    browser: str | None = None
    engine: str = DEFAULT_ENGINE
    timeout: float = DEFAULT_TIMEOUT_S
    force: bool = False
    scheduler: Any = None  # a Dask scheduler address (or Client); None builds here
    strict: bool = False  # a warning or stderr output while a report runs fails it (tests)
    final: bool = False  # the run that goes to the committee: a draft report fails it


@dataclass(frozen=True)
class PlanSummary:
    """What the build of a request covers, told to the command before the reports start."""

    period: str
    reports: int
    out_dir: Path
