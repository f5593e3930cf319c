"""Report kit of the Cần Thơ City Farmers' Association: plan targets to review reports."""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# The notebooks' functions, loaded on first use: `reportkit build` with nothing to rebuild
# must not pay for pandas and matplotlib.
_EXPORTS = {
    "build_pdf": "lab",
    "compute_report": "metrics",
    "load_report_inputs": "intake",
    "load_unit_params": "intake",
    "measures_frame": "frames",
    "render_analyst_sections": "document",
    "render_appendix": "document",
    "render_closing": "document",
    "render_districts": "document",
    "render_header": "document",
    "render_results": "document",
    "results_frame": "frames",
    "show": "document",
    "style_chart": "frames",
    "units_frame": "frames",
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
