"""The `reportkit` command: send templates, take in submissions, trace figures, build reports."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

# Only the light modules here: `reportkit build` with nothing to rebuild must not pay for
# pandas, matplotlib or nbconvert. Every command imports what it needs itself.
from .build.spec import (
    DEFAULT_ENGINE,
    DEFAULT_TIMEOUT_S,
    ENGINES,
    BuildOptions,
    Job,
    JobResult,
    JobState,
    PlanSummary,
)
from .errors import DataError, ReportKitError, StoreError
from .paths import EXECUTED_DIR, INDEX_FILE, MANIFEST_FILE, ProjectPaths, log_name

if TYPE_CHECKING:
    from rich.console import Console

STORE_ENV = "REPORTKIT_STORE"  # the default of --store (tests, a second office)
SUMMARY_ROWS = 40  # past this many built or failed reports the table says "and N more"

# Why a report was rebuilt, by manifest input name.
REASONS = {
    "new": "mới",
    "failed": "lần trước lỗi",
    "outputs": "thiếu tệp kết quả",
    "notebook": "notebook",
    "params": "tham số",
    "narrative": "phần viết",
    "figures": "số liệu",
    "figures_last_year": "số liệu cùng kỳ",
    "targets": "chỉ tiêu giao",
    "templates": "mẫu trình bày",
    "fonts": "phông chữ",
    "package_data": "dữ liệu của bộ công cụ",
    "kit": "bộ công cụ",
    "versions": "thư viện",
    "catalogue": "danh mục chỉ tiêu",
    "wording": "câu chữ",
    "periods": "kỳ báo cáo",
    "tree": "cây tổ chức",
    "levels": "cấp đơn vị",
    "unreadable": "không đọc được số liệu",
}
STATES = {JobState.BUILT: "[green]xong[/]", JobState.SKIPPED: "bỏ qua", JobState.FAILED: "[red]LỖI[/]"}


# How many files a run refused, as its exit code, for scripts; above it, a run that read no file.
MAX_REFUSED_CODE, INTAKE_NOT_STARTED = 100, 101
INTAKE_EXIT_CODES = f"""Mã thoát:
  0      mọi tệp đều được nhận (hoặc đã có trong kho từ trước);
  1-{MAX_REFUSED_CODE}  số tệp không được nhận ({MAX_REFUSED_CODE}: từ {MAX_REFUSED_CODE} tệp trở lên);
         một tệp hỏng không làm dừng các tệp khác, mỗi tệp có kết quả kiểm tra riêng;
  {INTAKE_NOT_STARTED}    chưa kiểm tra tệp nào: kỳ báo cáo không có, dữ liệu của kit hoặc kho bị lỗi;
  2      cũng là mã khi lệnh gõ sai (thiếu tệp, tùy chọn lạ): khi đó có kèm cách gõ đúng."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportkit", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (default: here)")
    parser.add_argument(
        "--store", type=Path, help="store folder (default: $REPORTKIT_STORE, else <root>/store)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build the reports of a period into outputs/<period>/")
    build.add_argument("--period", help="period id from data/periods.yaml (default: its `default`)")
    build.add_argument("--unit", action="append", default=[], help="unit code; repeat for several")
    build.add_argument(
        "--level",
        action="append",
        default=[],
        help="build every unit of a level of data/org/levels.yaml (city, district, grassroots); "
        "repeat for several (default: city and district)",
    )
    build.add_argument("--workers", type=int, default=0, help="reports run at once (default: one per core)")
    build.add_argument("--browser", help="Chromium/Chrome/Edge to print PDFs (default: found on PATH)")
    build.add_argument("--force", action="store_true", help="rebuild every report, changed or not")
    build.add_argument(
        "--engine",
        choices=sorted(ENGINES),
        default=DEFAULT_ENGINE,
        help="inprocess: cells run in a warm report process (default); kernel: a Jupyter kernel per report",
    )
    build.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds a report may run (default: 600)"
    )
    build.add_argument("--scheduler", help="Dask scheduler address: run the reports on that cluster")
    build.add_argument(
        "--strict",
        action="store_true",
        help="nghiêm ngặt: báo cáo nào phát sinh cảnh báo (warning) hoặc in ra stderr thì coi là LỖI "
        "(dùng khi kiểm thử)",
    )
    commands.add_parser("sample", help="regenerate the sample figures, targets and submissions")

    template = commands.add_parser("template", help="write the Excel template of each district association")
    template.add_argument("--period", required=True, help="period id from data/periods.yaml")
    template.add_argument("--unit", action="append", default=[], help="district code; repeat for several")
    template.add_argument("--out", type=Path, help="folder (default: outputs/templates/<period>)")

    intake = commands.add_parser(
        "intake",
        help="check submitted files and take them into the store",
        description="Kiểm tra các tệp số liệu gửi về và nhận vào kho; mỗi tệp có kết quả kiểm tra riêng.",
        epilog=INTAKE_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    intake.add_argument("files", nargs="+", type=Path, metavar="FILE", help="filled workbooks or CSV files")
    intake.add_argument("--period", help="the period being collected: files of another period are refused")
    intake.add_argument("--reports", type=Path, help="where the check reports go (default: outputs/intake)")

    trace = commands.add_parser("trace", help="show the file, sheet and cell behind a report's figure")
    trace.add_argument("unit", metavar="UNIT", help="unit code, e.g. 917 or 92")
    trace.add_argument("period", metavar="PERIOD", help="period id, e.g. 2022-FY")
    trace.add_argument("indicator", metavar="INDICATOR", help="indicator id (or measure id) of the catalogue")

    commands.add_parser("rebuild-store", help="rebuild the store's database from its archive of originals")
    return parser


def describe_changes(result: JobResult) -> str:
    return ", ".join(REASONS.get(name, name) for name in result.changed) or "--force"


class BuildProgress:
    """The whole build's bar, a row per running report with its time, a line per finished one."""

    def __init__(self, console: Console) -> None:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=None),
            TextColumn("{task.fields[count]}"),
            TimeElapsedColumn(),
        )
        # Four refreshes a second are smooth enough and leave the cores to the reports.
        self.progress = Progress(*columns, console=console, transient=False, refresh_per_second=4)
        self.overall: int | None = None
        self.rows: dict[str, int] = {}
        self.finished = self.skipped = 0
        self.summary: PlanSummary | None = None

    def __enter__(self) -> BuildProgress:
        self.progress.start()
        self.overall = self.progress.add_task("Đang lập báo cáo", total=None, count="")
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def plan(self, summary: PlanSummary) -> None:
        self.summary = summary
        console = self.progress.console
        console.print(f"Kỳ [bold]{summary.period}[/]: {summary.reports} báo cáo → {summary.out_dir}")
        self._update()

    def start(self, job: Job) -> None:
        self.rows[job.stem] = self.progress.add_task(f"  [cyan]{job.stem}[/]", total=None, count="đang chạy")

    def done(self, result: JobResult) -> None:
        row = self.rows.pop(result.job.stem, None)
        if row is not None:
            self.progress.remove_task(row)
        self.finished += 1
        if result.state is JobState.SKIPPED:
            self.skipped += 1
        else:
            detail = result.error if result.state is JobState.FAILED else f"({describe_changes(result)})"
            self.progress.console.print(
                f"  {STATES[result.state]} {result.job.stem} {result.seconds:.1f} s {detail}", highlight=False
            )
        self._update()

    def _update(self) -> None:
        if self.overall is None:
            return
        total = self.summary.reports if self.summary else None
        label = f"Đang lập báo cáo (bỏ qua {self.skipped} không đổi)" if self.skipped else "Đang lập báo cáo"
        self.progress.update(
            self.overall,
            description=label,
            total=total,
            completed=self.finished,
            count=f"{self.finished}/{total}" if total else "",
        )


Built = tuple[PlanSummary, list[JobResult]]


def project_paths(args: argparse.Namespace) -> ProjectPaths:
    """The project's folders: --root, and --store where the store lives elsewhere."""
    return ProjectPaths.at(args.root.resolve(), store_dir=args.store.resolve() if args.store else None)


def run_build(args: argparse.Namespace, console: Console) -> int:
    paths = project_paths(args)
    options = BuildOptions(
        workers=args.workers,
        browser=args.browser,
        engine=args.engine,
        timeout=args.timeout,
        force=args.force,
        scheduler=args.scheduler,
        strict=args.strict,
    )
    started = time.perf_counter()
    try:
        summary, results = _build_here(paths, args, options, console)
    except KeyboardInterrupt:
        console.print("[red]Đã dừng.[/] Báo cáo đã xong được giữ; không tệp nào bị ghi dở.")
        return 130
    print_summary(console, results, time.perf_counter() - started, summary.out_dir)
    return 0 if all(r.ok for r in results) else 1


def _build_here(
    paths: ProjectPaths, args: argparse.Namespace, options: BuildOptions, console: Console
) -> Built:
    from .build.plan import build_period

    with BuildProgress(console) as progress:
        _, results = build_period(
            paths,
            args.period,
            args.unit,
            on_done=progress.done,
            on_start=progress.start,
            levels=args.level,
            options=options,
            on_plan=progress.plan,
        )
    assert progress.summary is not None  # build_period plans before it builds
    return progress.summary, results


def print_summary(console: Console, results: Sequence[JobResult], seconds: float, out_dir: Path) -> None:
    """A row per report built or failed, then the counts and the time taken."""
    from rich.table import Table

    shown = [r for r in results if r.state is not JobState.SKIPPED]
    table = Table(title="Kết quả")
    for column in ("Báo cáo", "Trạng thái", "Thời gian", "Ghi chú"):
        table.add_column(column)
    for r in shown[:SUMMARY_ROWS]:
        note = r.error if r.state is JobState.FAILED else f"thay đổi: {describe_changes(r)}"
        if r.kept:
            note += f" (PDF hiện có là {r.kept})"
        table.add_row(r.job.stem, STATES[r.state], f"{r.seconds:.1f} s", note)
    if len(shown) > SUMMARY_ROWS:
        table.add_row(f"… và {len(shown) - SUMMARY_ROWS} báo cáo khác", "", "", "")
    skipped = len(results) - len(shown)
    if skipped:
        table.add_row(f"{skipped} báo cáo không đổi", STATES[JobState.SKIPPED], "", "")
    console.print(table)
    counts = {state: sum(r.state is state for r in results) for state in JobState}
    totals = Table(show_header=True)
    for column in ("Đã lập", "Bỏ qua", "Lỗi", "Thời gian"):
        totals.add_column(column, justify="right")
    totals.add_row(*(str(counts[state]) for state in JobState), f"{seconds:.1f} s")
    console.print(totals)
    console.print(f"Mục lục: {out_dir / INDEX_FILE} · sổ ghi: {out_dir / MANIFEST_FILE}")
    for r in results:
        if r.state is JobState.FAILED:
            notebook = out_dir / EXECUTED_DIR / f"{r.job.stem}.ipynb"
            console.print(f"[red]LỖI[/] {r.job.stem}: {r.error} (notebook: {notebook})", highlight=False)
            if r.kept:
                console.print(f"    PDF {out_dir / (r.job.stem + '.pdf')} là {r.kept}.", highlight=False)
    for r in results:
        if r.log_line:
            console.print(
                f"[yellow]Có thông báo khi chạy[/] {r.job.stem}: {r.log_line} "
                f"(không in vào báo cáo; toàn bộ: {out_dir / log_name(r.job.stem)})",
                highlight=False,
            )


def _interrupt(signum: int, frame: object) -> None:
    # `kill` (SIGTERM) stops the build the way Ctrl-C does: report processes stopped,
    # finished reports recorded, no file half-written.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    from rich.console import Console

    args = _parser().parse_args(argv)
    if args.store is None and os.environ.get(STORE_ENV):
        args.store = Path(os.environ[STORE_ENV])  # read here once; the build passes it on
    return _run(args, Console())


def run_build_interruptible(args: argparse.Namespace, console: Console) -> int:
    if threading.current_thread() is not threading.main_thread():
        return run_build(args, console)  # signal handlers can only be set on the main thread
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run_build(args, console)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace, console: Console) -> int:
    commands = {
        "build": run_build_interruptible,
        "sample": run_sample,
        "template": run_template,
        "intake": run_intake,
        "trace": run_trace,
        "rebuild-store": run_rebuild,
    }
    try:
        return commands[args.command](args, console)
    except ReportKitError as exc:
        # Bad data, a missing store, a busy period: said in a line, not a traceback.
        console.print(f"[red]LỖI[/] {exc}")
        return 2


def run_sample(args: argparse.Namespace, console: Console) -> int:
    from .submissions.sample import make_sample

    make_sample(project_paths(args).data_dir)
    console.print("Đã sinh lại dữ liệu mẫu: data/sample/figures.csv, data/sample/submissions/, data/targets/")
    return 0


def run_template(args: argparse.Namespace, console: Console) -> int:
    from .report.inputs import load_plan
    from .submissions.templates import submitting_units, write_template

    paths = project_paths(args)
    plan = load_plan(paths.data_dir, args.period)
    units = args.unit or submitting_units(plan)
    wrong = [u for u in units if u not in submitting_units(plan)]
    if wrong:
        raise DataError(f"Không phải mã quận, huyện Hội: {', '.join(wrong)}")
    out = args.out or paths.templates_out(plan.period.id)
    for code in units:
        path = write_template(plan, code, out)
        console.print(f"  {plan.tree.title(code)} ({code}): {path}")
    console.print(f"Đã lập {len(units)} mẫu biểu kỳ {plan.period.label} ({plan.period.id}) trong {out}")
    return 0


def run_intake(args: argparse.Namespace, console: Console) -> int:
    from rich.table import Table

    from .report.inputs import load_plan
    from .submissions.feedback import write_reports
    from .submissions.intake import take_in_files

    paths = project_paths(args)
    store_dir = paths.store_dir
    started = time.perf_counter()
    try:
        if args.period:
            load_plan(paths.data_dir, args.period)  # an unknown period stops here, before any file
        received = take_in_files(args.files, paths.data_dir, store_dir, args.period)
    except (DataError, StoreError) as exc:
        console.print(f"[red]LỖI[/] {exc}")
        return INTAKE_NOT_STARTED
    report_dir = args.reports or paths.intake_out
    table = Table(title=f"Nhận số liệu vào {store_dir}")
    for column in ("Tệp", "Kết quả", "Đơn vị, kỳ", "Lỗi", "Cảnh báo", "Kết quả kiểm tra"):
        table.add_column(column)
    for item in received:
        reports = write_reports(item, report_dir) if item.status != "repeat" else ()
        table.add_row(*_intake_row(item, reports))
    console.print(table)
    counts = {s: sum(1 for r in received if r.status == s) for s in ("accepted", "repeat", "rejected")}
    console.print(
        f"{counts['accepted']} tệp nhận mới, {counts['repeat']} tệp đã có (không đổi), "
        f"{counts['rejected']} tệp không nhận; {time.perf_counter() - started:.2f} s."
    )
    return min(counts["rejected"], MAX_REFUSED_CODE)


def _intake_row(item, reports) -> list[str]:
    status = {
        "accepted": "[green]đã nhận[/]" + ("" if item.is_current else " (vào lịch sử)"),
        "repeat": "đã có",
        "rejected": "[red]KHÔNG NHẬN[/]",
    }[item.status]
    verdict, unit = item.verdict, item.submission
    where = f"{unit.unit_code}, {unit.period}" if unit else ""
    errors = str(len(verdict.errors)) if verdict else ""
    warnings = str(len(verdict.warnings)) if verdict else ""
    return [item.file_name, status, where, errors, warnings, str(reports[0]) if reports else ""]


def run_trace(args: argparse.Namespace, console: Console) -> int:
    from contextlib import closing

    from .formats import format_plain
    from .report.inputs import load_plan
    from .report.metrics import compute_outcome
    from .submissions.feedback import render_trace
    from .submissions.store import open_readonly, read_figures, trace

    paths = project_paths(args)
    plan = load_plan(paths.data_dir, args.period)
    catalogue, tree = plan.catalogue, plan.tree
    if args.unit not in tree:
        raise DataError(f"Mã đơn vị {args.unit} không có trong cây tổ chức")
    indicator = next((i for i in catalogue.indicators if args.indicator in (i.id, i.measure)), None)
    measures = indicator.measures if indicator else (args.indicator,)
    if indicator is None and args.indicator not in catalogue.measures:
        raise DataError(f"Chỉ tiêu hoặc số liệu “{args.indicator}” không có trong danh mục")
    level = catalogue.level_of(indicator) if indicator else catalogue.measures[args.indicator].level
    units = [u.code for u in tree.members(args.unit, level)]
    with closing(open_readonly(paths.store_db)) as conn:
        traced = trace(conn, plan.period.id, units, measures)
    title = indicator.short if indicator else catalogue.measures[args.indicator].name
    console.print(f"[bold]{title}[/] — {tree.title(args.unit)} ({args.unit}), {plan.period.label}")
    for line in render_trace(traced, plan, paths.store_dir):
        console.print(line, highlight=False, soft_wrap=True)
    missing = len(units) * len(measures) - len(traced)
    if missing:
        console.print(f"[yellow]Chưa có {missing} số liệu[/] (đơn vị chưa gửi, hoặc chưa nhận).")
    if indicator:
        figures = read_figures(paths.store_db, plan.period.id)
        outcome = compute_outcome(indicator, catalogue, tree, args.unit, figures, plan.period.months)
        if outcome and outcome.actual is not None:
            shown = format_plain(outcome.actual, 2) + ("%" if indicator.unit == "%" else f" {indicator.unit}")
            console.print(f"Kết quả dùng trong báo cáo: {shown}")
    return 0


def run_rebuild(args: argparse.Namespace, console: Console) -> int:
    from .submissions.intake import rebuild_store

    paths = project_paths(args)
    store_dir = paths.store_dir
    received = rebuild_store(paths.data_dir, store_dir)
    refused = [r for r in received if r.status == "rejected"]
    console.print(
        f"Đã dựng lại kho {store_dir}: {len(received) - len(refused)} tệp, {len(refused)} không nhận."
    )
    for r in refused:
        console.print(f"[red]KHÔNG NHẬN[/] {r.file_name}: {r.verdict.errors[0].message}")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
