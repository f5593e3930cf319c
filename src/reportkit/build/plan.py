"""Build: plan a period's reports, skip the unchanged, run the rest in isolated processes, write safely."""

from __future__ import annotations

import dataclasses
import os
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..datafiles import read_yaml
from ..digests import digest_bytes
from ..errors import BuildError, DataError
from ..export.index import write_index
from ..export.page import first_line, read_draft
from ..files import write_atomic
from ..model import OrgTree, Period, describe_unknown_units
from ..paths import (
    EXECUTED_DIR,
    INDEX_FILE,
    ProjectPaths,
    defaults_file,
    levels_file,
    log_name,
    periods_file,
    unit_params_file,
    wording_file,
)
from ..report.fonts import printed_params
from ..report.inputs import (
    ReportLoader,
    check_period_texts,
    check_project,
    known_period,
    load_identity,
    load_org_tree,
    load_periods,
)
from ..vntext import slugify
from .fingerprint import combine, digest_notebook, fingerprint_kit, package_versions
from .isolate import ReportRun, ReportTask
from .manifest import (
    BUILT,
    FAILED,
    Entry,
    Manifest,
    now_utc,
    period_lock,
    remove_stale_temp_files,
)
from .spec import (
    ENGINES,
    BuildOptions,
    Job,
    JobResult,
    JobState,
    PlanSummary,
)

if TYPE_CHECKING:
    from ..export.printing import PrintService

DEFAULT_LEVELS = ("city", "district")  # the root unit and its district associations
MANIFEST_SAVE_EVERY_S = 1.0  # progress survives a kill; a big build does not rewrite it per report
PRINT_TIMEOUT_S = 120.0  # one page; a browser that hangs fails its report, not the build


@dataclass(frozen=True)
class Plan:
    """A period's reports, and what they are planned from."""

    period: Period
    previous: Period | None
    tree: OrgTree
    jobs: tuple[Job, ...]


def notebook_for(tree: OrgTree, code: str, paths: ProjectPaths) -> Path:
    """The city notebook for a root unit, the district notebook for every other unit."""
    name = "city.ipynb" if not tree[code].parent_code else "district.ipynb"
    return paths.notebooks_dir / name


def default_workers() -> int:
    """One report process per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 2


def plan_build(
    paths: ProjectPaths, period: str | None = None, units: Sequence[str] = (), levels: Sequence[str] = ()
) -> Plan:
    """The period to build and one job per unit (named units, else the units of `levels`)."""
    periods, default = load_periods(periods_file(paths.data_dir))
    current = known_period(periods, period or default)
    period = current.id
    tree = load_org_tree(paths.data_dir / current.org, levels_file(paths.data_dir))
    unknown = [u for u in units if u not in tree]
    if unknown:
        raise DataError(describe_unknown_units(tree, unknown, current.org))
    codes = units or tree.at_levels(levels or DEFAULT_LEVELS)
    defaults = read_yaml(defaults_file(paths.params_dir))
    jobs = tuple(_job(paths, tree, code, period, defaults) for code in codes)
    previous = periods.get(current.same_period_last_year or "")
    return Plan(current, previous, tree, jobs)


def index_owner(paths: ProjectPaths, tree: OrgTree) -> str:
    """Whose reports the index lists: "<organisation> Thành phố Cần Thơ" (the data names it)."""
    identity = load_identity(wording_file(paths.data_dir))
    return ", ".join(identity.of(tree.title(root.code)) for root in tree.roots())


def _job(paths: ProjectPaths, tree: OrgTree, code: str, period: str, defaults: Mapping[str, Any]) -> Job:
    # inputs.load_unit_params' merge, with defaults.yaml read once per plan rather than per unit.
    own = unit_params_file(paths.params_dir, code)
    params = {**defaults, **(read_yaml(own) if own.is_file() else {}), "unit_code": code, "period": period}
    folders = {"data_dir": paths.data_dir, "params_dir": paths.params_dir, "store_dir": paths.store_dir}
    params.update({name: str(folder.resolve()) for name, folder in folders.items()})
    title = tree.title(code)
    return Job(code, title, notebook_for(tree, code, paths), f"{code}-{slugify(title)}", params)


def loader_reads(loader: ReportLoader, parameters: Mapping[str, Any]) -> dict[str, str]:
    """What the report's notebook will read, by name: its loader, called as the notebook calls it
    (with the parameters papermill gives the notebook), records it; nothing runs."""
    try:
        return dict(loader.load(**parameters).reads)
    except (DataError, LookupError, OSError, ValueError) as exc:
        # The report will fail and say why; its key only has to be stable.
        return {"unreadable": digest_bytes(b"unreadable", str(exc).encode())}


def fingerprint_jobs(
    paths: ProjectPaths, plan: Plan, versions: Mapping[str, str] | None = None
) -> dict[str, dict[str, str]]:
    """Every job's inputs by name: what its loader reads, its notebook, and the kit."""
    kit = fingerprint_kit(versions)
    loader = ReportLoader()  # a period's shared inputs are loaded once for all its reports
    return {
        job.stem: {"notebook": digest_notebook(job.notebook), **kit, **loader_reads(loader, job.parameters)}
        for job in plan.jobs
    }


Listener = Callable[[JobResult], None]


def build_period(
    paths: ProjectPaths,
    period: str | None = None,
    units: Sequence[str] = (),
    *,
    levels: Sequence[str] = (),
    options: BuildOptions | None = None,
    on_plan: Callable[[PlanSummary], None] | None = None,
    on_start: Callable[[Job], None] | None = None,
    on_done: Listener | None = None,
    printer: PrintService | None = None,
) -> tuple[str, list[JobResult]]:
    """Build the reports of a period whose inputs changed; a failing report stops no other.

    `on_plan` is called once the reports are known, and `on_start` and `on_done` on this
    thread as each report starts and ends (skipped ones end at once). `printer` is a running
    print service to use; without it the build starts its own.
    """
    options = options or BuildOptions()
    options = dataclasses.replace(options, workers=options.workers or default_workers())
    if options.engine not in ENGINES:
        raise BuildError(f"Không có engine '{options.engine}' (có: {', '.join(ENGINES)})")
    plan = plan_build(paths, period, units, levels)
    out_dir = paths.outputs(plan.period.id)
    if on_plan:
        on_plan(PlanSummary(plan.period.id, len(plan.jobs), out_dir))
    with period_lock(out_dir):
        remove_stale_temp_files(out_dir)
        manifest = Manifest.load(out_dir, plan.period.id)
        versions = package_versions()  # read once: the fingerprints and the manifest both need them
        inputs = fingerprint_jobs(paths, plan, versions)
        results: dict[str, JobResult] = {}
        todo: list[Job] = []
        changed: dict[str, tuple[str, ...]] = {}
        for job in plan.jobs:
            current = manifest.is_current(job.stem, combine(inputs[job.stem]))
            # A final run judges every report's page afresh: an unchanged draft fails it too.
            redo_draft = options.final and current and manifest.entries[job.stem].draft
            if current and not options.force and not redo_draft:
                results[job.stem] = _skipped(job, manifest.entries[job.stem], out_dir)
            else:
                todo.append(job)
                changed[job.stem] = manifest.changed_inputs(job.stem, inputs[job.stem]) if not current else ()
                if redo_draft and not options.force:
                    changed[job.stem] = ("draft",)
        if todo:
            check_before_running(paths, plan)
        for result in results.values() if on_done else ():
            on_done(result)
        if todo:
            run = BuildRun(out_dir, manifest, inputs, changed, options, on_start, on_done, printer, versions)
            results.update(run.run(longest_first(todo, manifest)))
        if todo or not (out_dir / INDEX_FILE).is_file():
            owner = index_owner(paths, plan.tree)
            write_index(out_dir, plan.period.id, list(plan.tree.units), manifest, owner)
    return plan.period.id, [results[job.stem] for job in plan.jobs]


def check_before_running(paths: ProjectPaths, plan: Plan) -> None:
    """Once, if a report will run: every data file reads (else one DataError naming file and line,
    not one failure per report), and the font has every character to print (else FontError)."""
    check_project(paths.data_dir, paths.params_dir)
    texts = [plan.tree, (plan.period, plan.previous), *(printed_params(job.parameters) for job in plan.jobs)]
    check_period_texts(paths, plan.period, [job.unit_code for job in plan.jobs], texts)


def longest_first(jobs: Sequence[Job], manifest: Manifest) -> list[Job]:
    """The jobs by their last build's time, longest first (never built: first of all), so the
    build does not end waiting on one long report while the other cores sit idle."""

    def last_seconds(job: Job) -> float:
        entry = manifest.entries.get(job.stem)
        return entry.seconds if entry else float("inf")

    return sorted(jobs, key=last_seconds, reverse=True)  # stable: ties keep the tree's order


def _skipped(job: Job, entry: Entry, out_dir: Path) -> JobResult:
    html, pdf = out_dir / f"{job.stem}.html", out_dir / f"{job.stem}.pdf"
    return JobResult(job, JobState.SKIPPED, entry.seconds, "", html, pdf, draft=entry.draft_note)


class BuildRun:
    """The reports that need building: run them, print them, write them, record them."""

    def __init__(
        self,
        out_dir: Path,
        manifest: Manifest,
        inputs: Mapping[str, Mapping[str, str]],
        changed: Mapping[str, tuple[str, ...]],
        options: BuildOptions,
        on_start: Callable[[Job], None] | None,
        on_done: Listener | None,
        printer: PrintService | None = None,
        versions: Mapping[str, str] | None = None,
    ) -> None:
        self.out_dir, self.manifest, self.inputs, self.options = out_dir, manifest, inputs, options
        self.printer = printer
        self.changed, self.on_start, self.on_done = changed, on_start, on_done
        self.results: dict[str, JobResult] = {}
        self.started: dict[str, float] = {}
        self.versions = dict(versions or package_versions())
        self.last_save, self.unsaved = 0.0, False

    def run(self, jobs: Sequence[Job]) -> dict[str, JobResult]:
        from ..export.printing import PrintService
        from .executors import make_executor

        (self.out_dir / EXECUTED_DIR).mkdir(parents=True, exist_ok=True)
        executor = make_executor(self.options.workers, self.options.scheduler)
        executor.start()
        printer, own_printer = None, False
        if not executor.prints_pdf:
            printer, own_printer = self.printer, self.printer is None
            if own_printer:
                printer = PrintService.for_reports(executor.slots, self.options.browser)
                printer.start()  # the browsers start while the first reports run
        try:
            self._drive(jobs, executor, printer)
        except BaseException:
            # Ctrl-C, a kill signal turned into an exception, or a bug: stop every report
            # process now; what finished is in the manifest, nothing is half-written.
            executor.close(interrupted=True)
            raise
        else:
            executor.close()
        finally:
            if own_printer:
                printer.close()
            self.manifest.save()
        return self.results

    def _drive(self, jobs: Sequence[Job], executor: Any, printer: Any) -> None:
        pending = deque(jobs)
        running: dict[Future, Job] = {}
        printing: dict[Future, tuple[Job, ReportRun, float]] = {}
        while pending or running or printing:
            while pending and len(running) < executor.slots:
                job = pending.popleft()
                self.started[job.stem] = time.perf_counter()
                running[executor.submit(self._task(job))] = job
                if self.on_start:
                    self.on_start(job)
            # Wake up now and then even with nothing done, to save what finished.
            done, _ = wait([*running, *printing], MANIFEST_SAVE_EVERY_S, FIRST_COMPLETED)
            for future in done:
                if future in running:
                    self._ran(running.pop(future), future, printer, printing)
                else:
                    self._printed(*printing.pop(future)[:2], future)
            self._drop_hung_prints(printing)
            self._save_now_and_then()

    def _task(self, job: Job) -> ReportTask:
        return ReportTask(
            stem=job.stem,
            notebook=str(job.notebook.resolve()),
            output_path=str(self.out_dir.resolve() / EXECUTED_DIR / f"{job.stem}.ipynb"),
            parameters=job.parameters,
            engine=self.options.engine,
            timeout=self.options.timeout,
            strict=self.options.strict,
        )

    def _ran(self, job: Job, future: Future, printer: Any, printing: dict) -> None:
        try:
            run: ReportRun = future.result()
        except Exception as exc:  # an executor's own failure (e.g. a lost Dask worker)
            run = ReportRun(job.stem, None, None, f"{type(exc).__name__}: {exc}")
        draft = read_draft(run.html) if run.ok else None
        if not run.ok:
            self._fail(job, run, run.error)
        elif draft and self.options.final:
            # Nothing of a draft is written in a final run: the last PDF stays as it was.
            self._fail(job, run, draft.describe_final_error())
        elif run.pdf is not None:
            write_atomic(self.out_dir / f"{job.stem}.pdf", run.pdf)
            self._succeed(job, run)
        else:
            pdf = self.out_dir / f"{job.stem}.pdf"
            printing[printer.print_pdf(run.html, pdf)] = (job, run, time.perf_counter())

    def _drop_hung_prints(self, printing: dict) -> None:
        # A thread cannot be killed: its page is given up on, and the report failed with the reason.
        from ..formats import format_duration  # Babel: not for a build with nothing to do

        late = [f for f, (*_, sent) in printing.items() if time.perf_counter() - sent > PRINT_TIMEOUT_S]
        for future in late:
            job, run, _ = printing.pop(future)
            self._fail(job, run, f"In PDF quá thời gian cho phép ({format_duration(PRINT_TIMEOUT_S)})")

    def _printed(self, job: Job, run: ReportRun, future: Future) -> None:
        try:
            future.result()
        except Exception as exc:
            self._fail(job, run, str(exc))
        else:
            self._succeed(job, run)

    def _succeed(self, job: Job, run: ReportRun) -> None:
        # The PDF is in place (atomically); now the page and the notebook that match it.
        html = write_atomic(self.out_dir / f"{job.stem}.html", run.html or "")
        self._write_notebook(job, run)
        draft = read_draft(run.html)
        note = draft.describe() if draft else ""
        self._finish(job, JobState.BUILT, "", html, self.out_dir / f"{job.stem}.pdf", run.log, note)

    def _fail(self, job: Job, run: ReportRun, error: str) -> None:
        # The last good HTML and PDF stay; the failed notebook, with its error, replaces the
        # executed notebook so the analyst can see where it stopped.
        self._write_notebook(job, run)
        self._finish(job, JobState.FAILED, error or "lỗi không rõ", None, None, run.log)

    def _write_notebook(self, job: Job, run: ReportRun) -> None:
        if run.notebook is not None:
            write_atomic(self.out_dir / EXECUTED_DIR / f"{job.stem}.ipynb", run.notebook)
        # What the cells printed goes to the log beside it, never to the page; a clean run
        # leaves no log, so one found there is this build's.
        log = self.out_dir / log_name(job.stem)
        if run.log:
            write_atomic(log, run.log)
        else:
            log.unlink(missing_ok=True)

    def _finish(
        self,
        job: Job,
        state: JobState,
        error: str,
        html: Path | None,
        pdf: Path | None,
        log: str = "",
        draft: str = "",
    ) -> None:
        seconds = time.perf_counter() - self.started[job.stem]
        inputs = self.inputs[job.stem]
        built_at = now_utc()
        last_good_at = built_at if state is JobState.BUILT else self.manifest.last_good_at(job.stem)
        self.manifest.record(
            Entry(
                stem=job.stem,
                unit=job.unit_code,
                title=job.title,
                status=BUILT if state is JobState.BUILT else FAILED,
                key=combine(inputs),
                inputs=dict(inputs),
                seconds=round(seconds, 3),
                engine=self.options.engine,
                versions=self.versions,
                built_at=built_at,
                error=error,
                last_good_at=last_good_at,
                draft=bool(draft),
                draft_note=draft,
            )
        )
        self.unsaved = True
        kept = self.manifest.kept_note(job.stem)
        changed = self.changed.get(job.stem, ())
        result = JobResult(job, state, seconds, error, html, pdf, changed, first_line(log), kept, draft)
        self.results[job.stem] = result
        if self.on_done:
            self.on_done(result)

    def _save_now_and_then(self) -> None:
        if self.unsaved and time.perf_counter() - self.last_save >= MANIFEST_SAVE_EVERY_S:
            self.manifest.save()
            self.last_save, self.unsaved = time.perf_counter(), False
