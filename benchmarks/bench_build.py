"""Benchmark one period's reports three ways, side by side, on a copy of the sample project.

(a) naive: for each report, the loop a user writes from the papermill and nbconvert docs:
    `papermill` (a new kernel), `jupyter nbconvert --to html --no-input`, then a PDF from a
    cold browser in a new process (benchmarks/naive_pdf.py: one PdfPrinter, one page; it
    stands in for nbconvert's webpdf, whose own Chromium download cannot be fetched here).
    (a1) runs the reports one at a time; (a2) one per core, with `xargs -P <cores>`.
(b) `reportkit build --force`, then `reportkit build` again with nothing changed, each cold:
    the command starts its report processes and browser itself. Both read the project's store.
(c) the floor: the kit's own work for the reports in one warm process, no kernel
    (benchmarks/floor.py).

--units N replaces the sample's tree by a city with N units directly under it (sample figures
made for it by the kit's generator and taken into the project's store as submissions): N=103
is the size of the city since 2025, 104 reports (see write_flat_tree for how the units stand).

Prints the median of each over --runs runs, and the ratios a1/b, a2/b and b/(c/cores).
Usage: python benchmarks/bench_build.py [--runs 3] [--period 2022-FY] [--units 103] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reportkit.build.stamp import RACY_S

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TARGETS = {"a1/b": 10.0, "a2/b": 5.0, "b/(c/cores)": 1.3, "nochange_s": 0.3}


def run(command: list[str], **kwargs) -> float:
    """Wall seconds of a command, which must succeed."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - started


def copy_project(where: Path, units: int = 0) -> Path:
    """The sample project with the sample submissions taken into its own store; with `units`,
    its tree replaced by a city of that many units and the sample made again for it."""
    project = where / "project"
    for part in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / part, project / part)
    if units:
        write_flat_tree(project / "data" / "org" / "units-2022.csv", units)
        shutil.rmtree(project / "data" / "sample" / "submissions")
        run([str(BIN / "reportkit"), "--root", str(project), "sample"])
    submissions = sorted(str(p) for p in (project / "data" / "sample" / "submissions").iterdir())
    run([str(BIN / "reportkit"), "--root", str(project), "intake", *submissions])
    # A build cannot stamp inputs written in the 2 s before it starts (build/stamp.py: a second
    # change in the same clock tick could hide), so a build right after intake leaves no stamp
    # and the next one decides the full way. An analyst's intake is not that close to a build.
    time.sleep(RACY_S)
    return project


def write_flat_tree(path: Path, units: int) -> None:
    """A city (code 92, as the sample) with `units` reporting units under it.

    Until the levels are data (the submitting level is the sample's "district"), each unit is a
    district with one grassroots association below it, so the sample's figures pass intake's
    checks; only the city's and the units' reports are built: units + 1 reports."""
    lines = ["code,name,kind,parent_code", "92,Cần Thơ,thành phố,"]
    for n in range(1, units + 1):
        lines += [f"9{n:03d},Thử {n:03d},huyện,92", f"9{n:03d}001,Thử {n:03d}-1,xã,9{n:03d}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def naive_commands(project: Path, period: str) -> list[str]:
    """(a), one shell line per report: papermill, nbconvert, then a cold browser."""
    sys.path.insert(0, str(ROOT / "src"))
    from reportkit.build.plan import plan_build
    from reportkit.paths import ProjectPaths

    plan = plan_build(ProjectPaths.at(project), period)
    out = project / "naive"
    out.mkdir(exist_ok=True)
    lines = []
    for job in plan.jobs:
        executed = out / f"{job.stem}.ipynb"
        page, pdf = out / f"{job.stem}.html", out / f"{job.stem}.pdf"
        options = ["-y", json.dumps(job.parameters), "--cwd", str(job.notebook.parent), "-k", "python3"]
        steps = [
            [str(BIN / "papermill"), str(job.notebook), str(executed), *options],
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            [sys.executable, str(BENCH / "naive_pdf.py"), str(page), str(pdf)],
        ]
        lines.append(" && ".join(shlex.join(step) + " >/dev/null 2>&1" for step in steps))
    return lines


def naive(project: Path, period: str, per_core: int) -> float:
    """(a1) with per_core=1: one report after the other; (a2): `xargs -P` runs per_core at once."""
    script = "\n".join(naive_commands(project, period)) + "\n"
    started = time.perf_counter()
    xargs = ["xargs", "-d", "\n", "-P", str(per_core), "-I", "{}", "sh", "-c", "{}"]
    subprocess.run(xargs, input=script, text=True, check=True)
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
    parser.add_argument("--units", type=int, default=0, help="a city of this many units, not the sample")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    times: dict[str, list[float]] = {key: [] for key in LABELS}
    with tempfile.TemporaryDirectory(prefix="reportkit-bench-") as tmp:
        project = copy_project(Path(tmp), args.units)
        for number in range(1, args.runs + 1):
            # Interleaved, so a busy spell on the machine falls on all of them alike.
            if not args.skip_naive:
                times["a1"].append(naive(project, args.period, 1))
                times["a2"].append(naive(project, args.period, cores))
            times["b"].append(kit_build(project, args.period, "--force"))
            times["nochange"].append(kit_build(project, args.period))
            times["c"].append(floor(project, args.period))
            line = ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items() if v)
            print(f"run {number}: {line}", flush=True)
    report(times, cores)
    if args.json:
        args.json.write_text(json.dumps({"cores": cores, "runs": times}, indent=1), encoding="utf-8")


LABELS = {
    "a1": "(a1) naive papermill + nbconvert + cold browser, one at a time",
    "a2": "(a2) the same, one report per core (xargs -P)",
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
    for naive_run in ("a1", "a2"):
        if naive_run in median:
            ratios[f"{naive_run}/b"] = median[naive_run] / median["b"]
    for name, value in ratios.items():
        target = TARGETS[name]
        higher = name.startswith("a")
        met = value >= target if higher else value <= target
        sign = ">=" if higher else "<="
        print(f"  {name:<18} {value:6.2f}   target {sign} {target:g}   {'met' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
