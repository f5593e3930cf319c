"""The warm build server: builds through it equal local ones, it refuses what it cannot build,
a client that goes away stops its build cleanly, and the server outlives it."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tinyproject import make_project, write_notebooks

from reportkit import server
from reportkit.build.plan import BuildOptions, Layout
from reportkit.cli import main

PERIOD = "2022-FY"
UNITS = ["--unit", "92", "--unit", "917", "--unit", "918"]


# --- without a server ------------------------------------------------------------------------


def test_each_project_has_its_own_socket_in_a_folder_only_its_user_may_enter(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    one, other = server.socket_path(tmp_path / "a"), server.socket_path(tmp_path / "b")
    assert one != other and one.parent == other.parent
    assert one.parent == tmp_path / f"reportkit-{os.getuid()}"
    assert server.socket_path(tmp_path / "a" / ".." / "a") == one  # the same project, spelled otherwise


def test_a_difference_in_kit_or_browser_is_named_in_vietnamese():
    ours = {"kit": "1", "templates": "2", "versions": "3", "python": "/py", "browser": "/chromium"}
    assert server.describe_difference(ours, dict(ours)) == ""
    changed = server.describe_difference(ours, {**ours, "kit": "9", "browser": "/chrome"})
    assert changed == "máy chủ dựng khác mã nguồn bộ công cụ, trình duyệt"


def test_a_request_from_another_protocol_is_refused(tmp_path):
    build_server = server.BuildServer.__new__(server.BuildServer)
    build_server.compatibility = {"kit": "1", "versions": server.installed_versions()}
    request = server.BuildRequest(None, (), (), BuildOptions(), {"kit": "1"}, protocol=server.PROTOCOL + 1)

    def refusal(request: object) -> str:
        return build_server._refusal(request, build_server._client(request))

    assert "giao thức" in refusal(request)
    assert "giao thức" in refusal({"period": "2022-FY"})
    assert refusal(dataclasses.replace(request, protocol=server.PROTOCOL)) == ""


def test_packages_upgraded_under_a_running_server_make_it_refuse_and_stop(monkeypatch):
    build_server = server.BuildServer.__new__(server.BuildServer)
    build_server.compatibility = {"kit": "1", "versions": server.installed_versions()}
    request = server.BuildRequest(None, (), (), BuildOptions(), {"kit": "1"})
    client = build_server._client(request)
    assert not build_server._kit_changed(client)
    monkeypatch.setattr(server, "installed_versions", lambda: "after pip install -U")
    client = build_server._client(request)
    assert build_server._refusal(request, client) == "máy chủ dựng khác phiên bản các gói"
    assert build_server._kit_changed(client)


def test_with_no_server_running_the_build_runs_here(tmp_path):
    request = server.request_for(PERIOD, [], [], BuildOptions())
    assert server.build_on_server(Layout(tmp_path / "nowhere"), request) is None


def test_a_socket_left_by_a_killed_server_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    path = server.socket_path(tmp_path / "project")
    path.parent.mkdir(parents=True)
    path.write_text("")  # not a listening socket
    request = server.request_for(PERIOD, [], [], BuildOptions())
    assert server.build_on_server(Layout(tmp_path / "project"), request) is None


def test_an_error_of_the_build_reaches_the_command_as_itself():
    from multiprocessing import Pipe

    from reportkit.report.inputs import DataError

    server_end, client_end = Pipe()
    server_end.send(("start", "job"))
    server._send_error(server_end, DataError("Không có kỳ báo cáo 2030-FY"))
    started = []
    with pytest.raises(DataError, match="2030-FY"):
        server._follow(client_end, None, started.append, None)
    assert started == ["job"]


# --- with a server ---------------------------------------------------------------------------


def start_server(project: Path, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "reportkit.cli", "--root", str(project), "serve", "--idle", "10"]
    # Started with SIGINT ignored, as `reportkit serve &` in a script is: cancelling a build
    # must work all the same.
    process = subprocess.Popen(
        command,
        stdout=log.open("w", encoding="utf-8"),
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    deadline = time.monotonic() + 120
    while "sẵn sàng" not in log.read_text(encoding="utf-8"):
        assert process.poll() is None, log.read_text(encoding="utf-8")
        assert time.monotonic() < deadline, "the server did not get ready"
        time.sleep(0.2)
    return process


@pytest.fixture
def served(tmp_path):
    """A tiny project with its server running; the server's log is `project / "server.log"`."""
    project = make_project(tmp_path)
    process = start_server(project, tmp_path / "server.log")
    yield project, process
    process.terminate()
    process.wait(60)


def build_command(project: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "reportkit.cli",
        "--root",
        str(project),
        "build",
        "--period",
        PERIOD,
        *extra,
    ]


def outputs(project: Path) -> dict[str, bytes]:
    folder = project / "outputs" / PERIOD
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.html")) if p.name != "index.html"}


def log_of(project: Path) -> str:
    return (project.parent / "server.log").read_text(encoding="utf-8")


@pytest.mark.e2e
def test_a_build_through_the_server_equals_a_build_here(served, capsys):
    project, _ = served
    assert main(["--root", str(project), "build", "--period", PERIOD, *UNITS]) == 0
    shown = capsys.readouterr().out
    assert "máy chủ dựng" in shown and "xong 917-quan-o-mon" in shown
    assert f"{PERIOD}: 3/3 báo cáo lập lại" in log_of(project)
    served_pages = outputs(project)
    # Nothing changed: the server skips every report.
    assert main(["--root", str(project), "build", "--period", PERIOD, *UNITS]) == 0
    assert "3 báo cáo không đổi" in capsys.readouterr().out
    assert main(["--root", str(project), "build", "--period", PERIOD, "--no-server", "--force", *UNITS]) == 0
    assert "máy chủ dựng" not in capsys.readouterr().out
    assert outputs(project) == served_pages != {}


@pytest.mark.e2e
def test_the_server_builds_with_the_clients_store(served, tmp_path, capsys):
    project, _ = served
    # Reports read the store (blank figures_file); the client names one the server never saw.
    defaults = project / "params" / "defaults.yaml"
    text = defaults.read_text(encoding="utf-8")
    defaults.write_text(
        text.replace("figures_file: sample/figures.csv", 'figures_file: ""'), encoding="utf-8"
    )
    elsewhere = tmp_path / "another-store"
    elsewhere.mkdir()
    args = ["--root", str(project), "--store", str(elsewhere), "build", "--period", PERIOD, "--unit", "917"]
    assert main(args) == 1
    shown = capsys.readouterr().out.replace("\n", "")
    assert "máy chủ dựng" in shown
    assert f"Chưa có kho số liệu {elsewhere / 'reportkit.sqlite'}" in shown


@pytest.mark.e2e
def test_reports_built_through_the_server_share_no_state(served):
    project, _ = served
    leak = (
        "import reportkit\n"
        "from IPython.display import HTML, display\n"
        'reportkit.__dict__.setdefault("seen", []).append(unit_code)\n'
        'display(HTML("<p>seen:" + ",".join(reportkit.seen) + "</p>"))'
    )
    write_notebooks(project, district=(leak,), city=(leak,))
    for _ in range(2):  # a second build reuses the server's warm processes
        assert main(["--root", str(project), "build", "--period", PERIOD, "--force", *UNITS]) == 0
        for code in ["92", "917", "918"]:
            page = next((project / "outputs" / PERIOD).glob(f"{code}-*.html")).read_text(encoding="utf-8")
            assert f"<p>seen:{code}</p>" in page


@pytest.mark.e2e
def test_a_server_whose_kit_changed_refuses_and_stops(served, capsys):
    project, process = served
    request = server.request_for(PERIOD, ["917"], [], BuildOptions())
    changed = dataclasses.replace(request, compatibility={**request.compatibility, "kit": "changed"})
    with pytest.raises(server.ServerRefused, match="mã nguồn bộ công cụ"):
        server.build_on_server(Layout(project), changed)
    assert process.wait(60) == 0
    assert "máy chủ dừng" in log_of(project)
    # With no server left, the command builds here.
    assert main(["--root", str(project), "build", "--period", PERIOD, "--unit", "917"]) == 0
    assert "máy chủ dựng" not in capsys.readouterr().out


def test_an_unknown_period_reaches_the_command_as_without_a_server_and_the_server_carries_on(served):
    project, process = served
    with pytest.raises(SystemExit, match="2030-FY"):
        main(["--root", str(project), "build", "--period", "2030-FY"])
    assert process.poll() is None
    assert main(["--root", str(project), "build", "--period", PERIOD, "--unit", "917"]) == 0
    assert f"{PERIOD}: 1/1 báo cáo lập lại" in log_of(project)


SLOW = "import time\ntime.sleep(4)"


@pytest.mark.e2e
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
def test_a_client_that_goes_away_stops_its_build_and_the_server_carries_on(served, sig):
    project, process = served
    write_notebooks(project, district=(SLOW,))
    client = subprocess.Popen(
        build_command(project, "--workers", "1", *UNITS),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while not list((project / "outputs" / PERIOD / "notebooks").glob("*.ipynb")):
            assert time.monotonic() < deadline, log_of(project)
            time.sleep(0.2)
        time.sleep(1)  # a district report is running now
        os.kill(client.pid, sig)
        assert client.wait(60) == (130 if sig == signal.SIGINT else -signal.SIGKILL)
    finally:
        client.kill()
    deadline = time.monotonic() + 60
    while "hủy" not in log_of(project):
        assert time.monotonic() < deadline, log_of(project)
        time.sleep(0.2)
    assert process.poll() is None  # the server carries on
    assert not list((project / "outputs").rglob("*.tmp"))
    write_notebooks(project)
    assert subprocess.run(build_command(project, *UNITS), capture_output=True).returncode == 0
    assert len(outputs(project)) == 3
