"""Write the two report notebooks (clean, no outputs) from the cell lists below."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]

PARAMETERS = """# Parameters: papermill replaces this cell's values for each report.
# A blank period means the default period of data/periods.yaml; a blank figures_file means the
# store that `reportkit intake` fills, in store_dir (blank: store/ beside data/).
unit_code = "{unit}"
period = ""
data_dir = "../data"
params_dir = "../params"
figures_file = ""
store_dir = ""
doc_number = ""
doc_symbol = "{symbol}"
place = ""
signer_name = ""
report_date = ""
recipients = []"""

LOAD = """import reportkit as rk

inputs = rk.load_report_inputs(
    unit_code,
    period,
    data_dir,
    params_dir,
    figures_file,
    store_dir,
    doc_number=doc_number,
    doc_symbol=doc_symbol,
    place=place,
    signer_name=signer_name,
    report_date=report_date,
    recipients=recipients,
)
report = rk.compute_report(inputs{compare})"""

INTRO = """**{title}** — edit in JupyterLab, run with `reportkit build`.

The cells stay thin: parameters, load, compute with `reportkit` functions, display. Change
wording in `data/wording/vi.yaml`, targets in `data/`, sections II–IV in
`params/narrative/<period>/<unit>.md`. This cell is not printed."""


def notebook(title: str, unit: str, symbol: str, city: bool) -> nbformat.NotebookNode:
    displays = ["rk.show(rk.render_header(report))", "rk.show(rk.render_results(report))"]
    if city:
        displays.append("rk.show(rk.render_districts(report))")
    # The signature closes the main text; the appendix follows it (Nghị định 30/2020).
    displays += [
        "rk.show(rk.render_analyst_sections(report))",
        "rk.show(rk.render_closing(report))",
        "rk.show(rk.render_appendix(report))",
    ]
    cells = [
        new_markdown_cell(INTRO.format(title=title), metadata={"tags": ["remove-cell"]}),
        new_code_cell(PARAMETERS.format(unit=unit, symbol=symbol), metadata={"tags": ["parameters"]}),
        new_code_cell(LOAD.format(compare=", compare_children=True" if city else "")),
        *(new_code_cell(source) for source in displays),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


if __name__ == "__main__":
    out = ROOT / "notebooks"
    nbformat.write(notebook("Báo cáo quận, huyện", "917", "BC/HND", False), out / "district.ipynb")
    nbformat.write(notebook("Báo cáo thành phố", "92", "BC/HNDT", True), out / "city.ipynb")
