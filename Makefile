# The kit's commands. `make reports` and `make test` install what they need themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PERIOD ?=
UNITS ?=
WORKERS ?=

# The pure core: the modules that decide a figure, its words and whether a report is rebuilt.
CORE ?= report.metrics formats report.tables report.narrative submissions.validate build.fingerprint build.manifest
# Processes mutmut runs at once: 1 on a machine shared with other work.
MUTATION_CHILDREN ?= 2
COVERAGE := $(foreach m,$(CORE),--cov=reportkit.$(m)) --cov-branch --cov-report=term-missing:skip-covered

BUILD_ARGS := $(if $(PERIOD),--period $(PERIOD)) $(foreach u,$(UNITS),--unit $(u)) $(if $(WORKERS),--workers $(WORKERS))

.PHONY: setup reports test mutation lint lab sample clean

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
	$(BIN)/mutmut run --max-children $(MUTATION_CHILDREN) $(foreach m,$(CORE),"reportkit.$(m).*")
	$(BIN)/mutmut results

lint: setup
	$(BIN)/ruff check src tests scripts $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests scripts $(wildcard benchmarks)

# JupyterLab refuses to run as root without --allow-root, and cannot open a browser on a Linux
# machine without a display (it then prints the address to open).
USER_ID ?= $(shell id -u)
NO_DISPLAY := $(and $(filter Linux,$(shell uname -s)),$(if $(DISPLAY)$(WAYLAND_DISPLAY),,yes))
LAB_ARGS := --ServerApp.root_dir=notebooks $(if $(filter 0,$(USER_ID)),--allow-root) $(if $(NO_DISPLAY),--no-browser)

lab: setup  ## open the notebooks in JupyterLab (the notebooks are the source: edit them there)
	$(BIN)/jupyter lab $(LAB_ARGS)

sample: setup  ## regenerate the sample data (deterministic)
	$(BIN)/reportkit sample

clean:
	rm -rf outputs/*/
