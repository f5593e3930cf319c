"""Build: run each report notebook with papermill, export HTML and PDF, and index the period."""

from __future__ import annotations

import datetime as dt
import time
import traceback
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from . import __version__
from .intake import load_org_tree, load_periods, load_unit_params
from .model import OrgTree

KERNEL_TIMEOUT_S = 600  # one cell may take this long before the report is failed


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
    ok: bool
    seconds: float
    error: str = ""
    html: Path | None = None
    pdf: Path | None = None


@dataclass(frozen=True)
class Layout:
    """Where a project's inputs are and where a period's outputs go."""

    root: Path
    output_root: Path | None = None  # default: <root>/outputs

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def params(self) -> Path:
        return self.root / "params"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    def outputs(self, period: str) -> Path:
        return (self.output_root or self.root / "outputs") / period


def slugify(text: str) -> str:
    """ASCII file-name part: "Quận Ô Môn" -> "quan-o-mon"."""
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    ascii_text = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split())


def notebook_for(tree: OrgTree, code: str, layout: Layout) -> Path:
    """The city notebook for a root unit, the district notebook for every other unit."""
    name = "city.ipynb" if not tree[code].parent_code else "district.ipynb"
    return layout.notebooks / name


def report_units(tree: OrgTree) -> list[str]:
    """Units that get a report by default: each root and its district associations."""
    codes = []
    for root in tree.roots():
        codes.append(root.code)
        codes += [u.code for u in tree.members(root.code, "district")]
    return codes


def plan_jobs(layout: Layout, period: str | None = None, units: Sequence[str] = ()) -> tuple[str, list[Job]]:
    """The period to build and one job per unit (all reported units when none are named)."""
    periods, default = load_periods(layout.data / "periods.yaml")
    period = period or default
    if period not in periods:
        raise SystemExit(f"Kỳ báo cáo '{period}' không có trong data/periods.yaml (có: {', '.join(periods)})")
    tree = load_org_tree(layout.data / periods[period].org, layout.data / "org" / "levels.yaml")
    unknown = [u for u in units if u not in tree]
    if unknown:
        raise SystemExit(f"Mã đơn vị không có trong cây tổ chức: {', '.join(unknown)}")
    jobs = []
    for code in units or report_units(tree):
        title = tree.title(code)
        params = load_unit_params(layout.params, code)
        params.update(
            unit_code=code,
            period=period,
            data_dir=str(layout.data.resolve()),
            params_dir=str(layout.params.resolve()),
        )
        stem = f"{code}-{slugify(title)}"
        jobs.append(Job(code, title, notebook_for(tree, code, layout), stem, params))
    return period, jobs


def execute_job(job: Job, out_dir: Path) -> tuple[Path, str, float]:
    """Execute the notebook with papermill (kept, with its error if it fails) and export HTML."""
    import nbformat
    import papermill

    from .export import render_html

    started = time.perf_counter()
    executed = out_dir / "notebooks" / f"{job.stem}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(
        str(job.notebook),
        str(executed),
        parameters=job.parameters,
        cwd=str(job.notebook.parent),
        kernel_name="python3",
        progress_bar=False,
        execution_timeout=KERNEL_TIMEOUT_S,
    )
    return executed, render_html(nbformat.read(executed, as_version=4)), started


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    # papermill's error carries the whole traceback; the last line names the real cause.
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:400] if lines else type(exc).__name__


def build_period(
    layout: Layout,
    period: str | None = None,
    units: Sequence[str] = (),
    workers: int = 2,
    browser: str | None = None,
    on_done: Callable[[JobResult], None] | None = None,
) -> tuple[str, list[JobResult]]:
    """Build every report of a period; a failing report does not stop the others."""
    from .export import PdfPrinter, write_atomic

    period, jobs = plan_jobs(layout, period, units)
    out_dir = layout.outputs(period)
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[JobResult] = []
    # Kernels run in worker threads (each is its own process); the one browser stays on this
    # thread because Playwright's sync API is bound to the thread that started it.
    with PdfPrinter(browser) as printer, ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures: dict[Future, Job] = {pool.submit(execute_job, job, out_dir): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            started = time.perf_counter()
            try:
                _, html, started = future.result()
                html_path, pdf_path = out_dir / f"{job.stem}.html", out_dir / f"{job.stem}.pdf"
                write_atomic(html_path, html)
                printer.print_pdf(html, pdf_path)
                result = JobResult(job, True, time.perf_counter() - started, "", html_path, pdf_path)
            except Exception as exc:
                detail = "".join(traceback.format_exception_only(type(exc), exc))
                result = JobResult(job, False, time.perf_counter() - started, _first_line(exc))
                (out_dir / "notebooks").mkdir(parents=True, exist_ok=True)
                (out_dir / "notebooks" / f"{job.stem}.error.txt").write_text(detail, encoding="utf-8")
            results.append(result)
            if on_done:
                on_done(result)
    order = [job.stem for job in jobs]
    results.sort(key=lambda r: order.index(r.job.stem))
    write_index(out_dir, period, results)
    return period, results


def write_index(out_dir: Path, period: str, results: Sequence[JobResult]) -> Path:
    """outputs/<period>/index.html: a link to every report, and what failed."""
    from .export import write_atomic

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "fragments"),
        autoescape=True,
    )
    html = env.get_template("index.html.j2").render(
        period=period,
        results=results,
        built_at=dt.datetime.now().strftime("%d/%m/%Y %H:%M"),
        version=__version__,
    )
    path = out_dir / "index.html"
    write_atomic(path, html)
    return path
