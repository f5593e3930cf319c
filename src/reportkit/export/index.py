"""The period's index, outputs/<period>/index.html: every report the manifest knows, whether it is
up to date, a draft or failed, when it was built, and links to its page and PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..files import write_atomic
from ..paths import INDEX_FILE, wording_file

if TYPE_CHECKING:
    from ..build.manifest import Entry, Manifest
    from ..build.plan import Plan
    from ..model import OrgTree, Period
    from ..paths import ProjectPaths

FRAGMENTS_DIR = Path(__file__).resolve().parents[1] / "templates" / "fragments"

# What the index says of a report, most urgent first: a report is one of these.
FAILED, STALE, DRAFT, CURRENT = "failed", "stale", "draft", "current"
STATUS_WORDS = {FAILED: "LỖI", STALE: "CHƯA CẬP NHẬT", DRAFT: "DỰ THẢO", CURRENT: "ĐÃ CẬP NHẬT"}


@dataclass(frozen=True)
class IndexRow:
    """One report as the index shows it."""

    entry: Entry
    status: str
    note: str  # why it is stale, or which earlier build its kept files are from
    has_files: bool  # a PDF and a page to link to (a failed report may keep its last good ones)
    built_at: str  # local time, dd/mm/yyyy HH:MM

    @property
    def status_word(self) -> str:
        return STATUS_WORDS[self.status]


def format_local_time(moment: str) -> str:
    """A manifest time (UTC, ISO) as the committee reads it: "02/12/2026 17:40", in local time."""
    if not moment:
        return ""
    return f"{dt.datetime.fromisoformat(moment).astimezone():%d/%m/%Y %H:%M}"


def describe_staleness(entry: Entry, stale: Collection[str], units: Collection[str], files: bool) -> str:
    """Why a built report is out of date, or "" if nothing says it is."""
    if entry.unit not in units:
        return "đơn vị không còn trong danh sách đơn vị của kỳ này"
    if not files:
        return "thiếu tệp PDF hoặc HTML; cần lập lại"
    if entry.stem in stale:
        return "số liệu hoặc cách lập đã đổi sau lần lập này; cần lập lại"
    return ""


def describe_rows(
    out_dir: Path, unit_order: Sequence[str], manifest: Manifest, stale: Collection[str] = ()
) -> list[IndexRow]:
    """The index's rows, in the tree's order (units the tree no longer has last)."""
    order = {code: position for position, code in enumerate(unit_order)}
    entries = sorted(manifest.entries.values(), key=lambda e: (order.get(e.unit, len(order)), e.stem))
    rows = []
    for entry in entries:
        files = all((out_dir / entry.outputs()[kind]).is_file() for kind in ("pdf", "html"))
        if not entry.ok:
            status, note = FAILED, manifest.kept_note(entry.stem)
        else:
            note = describe_staleness(entry, stale, order, files)
            status = STALE if note else DRAFT if entry.draft else CURRENT
        rows.append(IndexRow(entry, status, note, files, format_local_time(entry.built_at)))
    return rows


def describe_owner(paths: ProjectPaths, tree: OrgTree) -> str:
    """Whose reports the index lists: "<organisation> Thành phố Cần Thơ" (the data names it)."""
    from ..report.inputs import load_identity

    identity = load_identity(wording_file(paths.data_dir))
    return ", ".join(identity.of(tree.title(root.code)) for root in tree.roots())


def render_index(period: Period, rows: Sequence[IndexRow], owner: str = "") -> str:
    """The index page of `period` with these rows; its title names `owner`, whose reports they are."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(FRAGMENTS_DIR), autoescape=True)
    return env.get_template("index.html.j2").render(
        period=period,
        rows=rows,
        owner=owner,
        built_at=format_local_time(dt.datetime.now(dt.UTC).isoformat()),
        version=__version__,
    )


def write_index(paths: ProjectPaths, plan: Plan, manifest: Manifest, stale: Collection[str]) -> Path:
    """Write the index of the plan's period: every report the manifest knows, in the tree's order
    (units the tree no longer has last); `stale` names the built reports whose inputs changed since."""
    out_dir = paths.outputs(plan.period.id)
    rows = describe_rows(out_dir, list(plan.tree.units), manifest, stale)
    owner = describe_owner(paths, plan.tree)
    return write_atomic(out_dir / INDEX_FILE, render_index(plan.period, rows, owner))
