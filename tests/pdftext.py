"""Reading PDFs in tests: text runs with their position, and the embedded fonts."""

from __future__ import annotations

import io

MM = 72 / 25.4  # PDF points per millimetre
A4_PT = (595.28, 841.89)


def upright_text(page) -> list[tuple[float, float, str]]:
    """(x, y, text) of each unrotated text run on a page (the watermark is rotated)."""
    runs = []

    def visit(text, cm, tm, _font, _size):
        # Text space to page space: the text matrix, then the current transformation matrix.
        b = tm[0] * cm[1] + tm[1] * cm[3]
        c = tm[2] * cm[0] + tm[3] * cm[2]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and abs(b) < 1e-6 and abs(c) < 1e-6:
            runs.append((x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return runs


def embedded_fonts(reader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for desc_font in font.get("/DescendantFonts", [font]):
                descriptor = desc_font.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def embedded_font_programs(reader) -> dict[str, bytes]:
    """The font file embedded for each font name (subset prefix cut), e.g. to read its version."""
    programs = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for desc_font in font.get("/DescendantFonts", [font]):
                descriptor = desc_font.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in descriptor:
                        name = str(font["/BaseFont"]).split("+")[-1]
                        programs[name] = descriptor[key].get_object().get_data()
    return programs


def assert_only_the_shipped_font(reader) -> None:
    from fontTools.ttLib import TTFont

    from reportkit.report.fonts import font_files

    def identity(font) -> tuple[str, str]:
        return font["name"].getDebugName(1), font["name"].getDebugName(5)  # family, version

    shipped = {identity(TTFont(path, lazy=True)) for path in font_files()}
    programs = embedded_font_programs(reader)
    assert programs
    for name, data in programs.items():
        assert identity(TTFont(io.BytesIO(data))) in shipped, name


def printed_sizes(page) -> list[tuple[float, str]]:
    """(size on paper in points, text) of each unrotated text run: the font's size scaled by the
    text matrix and the transformation (Chromium draws some text at size 1, scaled up)."""
    runs = []

    def visit(text, cm, tm, _font, size):
        a = tm[0] * cm[0] + tm[1] * cm[2]
        b = tm[0] * cm[1] + tm[1] * cm[3]
        c = tm[2] * cm[0] + tm[3] * cm[2]
        d = tm[2] * cm[1] + tm[3] * cm[3]
        if text.strip() and abs(b) < 1e-6 and abs(c) < 1e-6:
            runs.append((size * abs(d) if abs(d) > 1e-6 else size * abs(a), text.strip()))

    page.extract_text(visitor_text=visit)
    return runs
