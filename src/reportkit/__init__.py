"""Report kit of the Cần Thơ City Farmers' Association: plan targets to review reports."""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# The notebooks' functions, loaded on first use: `reportkit build` with nothing to rebuild
# must not pay for pandas and matplotlib.
_EXPORTS = {
    "compute_report": "report.metrics",
    "load_report_inputs": "report.inputs",
    "load_unit_params": "report.inputs",
    "render_analyst_sections": "report.document",
    "render_appendix": "report.document",
    "render_closing": "report.document",
    "render_districts": "report.document",
    "render_header": "report.document",
    "render_results": "report.document",
    "show": "report.document",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
