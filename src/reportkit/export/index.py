"""The period's index, outputs/<period>/index.html: every report the manifest knows, how its
last build went, and links to its page and PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..files import write_atomic
from ..paths import INDEX_FILE

if TYPE_CHECKING:
    from ..build.manifest import Manifest

FRAGMENTS_DIR = Path(__file__).resolve().parents[1] / "templates" / "fragments"


def write_index(
    out_dir: Path, period: str, unit_order: Sequence[str], manifest: Manifest, owner: str = ""
) -> Path:
    """Write the index, its reports in the tree's order (units the tree no longer has last); its
    title names `owner`, the association whose reports they are."""
    import jinja2

    order = {code: position for position, code in enumerate(unit_order)}
    entries = sorted(manifest.entries.values(), key=lambda e: (order.get(e.unit, len(order)), e.stem))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(FRAGMENTS_DIR), autoescape=True)
    html = env.get_template("index.html.j2").render(
        period=period,
        owner=owner,
        results=entries,
        kept={e.stem: manifest.kept_note(e.stem) for e in entries},
        built_at=dt.datetime.now().strftime("%d/%m/%Y %H:%M"),
        version=__version__,
    )
    return write_atomic(out_dir / INDEX_FILE, html)
