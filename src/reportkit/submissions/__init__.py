"""Stage 1, submissions: from the districts' filled files to checked figures in the store.

Takes in: the plan of a period (catalogue, organisation tree, targets) and the files the
district associations send back. Gives out: the store (`store/reportkit.sqlite` and an archive
of every original), where each figure keeps its file, sheet and cell, and a check report per
file for the district.

- `templates`  writes each district's Excel template for a period (identity sheet, hidden keys).
- `read`       reads a returned workbook or CSV file cell by cell into a RawSubmission.
- `validate`   checks it against the plan: identity, units, values, totals; errors and warnings.
- `intake`     takes files in: read, check, store whole or refuse; rebuilds the store from its archive.
- `store`      the SQLite store: submissions, figures with their cells, the current figures.
- `feedback`   the check report sent back to a district, and the trace of a figure to its cell.
- `sample`     the seeded sample targets, figures and submissions of the shipped project.
"""
