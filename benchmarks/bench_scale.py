"""How build time grows with the number of units: synthetic trees up to 1.000 units and more.

Each size is a copy of the sample project whose organisation tree is replaced by a synthetic
one (one city, D districts, G grassroots associations each), with sample targets and figures
made for it by the kit's own seeded generator and taken into the copy's store, which the reports
read. Every unit gets a report (city, district and grassroots levels). For each size the
benchmark times `reportkit build` from scratch, then a rebuild with nothing changed, and prints
a table.

Usage: python benchmarks/bench_scale.py [--sizes 5x11,8x14,...] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reportkit.build.stamp import RACY_S

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_SIZES = "5x11,8x14,10x24,20x24,20x49,24x62"  # districts x grassroots per district
LEVELS = ["--level", "city", "--level", "district", "--level", "grassroots"]


def write_tree(path: Path, districts: int, communes: int) -> int:
    """A city (code 92, as the sample) with `districts` districts of `communes` communes."""
    lines = ["code,name,kind,parent_code", "92,Cần Thơ,thành phố,"]
    for d in range(1, districts + 1):
        district = f"9{d:03d}"
        lines.append(f"{district},Thử {d:02d},huyện,92")
        lines += [f"{district}{c:03d},Thử {d:02d}-{c:03d},xã,{district}" for c in range(1, communes + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def make_project(where: Path, districts: int, communes: int) -> tuple[Path, int]:
    project = where / f"project-{districts}x{communes}"
    for part in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / part, project / part)
    units = write_tree(project / "data" / "org" / "units-2022.csv", districts, communes)
    shutil.rmtree(project / "data" / "sample" / "submissions")
    reportkit = [str(BIN / "reportkit"), "--root", str(project)]
    subprocess.run([*reportkit, "sample"], check=True, capture_output=True)
    # The reports read the store, as a city's do: the generated submissions are taken in first.
    submissions = sorted(str(p) for p in (project / "data" / "sample" / "submissions").iterdir())
    subprocess.run([*reportkit, "intake", *submissions], check=True, capture_output=True)
    # A build leaves no no-change stamp when an input changed in the 2 s before it started
    # (build/stamp.py), as these just did; an analyst's data is older than that.
    time.sleep(RACY_S)
    return project, units


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(project: Path, workers: int | None, units: list[str]) -> dict[str, float]:
    """Build from scratch, then again with nothing changed; `units`: only those reports."""
    command = [str(BIN / "reportkit"), "--root", str(project), "build", *LEVELS]
    command += ["--workers", str(workers)] if workers else []
    command += [arg for code in units for arg in ("--unit", code)]
    build = timed(command)
    nochange = timed(command)
    manifest = json.loads((project / "outputs" / "2022-FY" / "manifest.json").read_text(encoding="utf-8"))
    reports = manifest["reports"].values()
    failed = sum(r["status"] != "built" for r in reports)
    city = next(r["seconds"] for r in reports if r["unit"] == "92")
    return {"reports": len(reports), "failed": failed, "build": build, "nochange": nochange, "city": city}


def fingerprint_all(project: Path) -> float:
    """Plan and fingerprint every unit's report: what a rebuild with nothing changed costs."""
    from reportkit.build.plan import fingerprint_jobs, plan_build
    from reportkit.paths import ProjectPaths

    started = time.perf_counter()
    paths = ProjectPaths.at(project)
    fingerprint_jobs(paths, plan_build(paths, "2022-FY", levels=["city", "district", "grassroots"]))
    return time.perf_counter() - started


def subset(districts: int, communes: int, count: int) -> list[str]:
    """The city, the first district and its first communes: `count` reports in all."""
    return ["92", "9001", *(f"9001{c:03d}" for c in range(1, min(communes, count - 2) + 1))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--only", type=int, help="in larger trees build only this many reports")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    header = f"{'units':>6} {'reports':>7} {'build s':>8} {'s/report':>8} {'city s':>7} {'no-change s':>11}"
    header += f" {'plan all s':>10}"
    print(header, flush=True)
    with tempfile.TemporaryDirectory(prefix="reportkit-scale-") as tmp:
        for size in args.sizes.split(","):
            districts, communes = (int(n) for n in size.split("x"))
            project, units = make_project(Path(tmp), districts, communes)
            only = subset(districts, communes, args.only) if args.only and units > args.only else []
            row = {"units": units, **measure(project, args.workers, only), "plan": fingerprint_all(project)}
            rows.append(row)
            per = row["build"] / row["reports"]
            print(
                f"{units:>6} {row['reports']:>7} {row['build']:>8.1f} {per:>8.2f} {row['city']:>7.1f} "
                f"{row['nochange']:>11.2f} {row['plan']:>10.2f}"
                + (f"  ({row['failed']} failed)" if row["failed"] else ""),
                flush=True,
            )
            shutil.rmtree(project)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
