"""The `reportkit` command: build reports, regenerate the sample data."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from .build import DEFAULT_TIMEOUT_S, BuildOptions, Job, JobResult, JobState, Layout, build_period
from .isolate import DEFAULT_ENGINE, ENGINES

SUMMARY_ROWS = 40  # past this many built or failed reports the table says "and N more"

# Why a report was rebuilt, by manifest input name.
REASONS = {
    "new": "mới",
    "failed": "lần trước lỗi",
    "outputs": "thiếu tệp kết quả",
    "notebook": "notebook",
    "params": "tham số",
    "narrative": "phần viết",
    "data": "số liệu",
    "templates": "mẫu trình bày",
    "kit": "bộ công cụ",
    "versions": "thư viện",
    "catalogue": "danh mục chỉ tiêu",
    "wording": "câu chữ",
    "periods": "kỳ báo cáo",
    "tree": "cây tổ chức",
}
STATES = {JobState.BUILT: "[green]xong[/]", JobState.SKIPPED: "bỏ qua", JobState.FAILED: "[red]LỖI[/]"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportkit", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (default: here)")
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

    commands.add_parser("sample", help="regenerate data/sample/figures.csv and the sample targets")
    return parser


def describe_changes(result: JobResult) -> str:
    return ", ".join(REASONS.get(name, name) for name in result.changed) or "--force"


class BuildProgress:
    """The whole build's bar, a row per running report with its time, a line per finished one."""

    def __init__(self, console: Console) -> None:
        columns = (
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=None),
            TextColumn("{task.fields[count]}"),
            TimeElapsedColumn(),
        )
        self.progress = Progress(*columns, console=console, transient=False)
        self.overall: TaskID | None = None
        self.rows: dict[str, TaskID] = {}
        self.finished = self.skipped = 0
        self.total: int | None = None

    def __enter__(self) -> BuildProgress:
        self.progress.start()
        self.overall = self.progress.add_task("Đang lập báo cáo", total=None, count="")
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

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

    def plan(self, total: int) -> None:
        self.total = total
        self._update()

    def _update(self) -> None:
        if self.overall is None:
            return
        total = self.total
        label = f"Đang lập báo cáo (bỏ qua {self.skipped} không đổi)" if self.skipped else "Đang lập báo cáo"
        self.progress.update(
            self.overall,
            description=label,
            total=total,
            completed=self.finished,
            count=f"{self.finished}/{total}" if total else "",
        )


def run_build(args: argparse.Namespace, console: Console) -> int:
    from .build import plan_build

    layout = Layout(args.root.resolve())
    plan = plan_build(layout, args.period, args.unit, args.level)
    period = plan.period.id
    console.print(f"Kỳ [bold]{period}[/]: {len(plan.jobs)} báo cáo → {layout.outputs(period)}")
    options = BuildOptions(
        workers=args.workers,
        browser=args.browser,
        engine=args.engine,
        timeout=args.timeout,
        force=args.force,
        scheduler=args.scheduler,
    )
    started = time.perf_counter()
    with BuildProgress(console) as progress:
        progress.plan(len(plan.jobs))
        try:
            _, results = build_period(
                layout,
                period,
                args.unit,
                on_done=progress.done,
                on_start=progress.start,
                levels=args.level,
                options=options,
            )
        except KeyboardInterrupt:
            progress.progress.stop()
            console.print("[red]Đã dừng.[/] Báo cáo đã xong được giữ; không tệp nào bị ghi dở.")
            return 130
    print_summary(console, results, time.perf_counter() - started, layout.outputs(period))
    return 0 if all(r.ok for r in results) else 1


def print_summary(console: Console, results: Sequence[JobResult], seconds: float, out_dir: Path) -> None:
    """A row per report built or failed, then the counts and the time taken."""
    shown = [r for r in results if r.state is not JobState.SKIPPED]
    table = Table(title="Kết quả")
    for column in ("Báo cáo", "Trạng thái", "Thời gian", "Ghi chú"):
        table.add_column(column)
    for r in shown[:SUMMARY_ROWS]:
        note = r.error if r.state is JobState.FAILED else f"thay đổi: {describe_changes(r)}"
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
    console.print(f"Mục lục: {out_dir / 'index.html'} · sổ ghi: {out_dir / 'manifest.json'}")
    for r in results:
        if r.state is JobState.FAILED:
            notebook = out_dir / "notebooks" / f"{r.job.stem}.ipynb"
            console.print(f"[red]LỖI[/] {r.job.stem}: {r.error} (notebook: {notebook})", highlight=False)


def _interrupt(signum: int, frame: object) -> None:
    # `kill` (SIGTERM) stops the build the way Ctrl-C does: report processes stopped,
    # finished reports recorded, no file half-written.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    console = Console()
    if args.command == "build":
        if threading.current_thread() is not threading.main_thread():
            return run_build(args, console)
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            return run_build(args, console)
        finally:
            signal.signal(signal.SIGTERM, previous)
    if args.command == "sample":
        from .sample import make_sample

        make_sample(args.root.resolve() / "data")
        console.print("Đã sinh lại dữ liệu mẫu: data/sample/figures.csv, data/targets/")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
