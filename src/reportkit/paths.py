"""The project's folders and file names, in one place.

A project folder holds `data/` (plan, organisation, periods, wording), `params/` (each unit's
settings and analyst's text), `notebooks/`, `outputs/` (what builds and intake write) and
`store/` (the submissions taken in). Every module asks here for a path rather than spelling
a file name itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Under data/
PERIODS_FILE = "periods.yaml"
LEVELS_KEY = "levels"  # a period's levels file, named in periods.yaml beside its units file (`org`)
WORDING_FILE = "wording/vi.yaml"  # the reports' words; its `organisation` section is who the organisation is
TEMPLATE_WORDING_FILE = "wording/template.yaml"  # the words of the templates' instructions sheet
SAMPLE_FIGURES = "sample/figures.csv"  # the sample figures, as a CSV file
SAMPLE_SUBMISSIONS = "sample/submissions"  # the sample submissions of every plan
SAMPLE_NARRATIVE = "sample/narrative.md"  # the sample text of sections II-IV, for every report
SAMPLE_DIR = "sample"  # the sample's files, left out of a new organisation's project

# In a new organisation's project folder (`reportkit new project`): what to edit, in Vietnamese
GUIDE_FILE = "HƯỚNG DẪN.md"

# Under params/
DEFAULTS_FILE = "defaults.yaml"
UNITS_DIR = "units"
NARRATIVE_DIR = "narrative"

# Under the store folder
STORE_DB = "reportkit.sqlite"
STORE_ARCHIVE = "archive"
STORE_DB_SUFFIX = ".sqlite"

# Under outputs/<period>/
MANIFEST_FILE = "manifest.json"
LOCK_FILE = ".build.lock"  # earlier versions locked this file; a build now locks the folder and removes it
INDEX_FILE = "index.html"
EXECUTED_DIR = "notebooks"  # the executed notebooks, kept for reading a failure
LOGS_DIR = "logs"  # what each report's cells printed

# Under outputs/
TEMPLATES_OUT = "templates"
INTAKE_OUT = "intake"
STAMPS_DIR = ".stamps"  # a build's no-change stamps (build/stamp.py), one per request


def periods_file(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / PERIODS_FILE


def levels_file(data_dir: str | os.PathLike[str], name: str) -> Path:
    """A tree's levels file, by the name its periods give it (e.g. "org/levels-2022.yaml")."""
    return Path(data_dir) / name


def catalogue_name(year: int) -> str:
    """A plan year's indicator catalogue, relative to data/ (as periods.yaml names it)."""
    return f"catalogue/indicators-{year}.yaml"


def targets_name(year: int) -> str:
    """A plan year's targets per unit, relative to data/ (as periods.yaml names it)."""
    return f"targets/targets-{year}.csv"


def sample_figures_file(plan_year: int) -> str:
    """Under data/: the sample figures of a plan other than the default period's (SAMPLE_FIGURES)."""
    return f"sample/figures-{plan_year}.csv"


def wording_file(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / WORDING_FILE


def template_wording_file(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / TEMPLATE_WORDING_FILE


def defaults_file(params_dir: str | os.PathLike[str]) -> Path:
    return Path(params_dir) / DEFAULTS_FILE


def unit_params_file(params_dir: str | os.PathLike[str], unit_code: str) -> Path:
    return Path(params_dir) / UNITS_DIR / f"{unit_code}.yaml"


def narrative_name(period_id: str, unit_code: str) -> str:
    """The analyst's text of a report, relative to params/ (as the report names it)."""
    return f"{NARRATIVE_DIR}/{period_id}/{unit_code}.md"


def narrative_file(params_dir: str | os.PathLike[str], period_id: str, unit_code: str) -> Path:
    return Path(params_dir) / narrative_name(period_id, unit_code)


def default_store_dir(data_dir: str | os.PathLike[str]) -> Path:
    """The store of a project whose data folder is `data_dir`: store/ beside it."""
    return Path(data_dir).parent / "store"


def store_db(store_dir: str | os.PathLike[str]) -> Path:
    return Path(store_dir) / STORE_DB


def log_name(stem: str) -> str:
    """A report's log, relative to its period's outputs folder."""
    return f"{LOGS_DIR}/{stem}.log"


@dataclass(frozen=True)
class ProjectPaths:
    """Where a project's inputs are, where its outputs go and where its store is."""

    root: Path
    data_dir: Path
    params_dir: Path
    notebooks_dir: Path
    outputs_dir: Path
    store_dir: Path

    @classmethod
    def at(
        cls,
        root: str | os.PathLike[str],
        *,
        outputs_dir: str | os.PathLike[str] | None = None,
        store_dir: str | os.PathLike[str] | None = None,
    ) -> ProjectPaths:
        """The usual layout under `root`; the outputs and the store may live elsewhere."""
        root = Path(root)
        return cls(
            root=root,
            data_dir=root / "data",
            params_dir=root / "params",
            notebooks_dir=root / "notebooks",
            outputs_dir=Path(outputs_dir) if outputs_dir else root / "outputs",
            store_dir=Path(store_dir) if store_dir else default_store_dir(root / "data"),
        )

    def outputs(self, period: str) -> Path:
        """A period's reports, manifest and logs."""
        return self.outputs_dir / period

    def templates_out(self, period: str) -> Path:
        """The Excel templates sent to the districts for a period."""
        return self.outputs_dir / TEMPLATES_OUT / period

    @property
    def intake_out(self) -> Path:
        """The check report of every file taken in."""
        return self.outputs_dir / INTAKE_OUT

    @property
    def store_db(self) -> Path:
        return store_db(self.store_dir)
