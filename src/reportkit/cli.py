"""The `reportkit` command: send templates, take in submissions, trace figures, build reports."""

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
from .formats import format_plain
from .intake import DataError, load_plan
from .store import STORE_ENV, StoreError, locate_store


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
    build.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="notebooks run at once")
    build.add_argument("--browser", help="Chromium/Chrome/Edge to print PDFs (default: found on PATH)")

    commands.add_parser("sample", help="regenerate the sample figures, targets and submissions")

    template = commands.add_parser("template", help="write the Excel template of each district association")
    template.add_argument("--period", required=True, help="period id from data/periods.yaml")
    template.add_argument("--unit", action="append", default=[], help="district code; repeat for several")
    template.add_argument("--out", type=Path, help="folder (default: outputs/templates/<period>)")

    intake = commands.add_parser("intake", help="check submitted files and take them into the store")
    intake.add_argument("files", nargs="+", type=Path, metavar="FILE", help="filled workbooks or CSV files")
    intake.add_argument("--period", help="the period being collected: files of another period are refused")
    intake.add_argument("--reports", type=Path, help="where the check reports go (default: outputs/intake)")

    trace = commands.add_parser("trace", help="show the file, sheet and cell behind a report's figure")
    trace.add_argument("unit", metavar="UNIT", help="unit code, e.g. 917 or 92")
    trace.add_argument("period", metavar="PERIOD", help="period id, e.g. 2022-FY")
    trace.add_argument("indicator", metavar="INDICATOR", help="indicator id (or measure id) of the catalogue")

    commands.add_parser("rebuild-store", help="rebuild the store's database from its archive of originals")
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
    saved = os.environ.get(STORE_ENV)
    if args.store:
        # Report kernels are child processes: the environment is how they find this store too.
        os.environ[STORE_ENV] = str(args.store.resolve())
    try:
        return _run(args, console)
    finally:
        if saved is None:
            os.environ.pop(STORE_ENV, None)
        else:
            os.environ[STORE_ENV] = saved


def _run(args: argparse.Namespace, console: Console) -> int:
    commands = {
        "build": run_build,
        "sample": run_sample,
        "template": run_template,
        "intake": run_intake,
        "trace": run_trace,
        "rebuild-store": run_rebuild,
    }
    try:
        return commands[args.command](args, console)
    except (DataError, StoreError) as exc:
        console.print(f"[red]LỖI[/] {exc}")
        return 2


def run_sample(args: argparse.Namespace, console: Console) -> int:
    from .sample import make_sample

    make_sample(args.root.resolve() / "data")
    console.print("Đã sinh lại dữ liệu mẫu: data/sample/figures.csv, data/sample/submissions/, data/targets/")
    return 0


def run_template(args: argparse.Namespace, console: Console) -> int:
    from .templates_xlsx import submitting_units, write_template

    root = args.root.resolve()
    plan = load_plan(root / "data", args.period)
    units = args.unit or submitting_units(plan)
    wrong = [u for u in units if u not in submitting_units(plan)]
    if wrong:
        raise DataError(f"Không phải mã quận, huyện Hội: {', '.join(wrong)}")
    out = args.out or root / "outputs" / "templates" / plan.period.id
    for code in units:
        path = write_template(plan, code, out)
        console.print(f"  {plan.tree.title(code)} ({code}): {path}")
    console.print(f"Đã lập {len(units)} mẫu biểu kỳ {plan.period.label} ({plan.period.id}) trong {out}")
    return 0


def run_intake(args: argparse.Namespace, console: Console) -> int:
    from .feedback import write_reports
    from .receive import take_in_files

    root = args.root.resolve()
    if args.period:
        load_plan(root / "data", args.period)  # an unknown period stops here, before any file
    store_dir = locate_store(root)
    started = time.perf_counter()
    received = take_in_files(args.files, root / "data", store_dir, args.period)
    report_dir = args.reports or root / "outputs" / "intake"
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
    return 1 if counts["rejected"] else 0


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

    from .feedback import render_trace
    from .metrics import compute_outcome
    from .store import locate_db, open_readonly, read_figures, trace

    root = args.root.resolve()
    plan = load_plan(root / "data", args.period)
    catalogue, tree = plan.catalogue, plan.tree
    if args.unit not in tree:
        raise DataError(f"Mã đơn vị {args.unit} không có trong cây tổ chức")
    indicator = next((i for i in catalogue.indicators if args.indicator in (i.id, i.measure)), None)
    measures = indicator.measures if indicator else (args.indicator,)
    if indicator is None and args.indicator not in catalogue.measures:
        raise DataError(f"Chỉ tiêu hoặc số liệu “{args.indicator}” không có trong danh mục")
    level = catalogue.level_of(indicator) if indicator else catalogue.measures[args.indicator].level
    units = [u.code for u in tree.members(args.unit, level)]
    with closing(open_readonly(locate_db(root))) as conn:
        traced = trace(conn, plan.period.id, units, measures)
    title = indicator.short if indicator else catalogue.measures[args.indicator].name
    console.print(f"[bold]{title}[/] — {tree.title(args.unit)} ({args.unit}), {plan.period.label}")
    for line in render_trace(traced, plan, locate_store(root)):
        console.print(line, highlight=False, soft_wrap=True)
    missing = len(units) * len(measures) - len(traced)
    if missing:
        console.print(f"[yellow]Chưa có {missing} số liệu[/] (đơn vị chưa gửi, hoặc chưa nhận).")
    if indicator:
        figures = read_figures(locate_db(root), plan.period.id)
        outcome = compute_outcome(indicator, catalogue, tree, args.unit, figures, plan.period.months)
        if outcome and outcome.actual is not None:
            shown = format_plain(outcome.actual, 2) + ("%" if indicator.unit == "%" else f" {indicator.unit}")
            console.print(f"Kết quả dùng trong báo cáo: {shown}")
    return 0


def run_rebuild(args: argparse.Namespace, console: Console) -> int:
    from .receive import rebuild_store

    root = args.root.resolve()
    store_dir = locate_store(root)
    received = rebuild_store(root / "data", store_dir)
    refused = [r for r in received if r.status == "rejected"]
    console.print(
        f"Đã dựng lại kho {store_dir}: {len(received) - len(refused)} tệp, {len(refused)} không nhận."
    )
    for r in refused:
        console.print(f"[red]KHÔNG NHẬN[/] {r.file_name}: {r.verdict.errors[0].message}")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
