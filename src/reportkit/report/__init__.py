"""Stage 2, one report: from the store's figures to the blocks of a report notebook.

Takes in: a unit and a period, the project's data files, the unit's parameters and analyst's
text, and the period's figures from the store. Gives out: the HTML blocks the notebook shows
(header, results, districts, analyst sections, closing, appendix), each figure written the
Vietnamese way.

- `inputs`     loads a report's inputs: periods, tree, catalogue, targets, figures, params.
- `metrics`    computes each indicator's result against its target, and the standings.
- `narrative`  turns results into sentences, from the wording file.
- `tables`     the report's tables (pandas Styler).
- `charts`     the report's charts (matplotlib, inline SVG).
- `document`   assembles the blocks the notebooks display.
- `fonts`      the shipped report font, and the check that it has every character printed.
"""
