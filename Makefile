# The kit's commands. `make reports` and `make test` install what they need themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PERIOD ?=
UNITS ?=
WORKERS ?=

# The pure core: the modules that decide a figure, its words and whether a report is rebuilt.
CORE ?= report.metrics formats report.tables report.narrative submissions.validate build.fingerprint build.manifest
COVERAGE := $(foreach m,$(CORE),--cov=reportkit.$(m)) --cov-branch --cov-report=term-missing:skip-covered

BUILD_ARGS := $(if $(PERIOD),--period $(PERIOD)) $(foreach u,$(UNITS),--unit $(u)) $(if $(WORKERS),--workers $(WORKERS))

.PHONY: setup reports test mutation lint lab sample notebooks clean

$(VENV)/.installed: pyproject.toml scripts/setup-system.sh
	bash scripts/setup-system.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	bash scripts/setup-system.sh --libraries
	touch $@

setup: $(VENV)/.installed

reports: setup  ## take in the sample submissions, then build every report of a period (PERIOD=2022-H1, UNITS="917 918")
	$(BIN)/reportkit intake data/sample/submissions/*
	$(BIN)/reportkit build $(BUILD_ARGS)

test: setup lint  ## lint, then the whole test suite (notebooks, PDFs included), with the core's branch coverage
	$(BIN)/python -m pytest $(COVERAGE)

mutation: setup  ## mutation-test the core with mutmut (slow; CORE="formats report.metrics" for some modules)
	$(BIN)/mutmut run --max-children 2 $(foreach m,$(CORE),"reportkit.$(m).*")
	$(BIN)/mutmut results

lint: setup
	$(BIN)/ruff check src tests scripts $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests scripts $(wildcard benchmarks)

lab: setup  ## open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/

sample: setup  ## regenerate the sample data (deterministic)
	$(BIN)/reportkit sample

notebooks: setup  ## rewrite the two notebooks clean from scripts/write_notebooks.py
	$(BIN)/python scripts/write_notebooks.py

clean:
	rm -rf outputs/*/
