"""Write the pages' font subsets (src/reportkit/fonts/*.woff) from the shipped faces (*.ttf).

Run it after replacing a face or changing `reportkit.report.fonts.PAGE_FONT_RANGES`; the test
suite fails until the subsets match the faces again.
"""

from reportkit.report.fonts import write_page_fonts

if __name__ == "__main__":
    for path in write_page_fonts():
        print(f"{path.name}: {path.stat().st_size:,} bytes")
