"""The kit's errors, in one tree.

Every error a user can fix (a data file, the store, the font, a build that cannot start) is a
`ReportKitError` whose message, in Vietnamese, says what is wrong and what to do. Only the
command line (`reportkit.cli`) turns them into a line on the screen and an exit code; library
code raises them and never exits.

    ReportKitError
    ├── DataError            a data or parameter file the kit cannot use
    │   └── UnknownPeriodError   a period id that periods.yaml does not define
    ├── StoreError           the store the reports need is not there
    ├── FontError            the shipped font cannot print the report's text, or is missing
    └── BuildError           a build that cannot start or go on
        ├── BuildBusyError       another build is writing the same period
        ├── BrowserNotFoundError no Chromium-family browser to print PDFs with
        └── PrintError           a page could not be printed

`CellError` and `ReportTimeout` are signals inside a report process, not users' errors:
`ReportTimeout` is a BaseException on purpose, so a notebook's `except Exception` cannot
swallow it.
"""

from __future__ import annotations


class ReportKitError(Exception):
    """An error the user can fix; its message says what and how, in Vietnamese."""


class DataError(ReportKitError, ValueError):
    """A data file the kit cannot use; the message says which file and why."""


class UnknownPeriodError(DataError):
    """A period id that the periods file does not define."""


class StoreError(ReportKitError, LookupError):
    """The store the reports need is not there; the message says what to run."""


class FontError(ReportKitError, RuntimeError):
    """The report font cannot print the report's text, or its files are missing."""


class BuildError(ReportKitError):
    """A build that cannot start or go on (an unknown engine, level or unit)."""


class BuildBusyError(BuildError):
    """Another build is writing the same period's folder."""


class BrowserNotFoundError(BuildError, RuntimeError):
    """No Chromium-family browser to print PDFs with."""


class PrintError(BuildError, RuntimeError):
    """A page could not be printed, or the browser could not be started."""


class CellError(Exception):
    """A cell raised; its error output is already in the cell, as a kernel would put it."""


class ReportTimeout(BaseException):
    """The report ran past its timeout. A BaseException, so a notebook's `except Exception`
    cannot swallow it."""


def describe_error(exc: BaseException) -> str:
    """The line a person needs: papermill's error ends with the notebook's own exception."""
    text = str(exc).strip() or type(exc).__name__
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:400] if lines else type(exc).__name__
