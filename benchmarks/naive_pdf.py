"""One page to PDF in a fresh process with a cold browser, as a per-report webpdf step would.

Usage: python benchmarks/naive_pdf.py page.html out.pdf
"""

import sys
from pathlib import Path

from reportkit.export.pdf import PdfPrinter

if __name__ == "__main__":
    page, out = Path(sys.argv[1]), Path(sys.argv[2])
    with PdfPrinter() as printer:
        printer.print_pdf(page.read_text(encoding="utf-8"), out)
