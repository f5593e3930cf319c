"""Content digests, and `Reads`: what a report's loader read, name -> digest.

The loader (report/inputs.py) records what it reads in a `Reads`; the build keys each report
on those digests (build/fingerprint.py adds the notebook and the kit), so an unchanged report
is not built again."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the build imports this module before it knows there is work: keep it light
    from .model import Period


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


def describe_period(period: Period | None) -> dict[str, Any] | None:
    """A period's entry of periods.yaml as the loader read it (its date, plan, progress, ...)."""
    return dataclasses.asdict(period) if period is not None else None


class Reads(dict):
    """What a report's loader read, recorded by the loader as it reads: name -> digest.

    The build keys a report on these (and on its notebook and the kit), so an input the loader
    starts reading is an input of the key without anyone having to remember it."""

    def file(self, name: str, path: Path) -> Path:
        """Record a file's content (or its absence) under `name`, and give its path to read."""
        self[name] = digest_file(path)
        return path

    def value(self, name: str, value: Any) -> Any:
        """Record a value the loader read (already parsed, or taken from a bigger file)."""
        self[name] = digest_json(value)
        return value
