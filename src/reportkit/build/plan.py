"""Build: plan a period's reports, skip the unchanged, run the rest in isolated processes, write safely."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
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
    log_name,
    periods_file,
    unit_params_file,
)
from ..report.fonts import printed_params
from ..report.inputs import (
    ReportLoader,
    check_period_texts,
    check_project,
    known_period,
    load_period_tree,
    load_periods,
)
from ..vntext import slugify
from . import stamp
from .fingerprint import combine, digest_notebook, fingerprint_kit, package_versions
from .isolate import ReportRun, ReportTask
from .manifest import BUILT, FAILED, Entry, Manifest, now_utc, period_lock, remove_stale_temp_files
from .spec import ENGINES, BuildOptions, Job, JobResult, JobState, PlanSummary

if TYPE_CHECKING:
    from ..export.printing import PrintService

MANIFEST_SAVE_EVERY_S = 1.0  # progress survives a kill; a big build does not rewrite it per report
MANIFEST_SAVE_SHARE = 0.02  # nor spend more of its time saving it (1.000 reports: 2,5 MB, 0,07 s a save)
PRINT_TIMEOUT_S = 120.0  # one page; a browser that hangs fails its report, not the build


@dataclass(frozen=True)
class Plan:
    """A period's reports, and what they are planned from."""

    period: Period
    previous: Period | None
    tree: OrgTree
    jobs: tuple[Job, ...]


def plan_build(
    paths: ProjectPaths, period: str | None = None, units: Sequence[str] = (), levels: Sequence[str] = ()
) -> Plan:
    """The period to build and one job per unit (named units, else the units of `levels`, else of the
    levels that get reports in the period's levels file)."""
    periods, default = load_periods(periods_file(paths.data_dir))
    current = known_period(periods, period or default)
    tree = load_period_tree(paths.data_dir, current)
    if unknown := [u for u in units if u not in tree]:
        raise DataError(describe_unknown_units(tree, unknown, current.org))
    codes = units or tree.at_levels(levels or tree.levels.reports)
    defaults = read_yaml(defaults_file(paths.params_dir))
    jobs = tuple(_job(paths, tree, code, current.id, defaults) for code in codes)
    previous = periods.get(current.same_period_last_year or "")
    return Plan(current, previous, tree, jobs)


def _job(paths: ProjectPaths, tree: OrgTree, code: str, period: str, defaults: Mapping[str, Any]) -> Job:
    # inputs.load_unit_params' merge, with defaults.yaml read once per plan rather than per unit.
    own = unit_params_file(paths.params_dir, code)
    params = {**defaults, **(read_yaml(own) if own.is_file() else {}), "unit_code": code, "period": period}
    folders = {"data_dir": paths.data_dir, "params_dir": paths.params_dir, "store_dir": paths.store_dir}
    params.update({name: str(folder.resolve()) for name, folder in folders.items()})
    # The city notebook for the root unit, the district notebook for every other unit.
    notebook = paths.notebooks_dir / ("district.ipynb" if tree[code].parent_code else "city.ipynb")
    return Job(code, title := tree.title(code), notebook, f"{code}-{slugify(title)}", params)


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

    `on_plan` is called once the reports are known, `on_start` and `on_done` on this thread as
    each report starts and ends (skipped ones end at once); `printer` is a print service to use."""
    options = options or BuildOptions()
    if options.engine not in ENGINES:
        raise BuildError(f"Không có engine '{options.engine}' (có: {', '.join(ENGINES)})")
    before = stamp.take_snapshot(paths)  # before the plan reads anything
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
            run = BuildRun(out_dir, manifest, inputs, changed, options, versions, on_start, on_done, printer)
            results.update(run.run(longest_first(todo, manifest)))
        if todo or not (out_dir / INDEX_FILE).is_file():
            write_index(paths, plan, manifest, find_stale(paths, plan, manifest))
        done = [results[job.stem] for job in plan.jobs]
        if all(r.ok for r in done):
            reports = [
                {"stem": r.job.stem, "unit": r.job.unit_code, "title": r.job.title, "draft": r.draft}
                for r in done
            ]
            stamp.write_stamp(paths, stamp.request_of(paths, period, units, levels), before, out_dir, reports)
    return plan.period.id, done


def find_stale(paths: ProjectPaths, plan: Plan, manifest: Manifest) -> set[str]:
    """The built reports this build did not plan whose inputs have changed since (after `build --unit`,
    the others): their inputs are read again and compared with the manifest's key, as a build would."""
    planned = {job.stem for job in plan.jobs}
    others = [e for e in manifest.entries.values() if e.ok and e.stem not in planned and e.unit in plan.tree]
    if not others:
        return set()
    inputs = fingerprint_jobs(paths, plan_build(paths, plan.period.id, sorted({e.unit for e in others})))
    # A report whose unit now has another file name (it was renamed) is stale too.
    keys = {stem: combine(read) for stem, read in inputs.items()}
    return {e.stem for e in others if e.stem not in keys or not manifest.is_current(e.stem, keys[e.stem])}


def check_before_running(paths: ProjectPaths, plan: Plan) -> None:
    """Once, if a report will run: every data file reads (else one DataError naming file and line,
    not one failure per report), and the font has every character to print (else FontError)."""
    check_project(paths.data_dir, paths.params_dir)
    texts = [plan.tree, (plan.period, plan.previous), *(printed_params(job.parameters) for job in plan.jobs)]
    check_period_texts(paths, plan.period, [job.unit_code for job in plan.jobs], texts)


def longest_first(jobs: Sequence[Job], manifest: Manifest) -> list[Job]:
    """The jobs by their last build's time, longest first (never built: first of all), so the
    build does not end waiting on one long report while the other cores sit idle."""

    def last_seconds(job: Job) -> float:  # never built: longest of all
        return entry.seconds if (entry := manifest.entries.get(job.stem)) else float("inf")

    return sorted(jobs, key=last_seconds, reverse=True)  # stable: ties keep the tree's order


def _skipped(job: Job, entry: Entry, out_dir: Path) -> JobResult:
    html, pdf = out_dir / f"{job.stem}.html", out_dir / f"{job.stem}.pdf"
    return JobResult(job, JobState.SKIPPED, entry.seconds, "", html, pdf, draft=entry.draft_note)


@dataclass
class BuildRun:
    """The reports that need building: run them, print them, write them, record them."""

    out_dir: Path
    manifest: Manifest
    inputs: Mapping[str, Mapping[str, str]]  # each report's inputs, by name
    changed: Mapping[str, tuple[str, ...]]  # the inputs that make each report run
    options: BuildOptions
    versions: Mapping[str, str]
    on_start: Callable[[Job], None] | None = None
    on_done: Listener | None = None
    printer: PrintService | None = None  # a running print service; else the build starts its own
    results: dict[str, JobResult] = field(default_factory=dict)
    started: dict[str, float] = field(default_factory=dict)
    printing: dict[Future, tuple[Job, ReportRun, float]] = field(default_factory=dict)
    last_save: float = 0.0
    save_seconds: float = 0.0  # what the last save took
    unsaved: bool = False

    def run(self, jobs: Sequence[Job]) -> dict[str, JobResult]:
        from ..export.printing import PrintService
        from .executors import make_executor

        (self.out_dir / EXECUTED_DIR).mkdir(parents=True, exist_ok=True)
        data_dir = jobs[0].parameters.get("data_dir") if jobs else None  # the project the reports read
        executor = make_executor(self.options.workers, self.options.scheduler, data_dir)
        own_printer = self.printer is None and not executor.prints_pdf
        if own_printer:
            self.printer = PrintService.for_reports(executor.slots, self.options.browser)
            self.printer.start()  # the browsers start while the first reports run
        try:
            self._drive(jobs, executor)
        except BaseException:
            # Ctrl-C, a kill signal turned into an exception, or a bug: stop every report
            # process now; what finished is in the manifest, nothing is half-written.
            executor.close(interrupted=True)
            raise
        else:
            executor.close()
        finally:
            if own_printer:
                self.printer.close()
            self.manifest.save()
        return self.results

    def _drive(self, jobs: Sequence[Job], executor: Any) -> None:
        pending = deque(jobs)
        running: dict[Future, Job] = {}
        while pending or running or self.printing:
            while pending and len(running) < executor.slots:
                job = pending.popleft()
                self.started[job.stem] = time.perf_counter()
                running[executor.submit(self._task(job))] = job
                if self.on_start:
                    self.on_start(job)
            # Wake up now and then even with nothing done, to save what finished.
            done, _ = wait([*running, *self.printing], MANIFEST_SAVE_EVERY_S, FIRST_COMPLETED)
            for future in done:
                if future in running:
                    self._ran(running.pop(future), future)
                else:
                    self._printed(*self.printing.pop(future)[:2], future)
            self._drop_hung_prints()
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

    def _ran(self, job: Job, future: Future) -> None:
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
            self.printing[self.printer.print_pdf(run.html, pdf)] = (job, run, time.perf_counter())

    def _drop_hung_prints(self) -> None:
        # A thread cannot be killed: its page is given up on, and the report failed with the reason.
        from ..formats import format_duration  # Babel: not for a build with nothing to do

        now = time.perf_counter()
        for future in [f for f, (*_, sent) in self.printing.items() if now - sent > PRINT_TIMEOUT_S]:
            job, run, _ = self.printing.pop(future)
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
        write_atomic(self.out_dir / f"{job.stem}.html", run.html or "")
        draft = read_draft(run.html)
        self._finish(job, run, draft=draft.describe() if draft else "")

    def _fail(self, job: Job, run: ReportRun, error: str) -> None:
        # The last good HTML and PDF stay; the failed notebook, with its error, replaces the
        # executed notebook so the analyst can see where it stopped.
        self._finish(job, run, error or "lỗi không rõ")

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

    def _finish(self, job: Job, run: ReportRun, error: str = "", draft: str = "") -> None:
        """Write the notebook, record the report (built, unless there is an error), tell the listener."""
        self._write_notebook(job, run)
        seconds = time.perf_counter() - self.started[job.stem]
        inputs = self.inputs[job.stem]
        built_at = now_utc()
        self.manifest.record(
            Entry(
                stem=job.stem,
                unit=job.unit_code,
                title=job.title,
                status=FAILED if error else BUILT,
                key=combine(inputs),
                inputs=dict(inputs),
                seconds=round(seconds, 3),
                engine=self.options.engine,
                versions=dict(self.versions),
                built_at=built_at,
                error=error,
                last_good_at=self.manifest.last_good_at(job.stem) if error else built_at,
                draft=bool(draft),
                draft_note=draft,
            )
        )
        self.unsaved = True
        kept = self.manifest.kept_note(job.stem)
        changed = self.changed.get(job.stem, ())
        state = JobState.FAILED if error else JobState.BUILT
        html, pdf = (None if error else self.out_dir / f"{job.stem}.{ext}" for ext in ("html", "pdf"))
        result = JobResult(job, state, seconds, error, html, pdf, changed, first_line(run.log), kept, draft)
        self.results[job.stem] = result
        if self.on_done:
            self.on_done(result)

    def _save_now_and_then(self) -> None:
        every = max(MANIFEST_SAVE_EVERY_S, self.save_seconds / MANIFEST_SAVE_SHARE)
        if self.unsaved and time.perf_counter() - self.last_save >= every:
            started = time.perf_counter()
            self.manifest.save()
            self.last_save, self.unsaved = time.perf_counter(), False
            self.save_seconds = self.last_save - started
