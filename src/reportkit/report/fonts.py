"""The report font, chosen by file: Liberation Serif 2.x shipped in the package (OFL, see fonts/OFL.txt).

A family name is not enough: Debian's old `fonts-liberation` (1.07, no Vietnamese letters) is
also called "Liberation Serif", and matplotlib or Chromium may pick it. So the charts and the
page name a family only the shipped files can satisfy, and the kit checks before it prints
that those files have every character it will print.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import io
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import FontError

FONT_DIR = Path(__file__).resolve().parents[1] / "fonts"
# The name charts and pages use; no installed font is called this, so it is always these files.
FAMILY = "Reportkit Serif"
# (file, CSS font-weight, CSS font-style)
FACES = (
    ("LiberationSerif-Regular.ttf", "normal", "normal"),
    ("LiberationSerif-Bold.ttf", "bold", "normal"),
    ("LiberationSerif-Italic.ttf", "normal", "italic"),
    ("LiberationSerif-BoldItalic.ttf", "bold", "italic"),
)
REINSTALL_HINT = (
    "Cài lại bộ công cụ (`.venv/bin/pip install -e .` hoặc `make setup`) để có lại các tệp phông "
    f"trong {FONT_DIR}."
)
MAX_LISTED = 20  # characters named in the message; the rest are counted

# The pages embed a subset of each face (scripts/make-page-fonts.py writes it beside the face):
# Latin letters with every Vietnamese one, combining marks, punctuation, currency, arrows, maths
# and geometric shapes, without Greek, Cyrillic or Hebrew, compressed as WOFF. The whole faces
# made every page 2 MB of base64 to write, send to the browser and open on a phone; the subsets
# make it about 0,5 MB, and the PDF is the same to the pixel (it keeps only the glyphs it uses).
PAGE_FONT_RANGES = (
    (0x0000, 0x024F),
    (0x0259, 0x0259),
    (0x02B0, 0x036F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x22FF),
    (0x25A0, 0x25FF),
    (0xFB00, 0xFB06),
)
PAGE_FONT_SCRIPT = "scripts/make-page-fonts.py"


def font_files() -> list[Path]:
    """The shipped font files, Regular first; FontError if one is missing."""
    return _present([FONT_DIR / name for name, _weight, _style in FACES])


def _present(paths: list[Path]) -> list[Path]:
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise FontError(f"Thiếu tệp phông chữ của báo cáo: {', '.join(missing)}. {REINSTALL_HINT}")
    return paths


def page_font_files() -> list[Path]:
    """The faces' subsets the pages embed, Regular first; FontError if one is missing."""
    return _present(_page_font_paths())


def make_page_font(path: Path) -> bytes:
    """The subset of the face at `path` that pages embed (PAGE_FONT_RANGES), as WOFF bytes; the
    same bytes each time for the same face."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]  # kerning and the marks' placement over Vietnamese vowels
    options.name_IDs = ["*"]  # the family and version, by which tests know the shipped face
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]  # FontForge's timestamps, which no reader needs
    font = subset.load_font(str(path), options)
    font.recalcTimestamp = False  # the face's own date, so the bytes do not depend on the day
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for low, high in PAGE_FONT_RANGES for c in range(low, high + 1)])
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def write_page_fonts() -> list[Path]:
    """Write each face's page subset beside it (run by scripts/make-page-fonts.py)."""
    written = []
    for face, page_font in zip(font_files(), _page_font_paths(), strict=True):
        page_font.write_bytes(make_page_font(face))
        written.append(page_font)
    return written


def _page_font_paths() -> list[Path]:
    return [FONT_DIR / Path(name).with_suffix(".woff").name for name, _weight, _style in FACES]


# ---------- coverage ----------


@functools.cache
def covered_characters() -> frozenset[int]:
    """Code points every face of the pages' font has a glyph for (a word may be set in any face).
    The pages' subsets have fewer than the whole faces the charts use, so they decide."""
    from fontTools.ttLib import TTFont

    common: set[int] | None = None
    for path in page_font_files():
        with TTFont(path, lazy=True) as font:
            cmap = set(font.getBestCmap())
        common = cmap if common is None else common & cmap
    return frozenset(common or ())


def _printable(char: str) -> bool:
    # Line breaks, tabs and format characters are layout, not glyphs.
    return not unicodedata.category(char).startswith(("C", "Z")) or char == " "


def missing_characters(texts: Iterable[str], covered: frozenset[int] | None = None) -> dict[str, str]:
    """Each character of `texts` the font lacks, with the first text it appears in."""
    covered = covered_characters() if covered is None else covered
    texts = list(texts)
    # A city's tree has thousands of names: look at each distinct character once, and at the
    # texts again only to quote the first one with a character the font lacks.
    lacking = {char for char in set().union(*texts) if ord(char) not in covered and _printable(char)}
    missing: dict[str, str] = {}
    for text in texts if lacking else ():
        if not lacking.isdisjoint(text):
            for char in text:
                if char in lacking and char not in missing:
                    missing[char] = text
    return missing


def describe_missing(missing: Mapping[str, str], where: str) -> str:
    """The Vietnamese message: which characters, where they are, and what to do."""
    listed = [
        f"“{char}” (U+{ord(char):04X}, trong “{_excerpt(text, char)}”)"
        for char, text in list(missing.items())[:MAX_LISTED]
    ]
    more = f" và {len(missing) - MAX_LISTED} ký tự khác" if len(missing) > MAX_LISTED else ""
    return (
        f"Phông chữ của báo cáo (Liberation Serif 2, {FONT_DIR}) không có {len(missing)} ký tự "
        f"cần in ({where}): {'; '.join(listed)}{more}. Báo cáo sẽ in sai những chữ này nên không "
        "được lập. Cách sửa: viết lại các chữ đó bằng ký tự tiếng Việt thông thường (Unicode dựng "
        "sẵn, NFC) trong tệp dữ liệu hoặc tham số; hoặc thay các tệp phông trong thư mục trên bằng "
        "một phông serif giấy phép OFL có đủ các ký tự này (giữ tên tệp), chạy "
        f"`python {PAGE_FONT_SCRIPT}` (nếu ký tự nằm ngoài các dải chữ Latinh, thêm dải đó vào "
        "PAGE_FONT_RANGES trong src/reportkit/report/fonts.py), rồi cài lại bộ công cụ."
    )


def _excerpt(text: str, char: str, width: int = 30) -> str:
    at = text.index(char)
    start = max(0, at - width // 2)
    return " ".join(text[start : start + width].split())


def check_coverage(texts: Iterable[str], where: str) -> None:
    """Stop with FontError if the font lacks a character of `texts`."""
    missing = missing_characters(texts)
    if missing:
        raise FontError(describe_missing(missing, where))


def iter_text(value: Any, _seen: set[int] | None = None) -> Iterator[str]:
    """Every string inside `value`: mappings (keys and values), sequences, sets, dataclasses
    and plain objects, as loaded inputs are built of."""
    seen = set() if _seen is None else _seen
    if isinstance(value, str):
        yield value
        return
    if isinstance(value, (int, float, bytes, type(None))) or id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from iter_text(key, seen)
            yield from iter_text(item, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from iter_text(item, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from iter_text(getattr(value, field.name), seen)
    elif hasattr(value, "__dict__") and not isinstance(value, (type, Path)):
        yield from iter_text(vars(value), seen)


# Parameters that are places on this machine, not words of the report.
UNPRINTED_PARAMS = ("data_dir", "params_dir", "figures_file", "store_dir")


def printed_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k not in UNPRINTED_PARAMS}


def report_text(inputs: Any) -> Iterator[str]:
    """The words a report may print from its loaded inputs (model.ReportInputs): periods, tree,
    catalogue, wording, parameters and the analyst's text; not the figures or their sources."""
    for part in (
        inputs.period,
        inputs.previous_period,
        inputs.tree,
        inputs.catalogue,
        inputs.wording,
        printed_params(inputs.params),
        inputs.analyst_markdown,
    ):
        yield from iter_text(part)


def check_report_inputs(inputs: Any) -> None:
    """Stop the report before it prints a character the font lacks."""
    check_coverage(report_text(inputs), f"số liệu, tham số và câu chữ của báo cáo {inputs.unit_code}")


# ---------- charts (matplotlib) ----------


@functools.cache
def register_with_matplotlib() -> str:
    """Add the shipped faces to matplotlib under FAMILY and return FAMILY.

    Registered under their own name, not "Liberation Serif": findfont then has exactly
    these files to choose from, whatever else is installed.
    """
    from matplotlib import font_manager

    for path in font_files():
        entry = font_manager.ttfFontProperty(font_manager.get_font(path))
        font_manager.fontManager.ttflist.insert(0, dataclasses.replace(entry, name=FAMILY))
    font_manager.fontManager._findfont_cached.cache_clear()  # matplotlib's addfont does the same
    return FAMILY


# ---------- pages (HTML, PDF) ----------


@functools.cache
def font_face_css() -> str:
    """@font-face rules that embed the pages' subsets as data: URIs (the page stays one file)."""
    rules = []
    for (_name, weight, style), path in zip(FACES, page_font_files(), strict=True):
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; font-style: {style}; '
            f'src: url("data:font/woff;base64,{data}") format("woff"); }}'
        )
    return "\n".join(rules)
