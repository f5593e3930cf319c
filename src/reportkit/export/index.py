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
from ..paths import INDEX_FILE

if TYPE_CHECKING:
    from ..build.manifest import Entry, Manifest
    from ..model import Period

FRAGMENTS_DIR = Path(__file__).resolve().parents[1] / "templates" / "fragments"

# What the index says of a report, most urgent first: a report is one of these.
FAILED, STALE, DRAFT, CURRENT = "failed", "stale", "draft", "current"
STATUS_WORDS = {FAILED: "LỖI", STALE: "CHƯA CẬP NHẬT", DRAFT: "DỰ THẢO", CURRENT: "ĐÃ CẬP NHẬT"}

# Inputs every report of a period reads alike (the kit, and the period's shared data): a report whose
# digest of one of them differs from the newest build's was built before that input changed. Inputs of
# one unit (its figures, targets, narrative) are compared only when its report is built.
SHARED_INPUTS = (
    *("kit", "templates", "fonts", "package_data", "versions"),
    *("wording", "periods", "tree", "levels", "catalogue"),
)


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


def newest_shared_inputs(entries: Collection[Entry]) -> dict[str, str]:
    """The shared inputs of the most recent build in the manifest."""
    newest = max(entries, key=lambda e: e.built_at, default=None)
    return {name: newest.inputs[name] for name in SHARED_INPUTS if newest and name in newest.inputs}


def describe_staleness(entry: Entry, newest: dict[str, str], units: Collection[str], files: bool) -> str:
    """Why a built report is out of date, or "" if nothing says it is."""
    if entry.unit not in units:
        return "đơn vị không còn trong danh sách đơn vị của kỳ này"
    if not files:
        return "thiếu tệp PDF hoặc HTML; cần lập lại"
    if any(entry.inputs.get(name) != value for name, value in newest.items()):
        return "lập trước lần thay đổi dữ liệu chung hoặc bộ công cụ gần nhất; cần lập lại"
    return ""


def describe_rows(out_dir: Path, unit_order: Sequence[str], manifest: Manifest) -> list[IndexRow]:
    """The index's rows, in the tree's order (units the tree no longer has last)."""
    order = {code: position for position, code in enumerate(unit_order)}
    entries = sorted(manifest.entries.values(), key=lambda e: (order.get(e.unit, len(order)), e.stem))
    newest = newest_shared_inputs(entries)
    rows = []
    for entry in entries:
        files = all((out_dir / entry.outputs()[kind]).is_file() for kind in ("pdf", "html"))
        if not entry.ok:
            status, note = FAILED, manifest.kept_note(entry.stem)
        else:
            note = describe_staleness(entry, newest, order, files)
            status = STALE if note else DRAFT if entry.draft else CURRENT
        rows.append(IndexRow(entry, status, note, files, format_local_time(entry.built_at)))
    return rows


def write_index(out_dir: Path, period: Period, unit_order: Sequence[str], manifest: Manifest) -> Path:
    """Write the index of `period`'s reports, in the tree's order (units the tree no longer has last)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(FRAGMENTS_DIR), autoescape=True)
    html = env.get_template("index.html.j2").render(
        period=period,
        rows=describe_rows(out_dir, unit_order, manifest),
        built_at=format_local_time(dt.datetime.now(dt.UTC).isoformat()),
        version=__version__,
    )
    return write_atomic(out_dir / INDEX_FILE, html)
