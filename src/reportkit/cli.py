"""The `reportkit` command: send templates, take in submissions, trace figures, build reports."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
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
from .paths import EXECUTED_DIR, GUIDE_FILE, INDEX_FILE, MANIFEST_FILE, WORDING_FILE, ProjectPaths, log_name

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
    "draft": "dự thảo, lập --final",
}
STATES = {JobState.BUILT: "[green]xong[/]", JobState.SKIPPED: "bỏ qua", JobState.FAILED: "[red]LỖI[/]"}
DRAFT = "[yellow]DỰ THẢO[/]"


def describe_state(result: JobResult) -> str:
    """ "xong", "bỏ qua", "LỖI"; a draft says so beside it."""
    state = STATES[result.state]
    return f"{state} ({DRAFT})" if result.draft and result.ok else state


def format_duration(seconds: float) -> str:
    from .formats import format_duration as format_vi  # Babel: loaded once the build is under way

    return format_vi(seconds)


# How many files a run refused, as its exit code, for scripts; above it, a run that read no file.
MAX_REFUSED_CODE, INTAKE_NOT_STARTED = 100, 101
INTAKE_EXIT_CODES = f"""Mã thoát:
  0      mọi tệp đều được nhận (hoặc đã có trong kho từ trước);
  1-{MAX_REFUSED_CODE}  số tệp không được nhận ({MAX_REFUSED_CODE}: từ {MAX_REFUSED_CODE} tệp trở lên);
         một tệp hỏng không làm dừng các tệp khác, mỗi tệp có kết quả kiểm tra riêng;
  {INTAKE_NOT_STARTED}    chưa kiểm tra tệp nào: kỳ báo cáo không có, dữ liệu của kit hoặc kho bị lỗi;
  2      cũng là mã khi lệnh gõ sai (thiếu tệp, tùy chọn lạ): khi đó có kèm cách gõ đúng."""


# argparse's own words (usage line, group titles, -h, errors), as the command says them. argparse
# looks each up through its module's gettext `_`; VietnameseParser swaps in this table while it
# builds, prints or parses, so other users of argparse in the process keep theirs.
ARGPARSE_WORDS = {
    "usage: ": "Cách dùng: ",
    "positional arguments": "đối số",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "đối số %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "thiếu đối số bắt buộc: %s",
    "unrecognized arguments: %s": "không hiểu đối số: %s",
    "one of the arguments %s is required": "cần một trong các đối số %s",
    "not allowed with argument %s": "không dùng cùng với %s",
    "ignored explicit argument %r": "không nhận giá trị %r",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tùy chọn %(option)s chưa rõ: có thể là %(matches)s"
    ),
    "unexpected option string: %s": "tùy chọn không đúng chỗ: %s",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "không có lựa chọn %(value)r (chọn một trong: %(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "không có lệnh %(parser_name)r (các lệnh: %(choices)s)"
    ),
}


def _translate(message: str) -> str:
    return ARGPARSE_WORDS.get(message, message)


def _translate_plural(singular: str, plural: str, n: int) -> str:
    # argparse's only plural: "expected %s argument(s)".
    return f"cần {n} giá trị" if singular == "expected %s argument" else (singular if n == 1 else plural)


@contextlib.contextmanager
def _vietnamese_argparse() -> Iterator[None]:
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _translate, _translate_plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class VietnameseParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words (usage, titles, errors) are Vietnamese."""

    def __init__(self, *args, **kwargs) -> None:
        with _vietnamese_argparse():
            super().__init__(*args, **kwargs)

    def format_usage(self) -> str:
        with _vietnamese_argparse():
            return super().format_usage()

    def format_help(self) -> str:
        if callable(self.description):  # worked out only when the help is shown
            self.description = self.description()
        with _vietnamese_argparse():
            return super().format_help()

    def parse_args(self, args=None, namespace=None):
        with _vietnamese_argparse():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with _vietnamese_argparse():
            return super().parse_known_args(args, namespace)

    def error(self, message: str):
        with _vietnamese_argparse():
            super().error(message)


PERIOD_HELP = "mã kỳ báo cáo trong data/periods.yaml, ví dụ 2022-FY"
BROWSER_HELP = "trình duyệt Chromium/Chrome/Edge để in PDF (mặc định: tìm trên PATH)"


def _whose_kit() -> str:
    """ " của <issuer>" when the working directory is a project that names its organisation: the
    help is printed before --root is read, so only the usual place is looked at (else nothing)."""
    from .report.inputs import load_identity

    try:
        return f" của {load_identity(ProjectPaths.at(Path.cwd()).data_dir / WORDING_FILE).issuer}"
    except (DataError, OSError):
        return ""


def describe_kit() -> str:
    """The help's first line. The parser calls it only to print the help: reading the wording
    costs about a tenth of a second, which `reportkit build` with nothing changed cannot spare."""
    return f"Bộ công cụ báo cáo{_whose_kit()}: gửi mẫu biểu, nhận số liệu, truy nguồn số liệu, lập báo cáo."


def _parser() -> argparse.ArgumentParser:
    parser = VietnameseParser(
        prog="reportkit",
        description=describe_kit,
    )
    parser.add_argument(
        "--root",
        type=Path,
        metavar="THƯ_MỤC",
        default=Path.cwd(),
        help="thư mục dự án (mặc định: thư mục hiện tại)",
    )
    parser.add_argument(
        "--store",
        type=Path,
        metavar="THƯ_MỤC",
        help="thư mục kho số liệu (mặc định: $REPORTKIT_STORE, nếu không có: <root>/store)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="LỆNH", title="các lệnh")

    build = commands.add_parser(
        "build",
        help="lập các báo cáo của một kỳ vào outputs/<kỳ>/",
        description="Lập các báo cáo của một kỳ vào outputs/<kỳ>/; báo cáo không đổi thì bỏ qua.",
    )
    build.add_argument(
        "--period",
        metavar="KỲ",
        help="mã kỳ báo cáo trong data/periods.yaml (mặc định: kỳ `default` của tệp)",
    )
    build.add_argument(
        "--unit",
        action="append",
        metavar="MÃ",
        default=[],
        help="mã đơn vị; lặp lại để lập nhiều đơn vị",
    )
    build.add_argument(
        "--level",
        action="append",
        metavar="CẤP",
        default=[],
        help="lập mọi đơn vị của một cấp, theo mã cấp trong tệp các cấp của kỳ (levels trong "
        "data/periods.yaml); lặp lại để lập nhiều cấp (mặc định: các cấp ghi ở reports trong tệp đó)",
    )
    build.add_argument(
        "--workers",
        type=int,
        metavar="SỐ",
        default=0,
        help="số báo cáo chạy cùng lúc (mặc định: mỗi nhân CPU một báo cáo)",
    )
    build.add_argument("--browser", metavar="TRÌNH_DUYỆT", help=BROWSER_HELP)
    build.add_argument("--force", action="store_true", help="lập lại mọi báo cáo, dù có thay đổi hay không")
    build.add_argument(
        "--engine",
        choices=sorted(ENGINES),
        default=DEFAULT_ENGINE,
        help="inprocess: chạy các ô trong một tiến trình báo cáo đã khởi động sẵn (mặc định); "
        "kernel: mỗi báo cáo một Jupyter kernel",
    )
    build.add_argument(
        "--timeout",
        type=float,
        metavar="GIÂY",
        default=DEFAULT_TIMEOUT_S,
        help="số giây tối đa cho một báo cáo (mặc định: 600)",
    )
    build.add_argument(
        "--scheduler", metavar="ĐỊA_CHỈ", help="địa chỉ Dask scheduler: chạy các báo cáo trên cụm máy đó"
    )
    build.add_argument(
        "--strict",
        action="store_true",
        help="nghiêm ngặt: báo cáo nào phát sinh cảnh báo (warning) hoặc in ra stderr thì coi là LỖI "
        "(dùng khi kiểm thử)",
    )
    build.add_argument(
        "--final",
        action="store_true",
        help="bản trình Ban Thường vụ: báo cáo nào còn là dự thảo (thiếu phần II–IV trong "
        "params/narrative/<kỳ>/<mã>.md) thì coi là LỖI, PDF dự thảo không được ghi",
    )

    commands.add_parser(
        "sample",
        help="sinh lại số liệu mẫu, chỉ tiêu mẫu và các tệp gửi về mẫu",
        description="Sinh lại số liệu mẫu, chỉ tiêu mẫu và các tệp gửi về mẫu trong data/.",
    )

    template = commands.add_parser(
        "template",
        help="lập mẫu biểu Excel cho từng đơn vị gửi số liệu của kỳ",
        description="Lập mẫu biểu Excel để các đơn vị gửi số liệu (cấp ghi ở submits trong tệp các cấp "
        "của kỳ) điền số liệu của một kỳ.",
    )
    template.add_argument("--period", required=True, metavar="KỲ", help=PERIOD_HELP)
    template.add_argument(
        "--unit",
        action="append",
        metavar="MÃ",
        default=[],
        help="mã đơn vị gửi số liệu; lặp lại để lập nhiều đơn vị",
    )
    template.add_argument(
        "--out", type=Path, metavar="THƯ_MỤC", help="thư mục ghi mẫu biểu (mặc định: outputs/templates/<kỳ>)"
    )

    intake = commands.add_parser(
        "intake",
        help="kiểm tra các tệp số liệu gửi về và nhận vào kho",
        description="Kiểm tra các tệp số liệu gửi về và nhận vào kho; mỗi tệp có kết quả kiểm tra riêng.",
        epilog=INTAKE_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    intake.add_argument("files", nargs="+", type=Path, metavar="TỆP", help="các tệp Excel hoặc CSV đã điền")
    intake.add_argument(
        "--period", metavar="KỲ", help="kỳ đang thu số liệu: tệp của kỳ khác sẽ không được nhận"
    )
    intake.add_argument(
        "--reports",
        type=Path,
        metavar="THƯ_MỤC",
        help="thư mục ghi kết quả kiểm tra (mặc định: outputs/intake)",
    )

    trace = commands.add_parser(
        "trace",
        help="chỉ ra tệp, trang tính và ô gốc của một số liệu trong báo cáo",
        description="Chỉ ra tệp, trang tính và ô gốc của một số liệu trong báo cáo.",
    )
    trace.add_argument("unit", metavar="ĐƠN_VỊ", help="mã đơn vị, ví dụ 917 hoặc 92")
    trace.add_argument("period", metavar="KỲ", help=PERIOD_HELP)
    trace.add_argument("indicator", metavar="CHỈ_TIÊU", help="mã chỉ tiêu (hoặc mã số liệu) trong danh mục")

    commands.add_parser(
        "rebuild-store",
        help="dựng lại cơ sở dữ liệu của kho từ các tệp gốc đã lưu",
        description="Dựng lại cơ sở dữ liệu của kho từ các tệp gốc đã lưu trong kho.",
    )
    _add_new_parser(commands)
    return parser


def _add_new_parser(commands) -> None:
    new = commands.add_parser(
        "new",
        help="tạo kế hoạch của một năm mới, hoặc thư mục dự án của một tổ chức mới",
        description="Tạo các tệp của một năm kế hoạch mới từ năm trước, hoặc thư mục dự án của một "
        "tổ chức mới từ dự án này; không ghi đè tệp nào.",
    )
    kinds = new.add_subparsers(dest="new_kind", required=True, metavar="LOẠI", title="các loại")
    year = kinds.add_parser(
        "year",
        help="chép danh mục chỉ tiêu, chỉ tiêu giao và các kỳ của một năm sang năm mới",
        description="Chép danh mục chỉ tiêu và chỉ tiêu giao của một năm sang tệp của năm mới, thêm các "
        "kỳ của năm mới vào data/periods.yaml (giữ nguyên chú thích của tệp); chú thích trong các tệp "
        "mới nói chỗ cần sửa.",
    )
    year.add_argument("year", type=int, metavar="NĂM", help="năm mới, ví dụ 2023")
    year.add_argument(
        "--from", dest="source_year", type=int, metavar="NĂM", help="năm để chép (mặc định: năm trước đó)"
    )
    project = kinds.add_parser(
        "project",
        help="tạo thư mục dự án cho một tổ chức mới",
        description="Tạo thư mục dự án cho một tổ chức mới: chép data/ (trừ dữ liệu mẫu), "
        "params/defaults.yaml và notebooks/, không có số liệu gửi về, kho hay báo cáo; "
        f"tệp {GUIDE_FILE} trong đó liệt kê các tệp cần sửa.",
    )
    project.add_argument("folder", type=Path, metavar="THƯ_MỤC", help="thư mục mới, chưa có hoặc trống")
    project.add_argument(
        "--from",
        dest="source_root",
        type=Path,
        metavar="THƯ_MỤC",
        help="thư mục dự án để chép (mặc định: --root, tức thư mục hiện tại)",
    )


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
                f"  {describe_state(result)} {result.job.stem} {format_duration(result.seconds)} {detail}",
                highlight=False,
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


def check_data(paths: ProjectPaths) -> None:
    """Every data and params file reads before the command uses any (DataError naming the first
    that does not): a typo stops the command in one line, never in a traceback or in each report."""
    from .report.inputs import check_project

    check_project(paths.data_dir, paths.params_dir)


def run_build(args: argparse.Namespace, console: Console) -> int:
    paths = project_paths(args)  # the build checks the data files itself, if a report needs building
    options = BuildOptions(
        workers=args.workers,
        browser=args.browser,
        engine=args.engine,
        timeout=args.timeout,
        force=args.force,
        scheduler=args.scheduler,
        strict=args.strict,
        final=args.final,
    )
    started = time.perf_counter()
    if not (args.force or args.final) and print_unchanged(paths, args, console, started):
        return 0
    if args.force and not args.scheduler:
        # Every report will run: the fork server warms up while the plan is read and checked.
        from .build.executors import start_fork_server

        start_fork_server(paths.data_dir)
    try:
        summary, results = _build_here(paths, args, options, console)
    except KeyboardInterrupt:
        console.print("[red]Đã dừng.[/] Báo cáo đã xong được giữ; không tệp nào bị ghi dở.")
        return 130
    print_summary(console, results, time.perf_counter() - started, summary.out_dir)
    return 0 if all(r.ok for r in results) else 1


def print_unchanged(paths: ProjectPaths, args: argparse.Namespace, console: Console, started: float) -> bool:
    """If nothing the last build read or wrote has changed, say so as a build with nothing to do
    would, without loading the plan (build/stamp.py); else False."""
    from .build.stamp import read_stamp, request_of

    found = read_stamp(paths, request_of(paths, args.period, args.unit, args.level))
    if found is None:
        return False
    out_dir = Path(found["out_dir"])
    console.print(f"Kỳ [bold]{found['period']}[/]: {len(found['reports'])} báo cáo → {out_dir}")
    results = [
        JobResult(Job(r["unit"], r["title"], Path(), r["stem"], {}), JobState.SKIPPED, 0.0, draft=r["draft"])
        for r in found["reports"]
    ]
    print_summary(console, results, time.perf_counter() - started, out_dir)
    return True


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

    # An unchanged draft is listed too: the summary names every report that is still a draft.
    shown = [r for r in results if r.state is not JobState.SKIPPED or r.draft]
    table = Table(title="Kết quả")
    for column in ("Báo cáo", "Trạng thái", "Thời gian"):
        table.add_column(column)
    table.add_column("Ghi chú", overflow="fold")  # a file path to write is shown whole
    for r in shown[:SUMMARY_ROWS]:
        note = r.error if r.state is JobState.FAILED else f"thay đổi: {describe_changes(r)}"
        if r.state is JobState.SKIPPED:
            note = "không đổi"
        if r.kept:
            note += f" (PDF hiện có là {r.kept})"
        if r.draft and r.ok:
            note += f"; {r.draft}"
        duration = "" if r.state is JobState.SKIPPED else format_duration(r.seconds)
        table.add_row(r.job.stem, describe_state(r), duration, note)
    if len(shown) > SUMMARY_ROWS:
        table.add_row(f"… và {len(shown) - SUMMARY_ROWS} báo cáo khác", "", "", "")
    skipped = sum(r.state is JobState.SKIPPED and not r.draft for r in results)
    if skipped:
        table.add_row(f"{skipped} báo cáo không đổi", STATES[JobState.SKIPPED], "", "")
    console.print(table)
    counts = {state: sum(r.state is state for r in results) for state in JobState}
    totals = Table(show_header=True)
    for column in ("Đã lập", "Bỏ qua", "Lỗi", "Dự thảo", "Thời gian"):
        totals.add_column(column, justify="right")
    drafts = sum(bool(r.draft) and r.ok for r in results)
    totals.add_row(*(str(counts[state]) for state in JobState), str(drafts), format_duration(seconds))
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
        "new": run_new,
    }
    try:
        return commands[args.command](args, console)
    except ReportKitError as exc:
        # Bad data, a missing store, a busy period: said in a line, not a traceback.
        console.print(f"[red]LỖI[/] {exc}")
        return 2


def run_sample(args: argparse.Namespace, console: Console) -> int:
    from .submissions.sample import make_sample

    paths = project_paths(args)
    make_sample(paths.data_dir, paths.params_dir)
    console.print(
        "Đã sinh lại dữ liệu mẫu: data/sample/figures*.csv, data/sample/submissions/, data/targets/; "
        "phần II–IV mẫu cho báo cáo chưa có nội dung: params/narrative/"
    )
    return 0


def run_template(args: argparse.Namespace, console: Console) -> int:
    from .report.inputs import load_plan
    from .submissions.templates import submitting_units, write_template

    paths = project_paths(args)
    check_data(paths)
    plan = load_plan(paths.data_dir, args.period)
    units = args.unit or submitting_units(plan)
    wrong = [u for u in units if u not in submitting_units(plan)]
    if wrong:
        known = ", ".join(f"{code} ({plan.tree.title(code)})" for code in submitting_units(plan))
        word = plan.tree.levels.words(plan.tree.levels.submits)["association"]
        raise DataError(f"Không phải mã {word}: {', '.join(wrong)}. Các mã có: {known}")
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
        check_data(paths)
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
        f"{counts['rejected']} tệp không nhận; {format_duration(time.perf_counter() - started)}."
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
    from .model import describe_unknown_units
    from .report.inputs import load_plan
    from .report.metrics import compute_outcome
    from .submissions.feedback import render_trace
    from .submissions.store import open_readonly, read_figures, trace

    paths = project_paths(args)
    check_data(paths)
    plan = load_plan(paths.data_dir, args.period)
    catalogue, tree = plan.catalogue, plan.tree
    if args.unit not in tree:
        raise DataError(describe_unknown_units(tree, [args.unit], plan.period.org))
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
    check_data(paths)
    store_dir = paths.store_dir
    received = rebuild_store(paths.data_dir, store_dir)
    refused = [r for r in received if r.status == "rejected"]
    console.print(
        f"Đã dựng lại kho {store_dir}: {len(received) - len(refused)} tệp, {len(refused)} không nhận."
    )
    for r in refused:
        console.print(f"[red]KHÔNG NHẬN[/] {r.file_name}: {r.verdict.errors[0].message}")
    return 1 if refused else 0


def run_new(args: argparse.Namespace, console: Console) -> int:
    from .scaffold import start_project, start_year

    paths = project_paths(args)
    if args.new_kind == "project":
        folder = args.folder.resolve()
        to_edit = start_project(args.source_root or paths.root, folder)
        console.print(f"Đã tạo dự án mới trong {folder}. Cần sửa các tệp (xem {folder / GUIDE_FILE}):")
        for number, name in enumerate(to_edit, start=1):
            console.print(f"  {number}. {name.as_posix()}", highlight=False)
        return 0
    check_data(paths)  # the new year starts from files that read
    made = start_year(paths.data_dir, args.year, args.source_year)
    console.print(
        f"Đã tạo kế hoạch năm {made.year} từ năm {made.source_year}: các kỳ {', '.join(made.periods)} "
        f"trong data/periods.yaml, data/{made.catalogue}"
        + (f", data/{made.targets}" if made.targets else ""),
        highlight=False,
    )
    console.print(
        f"Cần sửa: danh mục data/{made.catalogue} (tên, nguồn và chỉ tiêu của kế hoạch năm {made.year}); "
        f"ngày báo cáo của các kỳ mới trong data/periods.yaml. Câu chữ (data/{WORDING_FILE}) dùng chung "
        "cho mọi năm, không cần chép.",
        highlight=False,
    )
    if made.targets:
        console.print(
            f"[yellow]Lưu ý:[/] data/{made.targets} là chỉ tiêu giao năm {made.source_year}, chép nguyên: "
            f"phải thay bằng chỉ tiêu giao năm {made.year} trước khi lập báo cáo.",
            highlight=False,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
