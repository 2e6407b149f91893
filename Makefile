# claimscope tasks. `make help` lists them; `make reports` and `make test` set everything up first.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL := claimscope
JOBS ?=
# pytest-xdist workers for `make test`: one more than the cores, so that a worker waiting on a
# deadline, a cluster or a kernel start leaves no core idle (2 cores: idle 52 -> 11 core-seconds).
TEST_JOBS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))
LAB_PORT ?= 8888
# DATA=DIR points validate, locate and reports at another dataset folder (default: data/).
DATA ?=
DATA_FLAG = $(if $(DATA),--data-dir $(DATA))
# Python's bytecode caches (__pycache__/, ignored by git) are written even where the environment
# sets PYTHONDONTWRITEBYTECODE: without them every kernel, warm parent and command compiles
# claimscope from source again, and pytest rewrites every test module again in each worker.
export PYTHONDONTWRITEBYTECODE :=

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "claimscope needs Python 3.11 or newer; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# jupyter-events' jsonschema[format-nongpl] brings rfc3987-syntax, which jsonschema imports
	@# (when present) only to check the "iri" string format; it builds a parser at import, about
	@# a second in every process that reads a notebook (builds, tests). Nothing here uses that format.
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (claimscope)" >/dev/null
	touch $(STAMP)

## Create .venv, install claimscope (editable) and its Jupyter kernel (only when needed)
setup: $(STAMP)

## Build every report in reports/ (skips reports whose inputs are unchanged; DATA=DIR, JOBS=N, SITE=1)
reports: setup
	$(BIN)/claimscope build $(DATA_FLAG) $(if $(JOBS),-j $(JOBS)) $(if $(SITE),--site)

## Run the whole test suite in parallel (TEST_JOBS=N): fast tests first, a fast failure stops it
test: setup
	$(BIN)/python -m pytest tests src notebooks -n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder \
		--stop-on-fast-failure --doctest-modules \
		--nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg

## Check the dataset and print every problem (DATA=DIR for another dataset folder)
validate: setup
	$(BIN)/claimscope validate $(DATA_FLAG)

## Fill empty claim offsets in claims.csv from their quotes (DATA=DIR for another folder)
locate: setup
	$(BIN)/claimscope locate $(DATA_FLAG)

## Re-execute the report notebooks in place to refresh their committed outputs
notebooks: setup
	$(BIN)/python -m claimscope.build.notebooks

## Regenerate the README screenshot (docs/screenshot-troop-figures.png) with headless Chromium
screenshot: setup
	$(BIN)/python docs/make_screenshot.py

## Open JupyterLab on notebooks/ with the claimscope kernel; prints the URL to open (LAB_PORT=N)
lab: setup
	@token=$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(16))'); \
	echo "JupyterLab: open http://127.0.0.1:$(LAB_PORT)/lab?token=$$token (Ctrl-C stops it)"; \
	$(BIN)/jupyter lab --notebook-dir=notebooks --no-browser --ip=127.0.0.1 --port=$(LAB_PORT) \
		--ServerApp.port_retries=0 --IdentityProvider.token=$$token \
		$(if $(filter 0,$(shell id -u)),--allow-root)

## Run the benchmarks (build, scale, suggest recall) and write benchmarks/RESULTS.md
bench: setup
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/suggest_recall.py

## Audit the built reports (Lighthouse, axe, Nu, print, phone, privacy) into benchmarks/AUDIT.md
audit: setup
	cd benchmarks/audit && npm ci --no-audit --no-fund --silent
	$(BIN)/python benchmarks/audit.py $(if $(LABEL),--label "$(LABEL)") $(if $(SITE),--site-build)

## Vendor the partial plotly.js bundle (cartesian) at the version plotly.py targets, with its licence
plotly-bundle: setup
	@set -euo pipefail; \
	version=$$($(BIN)/python -c 'from plotly.offline import get_plotlyjs_version as v; print(v())'); \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	(cd "$$tmp" && npm pack --silent "plotly.js-cartesian-dist-min@$$version" >/dev/null && tar xzf ./*.tgz); \
	rm -f src/claimscope/assets/plotly-cartesian-*.min.js; \
	cp "$$tmp/package/plotly-cartesian.min.js" "src/claimscope/assets/plotly-cartesian-$$version.min.js"; \
	cp "$$tmp/package/LICENSE" src/claimscope/assets/plotly-LICENSE.txt; \
	echo "vendored plotly.js-cartesian-dist-min $$version"

## Lint and format-check the code
lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

## Remove the virtual environment and caches (not reports/)
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build src/*.egg-info

## List the targets
help:
	@awk '/^## /{sub(/^## /,""); doc=$$0; next} /^[a-z][a-z-]*:/{if (doc) {split($$0,a,":"); printf "  make %-10s %s\n", a[1], doc}; doc=""}' $(MAKEFILE_LIST)

.PHONY: setup reports test validate locate notebooks screenshot lab bench audit plotly-bundle lint clean help
