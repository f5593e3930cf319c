"""A warm build server: `reportkit serve` keeps the report processes' fork server and the browsers
running, and `reportkit build` hands its builds to it, so an afternoon of rebuilds pays the start-up once."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import struct
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from .build.fingerprint import fingerprint_code
from .build.spec import STORE_ENV, BuildOptions, Job, JobResult, JobState, Layout, PlanSummary

PROTOCOL = 2
DEFAULT_IDLE_S = 3600.0  # a server nobody used for an hour goes away on its own
CANCEL_WAIT_S = 30.0  # how long a cancelled client waits for the server to stop the reports
# Settings read from the environment by a build; a request carries the client's values.
REQUEST_ENVIRONMENT = (STORE_ENV,)
KIT_KEYS = ("kit", "templates", "versions", "python")  # what a running server cannot take up


class ServerRefused(RuntimeError):
    """A server is running but cannot take this build (its kit or browser differ)."""


class ServerLost(RuntimeError):
    """The server stopped in the middle of a build."""


@dataclass(frozen=True)
class BuildRequest:
    """What `reportkit build` asks the server to build, with what it was started with."""

    period: str | None
    units: tuple[str, ...]
    levels: tuple[str, ...]
    options: BuildOptions
    compatibility: dict[str, str]
    environment: dict[str, str | None] = field(default_factory=dict)
    protocol: int = PROTOCOL


def socket_path(root: Path) -> Path:
    """Where the server of project `root` listens: a folder only this user can enter."""
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir())
    name = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    return base / f"reportkit-{os.getuid()}" / f"{name}.sock"


def compatibility(browser: str | None) -> dict[str, str]:
    """What client and server must share: the kit's code and templates, Python, the browser.

    The packages' versions are not in it: reading them is slow for a command that is in a
    hurry, and client and server share them when they share Python, so the server checks
    its own versions as each request arrives (`installed_versions`).
    """
    from .build.export import find_browser

    return {
        **fingerprint_code(),
        "python": os.path.realpath(sys.executable),
        "browser": os.path.realpath(find_browser(browser)),
    }


def installed_versions() -> str:
    """A digest of the report packages' versions installed now."""
    from .build.fingerprint import digest_json, package_versions

    return digest_json(package_versions())


def describe_difference(server: dict[str, str], client: dict[str, str]) -> str:
    """Why a server cannot take a client's build, in Vietnamese."""
    names = {
        "kit": "mã nguồn bộ công cụ",
        "templates": "mẫu trình bày",
        "versions": "phiên bản các gói",
        "python": "Python",
        "browser": "trình duyệt",
    }
    changed = [names.get(key, key) for key in names if server.get(key) != client.get(key)]
    return "máy chủ dựng khác " + ", ".join(changed) if changed else ""


# --- the client: `reportkit build` ------------------------------------------------------------


def send_build(layout: Layout, request: BuildRequest) -> Connection | None:
    """Hand the build to the project's running server: the connection to follow it on, or
    None if no server runs."""
    conn = _connect(socket_path(layout.root))
    if conn is not None:
        conn.send(request)
    return conn


def follow_build(
    conn: Connection,
    on_plan: Callable[[PlanSummary], None] | None = None,
    on_start: Callable[[Job], None] | None = None,
    on_done: Callable[[JobResult], None] | None = None,
) -> tuple[str, list[JobResult]]:
    """Wait for the build sent on `conn`, passing on its events; its period and results.

    Raises ServerRefused if the server cannot take the build, ServerLost if it stops midway.
    """
    return _follow(conn, on_plan, on_start, on_done)


def cancel_build(conn: Connection) -> None:
    """Ask the server to stop the build sent on `conn`; return once it has stopped the reports."""
    _cancel(conn)


def build_on_server(
    layout: Layout,
    request: BuildRequest,
    on_start: Callable[[Job], None] | None = None,
    on_done: Callable[[JobResult], None] | None = None,
    on_plan: Callable[[PlanSummary], None] | None = None,
) -> tuple[str, list[JobResult]] | None:
    """Have the project's running server build; None if no server runs (see follow_build).

    On Ctrl-C the server stops the build first, then KeyboardInterrupt is raised.
    """
    conn = send_build(layout, request)
    if conn is None:
        return None
    with conn:
        try:
            return follow_build(conn, on_plan, on_start, on_done)
        except KeyboardInterrupt:
            cancel_build(conn)
            raise


def _connect(path: Path) -> Connection | None:
    if not path.exists():
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
    except OSError:
        sock.close()
        return None  # a socket left by a server that was killed
    return Connection(sock.detach())


def _follow(
    conn: Connection,
    on_plan: Callable[[PlanSummary], None] | None,
    on_start: Callable[[Job], None] | None,
    on_done: Callable[[JobResult], None] | None,
) -> tuple[str, list[JobResult]]:
    while True:
        try:
            kind, *detail = conn.recv()
        except (EOFError, OSError) as exc:
            raise ServerLost("máy chủ dựng dừng giữa chừng") from exc
        if kind == "plan" and on_plan:
            on_plan(detail[0])
        elif kind == "start" and on_start:
            on_start(detail[0])
        elif kind == "done" and on_done:
            on_done(detail[0])
        elif kind == "finished":
            return detail[0], detail[1]
        elif kind == "refused":
            raise ServerRefused(detail[0])
        elif kind == "error":
            raise detail[0]  # the build's own error (bad data, an unknown period), as without a server


def _cancel(conn: Connection) -> None:
    # Tell the server, then wait until it has stopped the reports, so that no report is
    # still writing when the command returns.
    with contextlib.suppress(OSError):
        conn.send(("cancel",))
        deadline = time.monotonic() + CANCEL_WAIT_S
        while conn.poll(max(0.0, deadline - time.monotonic())):
            if conn.recv()[0] in ("interrupted", "finished", "error"):
                return


# --- the server: `reportkit serve` ------------------------------------------------------------


class BuildServer:
    """Builds one request at a time for the clients of one project, with warm processes."""

    def __init__(
        self, root: Path, browser: str | None = None, idle_s: float = DEFAULT_IDLE_S, log: Callable = print
    ) -> None:
        self.layout, self.browser, self.idle_s, self.log = Layout(root.resolve()), browser, idle_s, log
        self.path = socket_path(self.layout.root)
        self.compatibility = {**compatibility(browser), "versions": installed_versions()}
        self.stale = False
        self._cancelled = threading.Event()
        self._building = threading.Lock()

    def serve(self, ready: Callable[[Path], None] | None = None) -> None:
        """Warm up, then build for clients until idle for `idle_s`, Ctrl-C or SIGTERM."""
        from .build.isolate import PROCESSES, ProcessGroup, start_fork_server
        from .build.plan import default_workers, printers_for
        from .build.printing import PrintService

        with self._listening() as sock:
            start_fork_server()
            # The browsers are a group of their own: a cancelled build stops its report
            # processes (PROCESSES), and the browsers must outlive it.
            browsers = ProcessGroup()
            printer = PrintService(self.browser, printers_for(default_workers()), browsers)
            try:
                for launched in printer.start():
                    launched.result()
                self._warm_up(printer)
                if ready:
                    ready(self.path)
                while not self.stale and (client := self._accept(sock)) is not None:
                    with client:
                        self._handle(client, printer)
                if self.stale:
                    self.log("Bộ công cụ đã đổi từ khi máy chủ dựng khởi động: máy chủ dừng.")
            finally:
                PROCESSES.stop_all()
                printer.close()
                browsers.stop_all()

    def _warm_up(self, printer: Any) -> None:
        # The first page of a browser creates its renderer and loads the report's fonts; the
        # first plan loads the build's own modules. All are paid here, before anyone waits.
        from nbformat.v4 import new_markdown_cell, new_notebook

        from .build.export import render_html
        from .build.plan import plan_build

        with contextlib.suppress(Exception):  # bad data is the build's to report
            plan_build(self.layout)
        page = new_notebook(cells=[new_markdown_cell("# Khởi động\n\nKhởi **động** *máy* ***chủ***")])
        printer.print_bytes(render_html(page))

    @contextlib.contextmanager
    def _listening(self) -> Iterator[socket.socket]:
        folder = self.path.parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)  # the socket's folder is the lock on who may build
        if _connect(self.path) is not None:
            raise SystemExit(f"Máy chủ dựng của {self.layout.root} đang chạy ({self.path})")
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # left by a server that was killed
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(str(self.path))
            os.chmod(self.path, 0o600)
            sock.listen(8)
            sock.settimeout(self.idle_s)
            yield sock
        finally:
            sock.close()
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def _accept(self, sock: socket.socket) -> Connection | None:
        while True:
            try:
                client, _ = sock.accept()
            except TimeoutError:
                self.log(f"Không có yêu cầu trong {self.idle_s:g} s: máy chủ dựng dừng.")
                return None
            if _same_user(client):
                client.setblocking(True)
                return Connection(client.detach())
            client.close()

    def _handle(self, conn: Connection, printer: Any) -> None:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        client = self._client(request)
        refusal = self._refusal(request, client)
        if refusal:
            self.log(f"Từ chối một yêu cầu: {refusal}")
            with contextlib.suppress(OSError):
                conn.send(("refused", refusal))
            # A kit changed since the server started can only build with old code: stop,
            # so that the next `reportkit serve` starts with the new one.
            self.stale = self._kit_changed(client)
            return
        self._cancelled.clear()
        try:
            self._build(conn, request, printer)
        except KeyboardInterrupt:
            if not self._cancelled.is_set():
                raise  # the server's own Ctrl-C or SIGTERM
            self.log("Bản dựng bị hủy theo yêu cầu; đã dừng các báo cáo đang chạy.")
            with contextlib.suppress(OSError):
                conn.send(("interrupted",))

    @staticmethod
    def _client(request: object) -> dict[str, str]:
        """What the client runs with: as it says, and the packages installed now."""
        if not isinstance(request, BuildRequest):
            return {}
        return {**request.compatibility, "versions": installed_versions()}

    def _kit_changed(self, client: dict[str, str]) -> bool:
        return bool(client) and any(self.compatibility.get(key) != client.get(key) for key in KIT_KEYS)

    def _refusal(self, request: object, client: dict[str, str]) -> str:
        if not isinstance(request, BuildRequest) or request.protocol != PROTOCOL:
            return "yêu cầu không đúng giao thức (khác phiên bản reportkit)"
        return describe_difference(self.compatibility, client)

    def _build(self, conn: Connection, request: BuildRequest, printer: Any) -> None:
        from .build.plan import build_period

        started = time.perf_counter()
        with self._building:  # held before watching, so a cancel is never missed
            stop_watching = _watch(conn, self._interrupt_build)
            try:
                with _environment(request.environment):
                    period, results = build_period(
                        self.layout,
                        request.period,
                        request.units,
                        levels=request.levels,
                        options=request.options,
                        on_plan=lambda summary: conn.send(("plan", summary)),
                        on_start=lambda job: conn.send(("start", job)),
                        on_done=lambda result: conn.send(("done", result)),
                        printer=printer,
                    )
            except (Exception, SystemExit) as exc:
                # A data error, or an unknown period or unit (SystemExit), reaches the
                # client as the same exception; the server carries on.
                _send_error(conn, exc)
                return
            finally:
                stop_watching()
        built = sum(r.state is JobState.BUILT for r in results)
        self.log(f"{period}: {built}/{len(results)} báo cáo lập lại, {time.perf_counter() - started:.1f} s")
        with contextlib.suppress(OSError):
            conn.send(("finished", period, results))

    def _interrupt_build(self) -> None:
        # The client went away or asked to stop: stop the build the way Ctrl-C does, which
        # stops its report processes and leaves no file half-written. Only while building.
        if self._building.locked():
            self._cancelled.set()
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)


def _send_error(conn: Connection, exc: Exception) -> None:
    with contextlib.suppress(OSError):
        try:
            conn.send(("error", exc))
        except Exception:  # an exception that does not pickle goes as its message
            conn.send(("error", ServerLost(str(exc) or type(exc).__name__)))


def _watch(conn: Connection, on_gone: Callable[[], None]) -> Callable[[], None]:
    """Call `on_gone` if the client hangs up or cancels before the returned stop is called."""
    stop_read, stop_write = os.pipe()

    def watch() -> None:
        if conn in wait([conn, stop_read]):
            on_gone()

    thread = threading.Thread(target=watch, name="watch-client", daemon=True)
    thread.start()

    def stop() -> None:
        os.write(stop_write, b"x")  # the reading end is open until the thread has ended
        thread.join()
        os.close(stop_write)
        os.close(stop_read)

    return stop


@contextlib.contextmanager
def _environment(values: dict[str, str | None]) -> Iterator[None]:
    from .build.isolate import apply_environment

    saved = {name: os.environ.get(name) for name in values}
    apply_environment(values)
    try:
        yield
    finally:
        apply_environment(saved)


def _same_user(client: socket.socket) -> bool:
    # The folder's permissions already keep others out; where the kernel can tell who is
    # connecting, check it as well.
    if not hasattr(socket, "SO_PEERCRED"):
        return True
    credentials = client.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid == os.getuid()


def request_for(
    period: str | None, units: Sequence[str], levels: Sequence[str], options: BuildOptions
) -> BuildRequest:
    """The request for a build with these settings, from this process's environment."""
    return BuildRequest(
        period=period,
        units=tuple(units),
        levels=tuple(levels),
        options=options,
        compatibility=compatibility(options.browser),
        environment={name: os.environ.get(name) for name in REQUEST_ENVIRONMENT},
    )
