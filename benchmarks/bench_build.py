"""Benchmark one period's reports three ways, side by side, on a copy of the sample project.

(a) naive: for each report, the loop a user writes from the papermill and nbconvert docs:
    `papermill` (a new kernel), `jupyter nbconvert --to html --no-input`, then a PDF from a
    cold browser in a new process (benchmarks/naive_pdf.py: one PdfPrinter, one page; it
    stands in for nbconvert's webpdf, whose own Chromium download cannot be fetched here).
(b) `reportkit build --force`, then `reportkit build` again with nothing changed, each cold:
    the command starts its fork server and browser itself.
(c) the floor: the kit's own work for the reports in one warm process, no kernel
    (benchmarks/floor.py).

Prints the median of each over --runs runs, and the ratios a/b and b/(c/cores).
Usage: python benchmarks/bench_build.py [--runs 3] [--period 2022-FY] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TARGETS = {"a/b": 5.0, "b/(c/cores)": 1.3, "nochange_s": 1.0}


def run(command: list[str], **kwargs) -> float:
    """Wall seconds of a command, which must succeed."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - started


def copy_project(where: Path) -> Path:
    """The sample project with the sample submissions taken into its own store."""
    project = where / "project"
    for part in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / part, project / part)
    submissions = sorted(str(p) for p in (project / "data" / "sample" / "submissions").iterdir())
    run([str(BIN / "reportkit"), "--root", str(project), "intake", *submissions])
    return project


def naive(project: Path, period: str) -> float:
    """(a): papermill, nbconvert and a cold browser per report, one report after the other."""
    sys.path.insert(0, str(ROOT / "src"))
    from reportkit.build.plan import plan_build
    from reportkit.paths import ProjectPaths

    plan = plan_build(ProjectPaths.at(project), period)
    out = project / "naive"
    out.mkdir(exist_ok=True)
    started = time.perf_counter()
    for job in plan.jobs:
        executed = out / f"{job.stem}.ipynb"
        page, pdf = out / f"{job.stem}.html", out / f"{job.stem}.pdf"
        options = ["-y", json.dumps(job.parameters), "--cwd", str(job.notebook.parent), "-k", "python3"]
        run([str(BIN / "papermill"), str(job.notebook), str(executed), *options])
        run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
        run([sys.executable, str(BENCH / "naive_pdf.py"), str(page), str(pdf)])
    return time.perf_counter() - started


def kit_build(project: Path, period: str, *extra: str) -> float:
    """(b): the kit's command."""
    return run([str(BIN / "reportkit"), "--root", str(project), "build", "--period", period, *extra])


def floor(project: Path, period: str) -> float:
    """(c): the report work alone, timed inside a warm process."""
    result = subprocess.run(
        [sys.executable, str(BENCH / "floor.py"), "--root", str(project), "--period", period],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])["seconds"]


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--period", default="2022-FY")
    parser.add_argument("--skip-naive", action="store_true", help="leave out (a), the slow one")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    times: dict[str, list[float]] = {key: [] for key in LABELS}
    with tempfile.TemporaryDirectory(prefix="reportkit-bench-") as tmp:
        project = copy_project(Path(tmp))
        for number in range(1, args.runs + 1):
            # Interleaved, so a busy spell on the machine falls on all of them alike.
            if not args.skip_naive:
                times["a"].append(naive(project, args.period))
            times["b"].append(kit_build(project, args.period, "--force"))
            times["nochange"].append(kit_build(project, args.period))
            times["c"].append(floor(project, args.period))
            line = ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items() if v)
            print(f"run {number}: {line}", flush=True)
    report(times, cores)
    if args.json:
        args.json.write_text(json.dumps({"cores": cores, "runs": times}, indent=1), encoding="utf-8")


LABELS = {
    "a": "(a) naive papermill + nbconvert + cold browser, per report",
    "b": "(b) reportkit build --force",
    "c": "(c) floor: the kit's own work, one warm process",
    "nochange": "    reportkit build, nothing changed",
}


def report(times: dict[str, list[float]], cores: int) -> None:
    median = {k: statistics.median(v) for k, v in times.items() if v}
    print(f"\nMedians of {len(times['b'])} runs on {cores} cores:")
    for key, label in LABELS.items():
        if key in median:
            print(f"  {label:<62} {median[key]:7.2f} s")
    print(f"  {'c / cores':<62} {median['c'] / cores:7.2f} s")
    ratios = {
        "b/(c/cores)": median["b"] / (median["c"] / cores),
        "nochange_s": median["nochange"],
    }
    if "a" in median:
        ratios["a/b"] = median["a"] / median["b"]
    for name, value in ratios.items():
        target = TARGETS[name]
        higher = name.startswith("a/")
        met = value >= target if higher else value <= target
        sign = ">=" if higher else "<="
        print(f"  {name:<18} {value:6.2f}   target {sign} {target:g}   {'met' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
