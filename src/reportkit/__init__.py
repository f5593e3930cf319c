"""Report kit of the Cần Thơ City Farmers' Association: plan targets to review reports."""

__version__ = "0.1.0"

from .document import (
    render_analyst_sections,
    render_appendix,
    render_closing,
    render_districts,
    render_header,
    render_results,
    show,
)
from .intake import load_report_inputs, load_unit_params
from .metrics import compute_report

__all__ = [
    "__version__",
    "compute_report",
    "load_report_inputs",
    "load_unit_params",
    "render_analyst_sections",
    "render_appendix",
    "render_closing",
    "render_districts",
    "render_header",
    "render_results",
    "show",
]
