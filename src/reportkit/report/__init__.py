"""One report: load its inputs, compute the figures, write the text, tables, charts and document."""
