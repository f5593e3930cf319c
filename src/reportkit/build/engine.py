"""A papermill engine that runs a notebook's cells in this process, with IPython and no kernel."""

from __future__ import annotations

import io
import os
import sys
import warnings
from typing import Any

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from ..errors import CellError

ENGINE_NAME = "reportkit"

# The backend ipykernel makes matplotlib's default: figures become display_data outputs.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


class OutputCollector:
    """The outputs of the running cell, in the shapes nbclient builds from kernel messages."""

    def __init__(self) -> None:
        self.outputs: list[nbformat.NotebookNode] = []
        self._displays: dict[str, list[nbformat.NotebookNode]] = {}

    def add_display(self, data: dict, metadata: dict | None, transient: dict | None, update: bool) -> None:
        display_id = (transient or {}).get("display_id")
        if update:
            # update_display_data rewrites earlier outputs in place and adds none (as nbclient).
            for output in self._displays.get(display_id, []):
                output.data, output.metadata = data, metadata or {}
            return
        output = nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})
        self.outputs.append(output)
        if display_id:
            self._displays.setdefault(display_id, []).append(output)

    def add_result(self, data: dict, metadata: dict | None, count: int) -> None:
        output = nbformat.v4.new_output("execute_result", data=data, metadata=metadata or {})
        output.execution_count = count
        self.outputs.append(output)

    def add_stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.outputs[-1] if self.outputs else None
        # Consecutive writes to one stream make one output, as notebook frontends show them.
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.outputs.append(nbformat.v4.new_output("stream", name=name, text=text))

    def add_error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self.outputs.append(
            nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=list(traceback))
        )


class CapturingPublisher(DisplayPublisher):
    """display() calls become display_data outputs of the running cell."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs) -> None:
        self.shell.collector.add_display(data, metadata, transient, update)

    def clear_output(self, wait=False) -> None:
        self.shell.collector.outputs.clear()


class CapturingDisplayHook(DisplayHook):
    """A cell's last expression becomes an execute_result output, not text on stdout."""

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self.shell.collector.add_result(format_dict, md_dict, self.shell.cell_count)

    def finish_displayhook(self) -> None:
        pass


class StreamCapture(io.TextIOBase):
    """A stand-in for sys.stdout or sys.stderr that records what a cell prints (as ipykernel's
    OutStream: a writable text stream, no terminal)."""

    def __init__(self, collector: OutputCollector, name: str) -> None:
        self.collector, self.name = collector, name

    def write(self, text: str) -> int:
        self.collector.add_stream(self.name, text)
        return len(text)

    def writable(self) -> bool:
        return True


def show_warning_on_stderr(message, category, filename, lineno, file=None, line=None) -> None:
    """Python's own way of showing a warning, written to the cell's stderr as in a kernel."""
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


class ReportShell(InteractiveShell):
    """An IPython shell whose displays, results, prints and errors become cell outputs."""

    display_pub_class = CapturingPublisher
    displayhook_class = CapturingDisplayHook

    def __init__(self, **kwargs: Any) -> None:
        self.collector = OutputCollector()
        self.cell_count = 0  # the running cell's count; IPython bumps its own mid-cell
        super().__init__(**kwargs)

    def enable_gui(self, gui: str | None = None) -> None:
        """What `%matplotlib` asks of the shell: inline figures need no event loop (as in ipykernel)."""
        if gui not in (None, "inline"):
            # A kernel would start the toolkit's event loop; a build has no screen to show it on.
            raise UsageError(
                f"Bản dựng báo cáo không có màn hình: hãy dùng %matplotlib inline, không dùng {gui}."
            )
        self.active_eventloop = gui

    def _showtraceback(self, etype, evalue, stb) -> None:
        self.collector.add_error(etype.__name__, str(evalue), stb)

    def run_code_cell(self, cell: nbformat.NotebookNode) -> None:
        """Run one code cell, filling its outputs; raise CellError if it fails."""
        cell.outputs = []
        self.collector.outputs = cell.outputs
        cell.execution_count = self.cell_count = self.execution_count
        saved = sys.stdout, sys.stderr, warnings.showwarning
        sys.stdout = StreamCapture(self.collector, "stdout")
        sys.stderr = StreamCapture(self.collector, "stderr")
        # The host process may route warnings elsewhere (a test runner, a logger); a kernel's
        # cells show them on stderr, so these do too. (Not catch_warnings: it would forget
        # which warnings were already shown, and repeat them.)
        warnings.showwarning = show_warning_on_stderr
        try:
            result = self.run_cell(cell.source, store_history=True)
        finally:
            sys.stdout, sys.stderr, warnings.showwarning = saved
        if not result.success:
            raise CellError(f"cell {cell.execution_count} raised")


def make_shell() -> ReportShell:
    """The process's shell, with an empty namespace that is also `__main__`, as in a kernel. It is
    IPython's singleton, the only shell display() publishes through; no history file (reports run
    side by side)."""
    if ReportShell.initialized():
        shell = ReportShell.instance()
        if shell.execution_count > 1:  # it ran cells: empty it (a fresh one needs no reset)
            shell.reset(new_session=True)
    else:
        config = Config()
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "nocolor"
        shell = ReportShell.instance(config=config)
    shell.init_sys_modules()
    # Figures as in a kernel: plt.show() and figures open at a cell's end become outputs. A kernel
    # sets the backend before matplotlib loads, and the backend hooks itself into the shell when
    # pyplot first draws; here matplotlib may be loaded already (the warm-up draws the charts),
    # so the shell switches to it now, as `%matplotlib inline`.
    default_to_inline_figures()
    if os.environ["MPLBACKEND"] == INLINE_BACKEND and "matplotlib" in sys.modules:
        shell.enable_matplotlib("inline")
    return shell


def default_to_inline_figures() -> None:
    """Make the inline backend matplotlib's default, unless MPLBACKEND says otherwise (as ipykernel)."""
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = INLINE_BACKEND


class InProcessEngine:
    """Papermill engine `reportkit`: the cells run here, in a fresh IPython namespace, with papermill's
    parameter injection, metadata, per-cell status and error marking; only the kernel is gone.

    It follows papermill's engine protocol without subclassing papermill's Engine: papermill loads
    its engines' entry points while it is itself being imported, so this module must not import
    papermill at the top."""

    @classmethod
    def execute_notebook(cls, nb: nbformat.NotebookNode, kernel_name: str, **kwargs: Any) -> Any:
        from papermill.engines import Engine

        # Papermill's own wrapper: execution manager, notebook start and end metadata.
        return Engine.execute_notebook.__func__(cls, nb, kernel_name, **kwargs)

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> None:
        # The shell makes its namespace __main__ while the cells run; give the process its
        # own back afterwards, or multiprocessing can no longer start processes from it.
        main = sys.modules.get("__main__")
        try:
            shell = make_shell()
            for index, cell in enumerate(nb_man.nb.cells):
                try:
                    nb_man.cell_start(cell, index)
                    if cell.cell_type == "code":
                        shell.run_code_cell(cell)
                except CellError as exc:
                    nb_man.cell_exception(cell, cell_index=index, exception=exc)
                    break
                finally:
                    nb_man.cell_complete(cell, cell_index=index)
        finally:
            if main is not None:
                sys.modules["__main__"] = main
        from ipykernel.ipkernel import IPythonKernel  # what a kernel reports, so both engines write it

        nb_man.nb.metadata["language_info"] = dict(IPythonKernel.language_info)

    @classmethod
    def nb_kernel_name(cls, nb: nbformat.NotebookNode, name: str | None = None) -> str:
        from papermill.utils import nb_kernel_name

        return nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb: nbformat.NotebookNode, language: str | None = None) -> str:
        from papermill.utils import nb_language

        return nb_language(nb, language)
