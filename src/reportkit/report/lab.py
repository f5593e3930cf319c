"""Lab: what a report notebook needs when an analyst runs it in JupyterLab rather than in a build —
the report's print styles for its outputs, and a one-line build of the open unit's PDF.

Kept light (standard library only at import): a report's process reads BUILD_ENV from here.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Set by the build in every report process (and so in a report's kernel): the built page has the
# report's styles in its <head>; only a notebook run elsewhere needs them in an output.
BUILD_ENV = "REPORTKIT_BUILD"
STYLESHEET = Path(__file__).resolve().parents[1] / "templates" / "reportkit" / "report.css"
# JupyterLab's elements for a cell's outputs and for a Markdown cell: the report's rules apply
# inside them only, so its `p`, `h1` or `html` rules style what the report prints, never JupyterLab.
SCOPES = (".jp-OutputArea-output", ".jp-MarkdownOutput")
# The page's text block (A4 less its 30 + 15 mm margins): outputs wrap as they will print.
TEXT_WIDTH = "165mm"
# The report's first block brings the styles, once: a <style> in an output applies to the whole
# JupyterLab page for as long as that output is shown, and the header is always run first.
STYLE_CARRIER = 'class="rk-header"'


def in_build() -> bool:
    return bool(os.environ.get(BUILD_ENV))


@contextmanager
def building() -> Iterator[None]:
    """Mark this process (and the kernels it starts) as running a build's notebook."""
    saved = os.environ.get(BUILD_ENV)
    os.environ[BUILD_ENV] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(BUILD_ENV, None)
        else:
            os.environ[BUILD_ENV] = saved


def scope_css(css: str, scopes: tuple[str, ...]) -> str:
    """The stylesheet's rules with every selector placed inside each of `scopes` (`html` and
    `body` become the scope itself); at-rules (@page, @media print) are left out: a notebook has
    no page box."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules, depth, start = [], 0, 0
    for index, char in enumerate(css):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                rules.append(css[start : index + 1].strip())
                start = index + 1
    scoped = []
    for rule in rules:
        selectors, _, body = rule.partition("{")
        if selectors.strip().startswith("@"):
            continue
        names = [s.strip() for s in selectors.split(",") if s.strip()]
        parts = [_scope_selector(name, scope) for scope in scopes for name in names]
        scoped.append(f"{', '.join(parts)} {{{body}")
    return "\n".join(scoped)


def _scope_selector(selector: str, scope: str) -> str:
    return scope if selector in ("html", "body") else f"{scope} {selector}"


@functools.cache
def preview_css() -> str:
    """The report font (the shipped files, as the built page embeds them) and its stylesheet,
    scoped to JupyterLab's outputs and Markdown cells."""
    from .fonts import font_face_css

    width = f"{', '.join(SCOPES)} {{ max-width: {TEXT_WIDTH}; }}"
    return "\n".join([font_face_css(), scope_css(STYLESHEET.read_text(encoding="utf-8"), SCOPES), width])


def preview_html(html: str) -> str:
    """A report block as JupyterLab should show it: as the build's page has it, and the header with
    the report's styles ahead of it."""
    if STYLE_CARRIER not in html:
        return html
    return f"<style>{preview_css()}</style>{html}"


def find_project(start: Path) -> Path:
    """The project folder holding `start`: the nearest one with data/periods.yaml."""
    for folder in (start, *start.parents):
        if (folder / "data" / "periods.yaml").is_file():
            return folder
    from ..errors import DataError

    raise DataError(f"Không tìm thấy thư mục dự án (có data/periods.yaml) chứa {start}")


def build_pdf(unit_code: str, period: str = "", root: str | Path | None = None) -> Path:
    """Build one unit's report as the office does (`reportkit build --unit <code>`) and return its
    PDF. `root` is the project folder; by default the one the notebook runs in (JupyterLab runs a
    notebook in its own folder, under notebooks/).

    The build runs in its own process: a notebook's kernel already runs an event loop, which the
    build's browser control cannot share. Its progress is printed; a failed build raises."""
    from ..build.plan import plan_build
    from ..errors import BuildError
    from ..paths import ProjectPaths

    paths = ProjectPaths.at(Path(root).resolve() if root else find_project(Path.cwd().resolve()))
    run_cli = "import sys; from reportkit.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", run_cli, "--root", str(paths.root), "build", "--unit", unit_code]
    if period:
        command += ["--period", period]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    print(done.stdout + done.stderr)
    if done.returncode:
        raise BuildError(
            f"Không lập được báo cáo {unit_code} (mã lỗi {done.returncode}); xem thông báo ở trên."
        )
    plan = plan_build(paths, period or None, [unit_code])
    return paths.outputs(plan.period.id) / f"{plan.jobs[0].stem}.pdf"
