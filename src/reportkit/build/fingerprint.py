"""Fingerprints: digests of everything a report reads, so an unchanged report is not built again."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import platform
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__

if TYPE_CHECKING:  # the build imports this module before it knows there is work: keep it light
    from ..model import FigureSet, OrgTree, Period, Target

PACKAGE_DIR = Path(__file__).resolve().parents[1]

# Packages whose version can change a report's bytes (tables, charts, HTML, notebook).
REPORT_PACKAGES = (
    "babel",
    "ipykernel",
    "ipython",
    "jinja2",
    "matplotlib",
    "mistune",
    "nbconvert",
    "nbformat",
    "nh3",
    "numpy",
    "pandas",
    "papermill",
    "playwright",
    "pyyaml",
)

# Parameters that say where the project is, not what the report says: a moved checkout
# builds the same reports.
LOCATION_PARAMETERS = frozenset({"data_dir", "params_dir"})


def digest_bytes(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        # Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def digest_json(value: Any) -> str:
    """A digest of a JSON-able value, independent of key order."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return digest_bytes(text.encode("utf-8"))


def digest_file(path: Path) -> str:
    """A file's content digest; a missing file has its own fixed digest."""
    try:
        return digest_bytes(b"file", path.read_bytes())
    except FileNotFoundError:
        return digest_bytes(b"absent")


def digest_notebook(path: Path) -> str:
    """A notebook's digest without its cell ids, which change each time a tool rewrites it."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return digest_bytes(b"absent")
    except ValueError:
        return digest_file(path)  # not JSON: the run will fail and say so
    for cell in notebook.get("cells", []):
        cell.pop("id", None)
    return digest_json(notebook)


def digest_files(root: Path, pattern: str) -> str:
    """One digest for every file under `root` matching `pattern`, names included."""
    parts: list[bytes] = []
    for path in sorted(p for p in root.glob(pattern) if p.is_file() and "__pycache__" not in p.parts):
        parts += [path.relative_to(root).as_posix().encode("utf-8"), path.read_bytes()]
    return digest_bytes(*parts)


def package_versions() -> dict[str, str]:
    """Python's and the report packages' versions, read from metadata without importing them."""
    from importlib import metadata

    versions = {"python": platform.python_version(), "reportkit": __version__}
    for name in REPORT_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def fingerprint_code() -> dict[str, str]:
    """The kit's own files: its version and code, its templates."""
    return {
        "kit": digest_json([__version__, digest_files(PACKAGE_DIR, "**/*.py")]),
        "templates": digest_files(PACKAGE_DIR / "templates", "**/*"),
    }


def fingerprint_kit(versions: Mapping[str, str] | None = None) -> dict[str, str]:
    """The kit itself: its code and templates, and the packages it renders with (`versions`,
    read here unless the caller has them already)."""
    return fingerprint_code() | {"versions": digest_json(dict(versions or package_versions()))}


def _period_spec(period: Period | None) -> dict[str, Any] | None:
    return dataclasses.asdict(period) if period is not None else None


def fingerprint_shared(
    data_dir: Path, org_files: Iterable[Path], period: Period, previous: Period | None
) -> dict[str, str]:
    """The data files that shape every report of a period: plan, wording, periods, tree."""
    return {
        "catalogue": digest_file(data_dir / period.catalogue) if period.catalogue else digest_bytes(),
        "wording": digest_file(data_dir / "wording" / "vi.yaml"),
        "periods": digest_json([_period_spec(period), _period_spec(previous)]),
        "tree": digest_json([digest_file(path) for path in org_files]),
    }


def fingerprint_parameters(parameters: Mapping[str, Any]) -> str:
    return digest_json({k: v for k, v in parameters.items() if k not in LOCATION_PARAMETERS})


class DataDigests:
    """What each unit's report reads of the data, digested.

    A report reads the figures of its unit's subtree (tree.walk) for the period and for the
    same period last year, and the targets of those units: so a district's report changes
    with its own data only, and the city's with every district's. Each unit's rows are
    digested once, then a report's digest joins those of its subtree.
    """

    def __init__(
        self,
        figures: FigureSet,
        previous: FigureSet | None,
        targets: Mapping[tuple[str, str], Target],
    ) -> None:
        rows: dict[str, list[bytes]] = {}
        for label, figure_set in (("now", figures), ("before", previous)):
            for (unit, measure), value in (figure_set.values if figure_set else {}).items():
                rows.setdefault(unit, []).append(f"{label}|{measure}|{value}".encode())
        for (unit, indicator), target in targets.items():
            rows.setdefault(unit, []).append(f"target|{indicator}|{target.value}|{target.basis}".encode())
        self._units = {unit: digest_bytes(*sorted(lines)) for unit, lines in rows.items()}
        self._header = digest_json(
            [
                [figures.period, figures.is_sample],
                [previous.period, previous.is_sample] if previous else None,
            ]
        )

    def unit(self, tree: OrgTree, code: str) -> str:
        """The digest of what the report of `code` reads."""
        parts = [self._header.encode()]
        for member in tree.walk(code):
            parts += [member.code.encode(), self._units.get(member.code, "").encode()]
        return digest_bytes(*parts)


def fingerprint_report(
    notebook: Path, parameters: Mapping[str, Any], narrative: Path, data: str, shared: Mapping[str, str]
) -> dict[str, str]:
    """Every input of one report, by name, so the manifest can say which one changed."""
    return {
        "notebook": digest_notebook(notebook),
        "params": fingerprint_parameters(parameters),
        "narrative": digest_file(narrative),
        "data": data,
        **shared,
    }


def combine(inputs: Mapping[str, str]) -> str:
    """The report's key: equal keys mean equal inputs."""
    return digest_json(dict(inputs))
