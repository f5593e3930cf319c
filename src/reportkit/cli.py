"""The `reportkit` command: build reports, regenerate the sample data."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .build import JobResult, Layout, build_period, plan_jobs


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportkit", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (default: here)")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build the reports of a period into outputs/<period>/")
    build.add_argument("--period", help="period id from data/periods.yaml (default: its `default`)")
    build.add_argument("--unit", action="append", default=[], help="unit code; repeat for several")
    build.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="notebooks run at once")
    build.add_argument("--browser", help="Chromium/Chrome/Edge to print PDFs (default: found on PATH)")

    commands.add_parser("sample", help="regenerate data/sample/figures.csv and the sample targets")
    return parser


def run_build(args: argparse.Namespace, console: Console) -> int:
    layout = Layout(args.root.resolve())
    period, jobs = plan_jobs(layout, args.period, args.unit)
    console.print(f"Kỳ [bold]{period}[/]: {len(jobs)} báo cáo → {layout.outputs(period)}")
    started = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("Đang lập báo cáo", total=len(jobs))

        def done(result: JobResult) -> None:
            mark = "[green]xong[/]" if result.ok else "[red]LỖI[/]"
            progress.console.print(f"  {mark} {result.job.stem} ({result.seconds:.1f} s)")
            progress.advance(task)

        _, results = build_period(layout, period, args.unit, args.workers, args.browser, done)
    _print_summary(console, results, time.perf_counter() - started, layout.outputs(period))
    return 0 if all(r.ok for r in results) else 1


def _print_summary(console: Console, results: list[JobResult], seconds: float, out_dir: Path) -> None:
    table = Table(title="Kết quả")
    for column in ("Báo cáo", "Trạng thái", "Thời gian", "Lỗi"):
        table.add_column(column)
    for r in results:
        table.add_row(r.job.stem, "xong" if r.ok else "LỖI", f"{r.seconds:.1f} s", r.error)
    console.print(table)
    failed = [r for r in results if not r.ok]
    done = len(results) - len(failed)
    console.print(f"{done} xong, {len(failed)} lỗi, {seconds:.1f} s. Mục lục: {out_dir / 'index.html'}")
    for r in failed:
        notebook = out_dir / "notebooks" / f"{r.job.stem}.ipynb"
        console.print(f"[red]LỖI[/] {r.job.stem}: {r.error} (notebook: {notebook})")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    console = Console()
    if args.command == "build":
        return run_build(args, console)
    if args.command == "sample":
        from .sample import make_sample

        make_sample(args.root.resolve() / "data")
        console.print("Đã sinh lại dữ liệu mẫu: data/sample/figures.csv, data/targets/")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
