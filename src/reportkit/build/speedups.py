"""Import shortcuts for the build's own processes: skip what they load but never use."""

from __future__ import annotations

import sys


def skip_unused_imports() -> None:
    """jsonschema loads rfc3987-syntax (pulled in by jupyter-events) only to check the "iri"
    string format, and that import compiles a grammar for ~3 s. Notebook schemas never use
    that format, so the build's processes go without it."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
