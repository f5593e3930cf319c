"""The no-change stamp: a build that found every report current, kept with the stats of every file
its decision could read (data, params, notebooks, store, the kit, the installed packages, the
period's outputs). While they are all as stamped, `reportkit build` says "nothing changed"
without loading the plan; any difference takes the full path, which decides from contents.
As git's index does, a file changed during the build, or in the `RACY_S` before it started
(a second change in the same clock tick could keep its size and time), makes no stamp."""

from __future__ import annotations

import json
import os
import sys
import sysconfig
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..digests import digest_json
from ..files import write_atomic
from ..paths import STAMPS_DIR, ProjectPaths

PACKAGE_DIR = Path(__file__).resolve().parents[1]
RACY_S = 2.0  # the coarsest file-time step in use (FAT's); ext4 and tmpfs keep nanoseconds
Snapshot = dict[str, list[int]]


def snapshot_files(folders: Iterable[tuple[Path, bool]]) -> Snapshot:
    """path -> [mtime in ns, size] of each file in `folders`, and in their subfolders when the flag
    says so (else the subfolders' names: an installed package's carries its version)."""
    found: Snapshot = {}
    pending = list(folders)
    while pending:
        folder, deep = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            found[str(folder)] = [-1, -1]
            continue
        for entry in entries:
            if not entry.is_dir(follow_symlinks=False):
                found[entry.path] = [entry.stat().st_mtime_ns, entry.stat().st_size]
            elif not deep:
                found[entry.path] = [0, 0]
            elif entry.name != "__pycache__":
                pending.append((Path(entry.path), True))
    return found


def snapshot_inputs(paths: ProjectPaths) -> Snapshot:
    """The stats of what a build's decision reads, and the Python that reads them."""
    packages = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    folders = [(paths.data_dir, True), (paths.params_dir, True), (PACKAGE_DIR, True)]
    folders += [(paths.notebooks_dir, False), (paths.store_dir, False)]
    return snapshot_files(folders + [(Path(p), False) for p in sorted(packages)]) | {sys.version: [0, 0]}


def request_of(paths: ProjectPaths, period: str | None, units: Sequence[str], levels: Sequence[str]) -> dict:
    """What a build was asked for, as typed (no period: the default one, read from the data)."""
    folders = (paths.data_dir, paths.params_dir, paths.notebooks_dir, paths.store_dir, paths.outputs_dir)
    return {
        "period": period,
        "units": list(units),
        "levels": list(levels),
        "folders": list(map(str, folders)),
    }


def stamp_file(paths: ProjectPaths, request: Mapping[str, Any]) -> Path:
    return paths.outputs_dir / STAMPS_DIR / f"{digest_json(dict(request))[:16]}.json"


def read_stamp(paths: ProjectPaths, request: Mapping[str, Any]) -> dict[str, Any] | None:
    """The last build's reports, if nothing it read or wrote has changed since; else None."""
    try:
        stamp = json.loads(stamp_file(paths, request).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    same_inputs = stamp.get("request") == dict(request) and stamp.get("inputs") == snapshot_inputs(paths)
    if same_inputs and stamp["outputs"] == snapshot_files([(Path(stamp["out_dir"]), True)]):
        return stamp
    return None


def write_stamp(
    paths: ProjectPaths,
    request: Mapping[str, Any],
    before: tuple[Snapshot, int],
    out_dir: Path,
    reports: list,
) -> bool:
    """Stamp a build whose reports are all current, unless a file was changed while it ran or
    just before (`before`: the snapshot and the time the build started)."""
    target = stamp_file(paths, request)
    target.unlink(missing_ok=True)
    snapshot, started_ns = before
    racy = started_ns - int(RACY_S * 1e9)
    if snapshot_inputs(paths) != snapshot or any(mtime > racy for mtime, _ in snapshot.values()):
        return False
    outputs = snapshot_files([(out_dir, True)])
    stamp = {"request": dict(request), "period": out_dir.name, "out_dir": str(out_dir), "reports": reports}
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, json.dumps(stamp | {"inputs": snapshot, "outputs": outputs}, ensure_ascii=False))
    return True


def take_snapshot(paths: ProjectPaths) -> tuple[Snapshot, int]:
    """The stats of a build's inputs, then the time (so a file changed in between counts as racy)."""
    return snapshot_inputs(paths), time.time_ns()
