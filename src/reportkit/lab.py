"""Lab: what a report notebook needs when an analyst runs it in JupyterLab rather than in a build —
the report's print styles around its blocks, and a one-line build of the open unit's PDF.

Kept light (standard library only at import): build.py reads BUILD_ENV from here.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from pathlib import Path

# Set by the build in every report process (and so in a report's kernel): the built page carries
# the report's styles once, in its <head>; only a notebook run elsewhere needs them in its outputs.
BUILD_ENV = "REPORTKIT_BUILD"
STYLESHEET = Path(__file__).parent / "templates" / "reportkit" / "report.css"
# Every block shown in JupyterLab sits in this element, and every rule of the report's stylesheet
# is scoped to it: the report's `p`, `h1` or `body` rules must not restyle JupyterLab itself.
SCOPE = "rk-lab-preview"
FONT_CARRIER = 'class="rk-header"'  # the report's first block: it brings the font


def in_build() -> bool:
    return bool(os.environ.get(BUILD_ENV))


def scope_css(css: str, scope: str) -> str:
    """The stylesheet's rules with every selector placed inside `.scope`; at-rules (@page: the
    page box, which a notebook does not have) are left out."""
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
        parts = [_scope_selector(s.strip(), scope) for s in selectors.split(",") if s.strip()]
        scoped.append(f"{', '.join(parts)} {{{body}")
    return "\n".join(scoped)


def _scope_selector(selector: str, scope: str) -> str:
    if selector in ("html", "body"):
        return f".{scope}"
    return f".{scope} {selector}"


@functools.cache
def preview_css() -> str:
    """The report's stylesheet, scoped for a notebook's outputs."""
    return scope_css(STYLESHEET.read_text(encoding="utf-8"), SCOPE)


def preview_html(html: str) -> str:
    """A report block as JupyterLab should show it: in the report's styles, as it prints.

    Every block carries the (small) stylesheet, so each looks right however the cells are re-run;
    the header block alone carries the report font's files (1,5 MB), as the built page does once."""
    from .fonts import font_face_css

    fonts = font_face_css() + "\n" if FONT_CARRIER in html else ""
    return f'<style>{fonts}{preview_css()}</style><div class="{SCOPE} rk-page">{html}</div>'


def find_project(start: Path) -> Path:
    """The project folder holding `start`: the nearest one with data/periods.yaml."""
    for folder in (start, *start.parents):
        if (folder / "data" / "periods.yaml").is_file():
            return folder
    raise FileNotFoundError(f"Không tìm thấy thư mục dự án (có data/periods.yaml) chứa {start}")


def build_pdf(unit_code: str, period: str = "", root: str | Path | None = None) -> Path:
    """Build one unit's report as the office does (`reportkit build --unit <code>`) and return its
    PDF. `root` is the project folder; by default the one the notebook runs in (JupyterLab runs a
    notebook in its own folder, under notebooks/).

    The build runs in its own process: a notebook's kernel already runs an event loop, which the
    build's browser control cannot share. Its progress is printed; a failed build raises."""
    from .build import plan_build
    from .spec import Layout

    layout = Layout(Path(root).resolve() if root else find_project(Path.cwd().resolve()))
    run_cli = "import sys; from reportkit.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", run_cli, "--root", str(layout.root), "build", "--unit", unit_code]
    if period:
        command += ["--period", period]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    print(done.stdout + done.stderr)
    if done.returncode:
        raise RuntimeError(
            f"Không lập được báo cáo {unit_code} (mã lỗi {done.returncode}); xem thông báo ở trên."
        )
    plan = plan_build(layout, period or None, [unit_code])
    return layout.outputs(plan.period.id) / f"{plan.jobs[0].stem}.pdf"
