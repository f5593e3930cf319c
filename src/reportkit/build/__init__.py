"""Stage 3, build: which reports to run, running them safely, and keeping track.

- `plan`         a period's reports (one job per unit), skipping those whose inputs did not change,
                 the rest run and written atomically; a failing report stops no other.
- `fingerprint`  a report's key: the digests of what its loader read, its notebook and the kit.
- `manifest`     outputs/<period>/manifest.json: what each report was built from, and how it went.
- `executors`    where reports run: a fresh process each on this machine, or a Dask cluster.
- `isolate`      inside a report's process: papermill with a timeout, warnings and page.
- `engine`       the papermill engine that runs cells in-process as a Jupyter kernel would.
- `zygote`       what the fork server imports and warms once, so each report starts hot.
- `spec`         the build's light types (options, jobs, results), for the command line.
"""
