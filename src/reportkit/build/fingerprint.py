"""Fingerprints: digests of everything a report reads, so an unchanged report is not built again.

The loader (report/inputs.py) records what it reads in a `digests.Reads`; the build adds the
notebook and the kit (code, templates, package versions)."""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping
from pathlib import Path

from .. import __version__
from ..digests import digest_bytes, digest_file, digest_json

PACKAGE_DIR = Path(__file__).resolve().parents[1]

# Packages whose version can change a report's bytes (tables, charts, HTML, notebook).
REPORT_PACKAGES = (
    "babel",
    "ipykernel",
    "ipython",
    "jinja2",
    "matplotlib",
    "matplotlib-inline",  # the analysts' own figures: its print settings
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


def fingerprint_kit(versions: Mapping[str, str] | None = None) -> dict[str, str]:
    """The kit itself: its version and code (every module, at any depth), its templates, the report
    font, the package's data files (problem wording, template layout), and the packages it renders
    with (`versions`, read here unless the caller has them already)."""
    return {
        "kit": digest_json([__version__, digest_files(PACKAGE_DIR, "**/*.py")]),
        "templates": digest_files(PACKAGE_DIR / "templates", "**/*"),
        "fonts": digest_files(PACKAGE_DIR / "fonts", "*"),
        "package_data": digest_files(PACKAGE_DIR / "data", "*"),
        "versions": digest_json(dict(versions or package_versions())),
    }


def combine(inputs: Mapping[str, str]) -> str:
    """The report's key: equal keys mean equal inputs."""
    return digest_json(dict(inputs))
