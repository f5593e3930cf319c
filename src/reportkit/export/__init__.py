"""Stage 4, export: an executed report notebook to the files the committee reads.

- `page`      the executed notebook as one self-contained HTML page (nbconvert, the kit's template
              that extends `lab`); what the cells printed goes to the report's log, never the page;
              whether the report is still a draft.
- `pdf`       that page printed to an A4 PDF by a headless Chromium (Playwright), with no network.
- `printing`  a few warm browsers printing a build's pages, one thread each.
- `index`     outputs/<period>/index.html: the period's reports and how their last build went.
"""
