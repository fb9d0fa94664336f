# gistcds: `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := examples/patients/metastatic-kit11-untreated.json
SHARED := ../shared

.PHONY: install run test lint unit cases bench clean openapi e2e

install: $(STAMP)

# Re-installs only when pyproject.toml changes; scripts/system-deps.sh adds the
# Debian libraries the report needs where they are missing (no-op otherwise).
$(STAMP): pyproject.toml scripts/system-deps.sh
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "gistcds needs Python >= 3.11 ($(PYTHON) is older)"; exit 1; }
	bash scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# bytecode now, as a wheel install has: the editable tree under PYTHONDONTWRITEBYTECODE
	# would otherwise compile every module at every start (benchmarks/bench_startup.py)
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

# Terminal summary, then the HTML and PDF reports of the bundled example (paths printed last).
run: install
	mkdir -p out
	$(BIN)/gistcds assess $(EXAMPLE) --report out/report.html --report out/report.pdf

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy --strict src/

unit: install
	$(BIN)/pytest -q -n 2

test: lint unit

cases: install
	$(BIN)/python $(SHARED)/tools/check_cases.py --cmd $(BIN)/gistcds $(SHARED)/examples/cases

# Browser tests of the web app (tests/e2e): Debian's chromium (installed with apt-get when
# missing; never a browser download), axe-core from npm (npm ci into tests/e2e/node_modules).
# Screenshots of every page land in tests/e2e/artifacts/.
CHROMIUM ?= /usr/bin/chromium
e2e: install
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@test -f tests/e2e/node_modules/axe-core/axe.min.js || (cd tests/e2e && npm ci --no-audit --no-fund --silent)
	GISTCDS_E2E=1 GISTCDS_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -q -p no:xdist tests/e2e

# Every benchmark prints its figures and ratios against a baseline measured in the same run.
bench: install
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build out .mypy_cache .ruff_cache .pytest_cache .hypothesis

# The OpenAPI document of the service, committed and kept in sync by tests/test_api_openapi.py.
openapi: install
	$(BIN)/python -c 'from gistcds.api.openapi import main; main()' > docs/openapi.json
