# Microcred — `make run` serves a local stack, `make test` runs every test.
# Both install what is missing first (Python venv, npm packages, the solc front, Chromium for
# page tests); each install step is skipped when its inputs have not changed.

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
SOLC_VERSION := 0.8.28
SOLC_FRONT := $(HOME)/.solcx/solc-v$(SOLC_VERSION)
ARTIFACT := backend/chain/artifacts/CredentialRegistry.json
CONTRACTS := $(wildcard contracts/*.sol)
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: run test lint format bench gas install solc-front fonts system-packages clean help

help:
	@echo "make run    start Anvil (unless MICROCRED_RPC_URL is set), deploy, serve http://127.0.0.1:8000"
	@echo "make test   every test: unit, contracts, integration (SQLite and PostgreSQL), browser"
	@echo "make lint   ruff format --check, ruff check, mypy --strict on backend/"
	@echo "make bench  batch-building benchmark, written to docs/performance.md"
	@echo "make gas    gas table of the registry, written to docs/gas.md"

install: $(VENV)/.installed node_modules/.installed solc-front $(ARTIFACT)

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# No install scripts: Anvil's binary comes in its platform package, and the scripts would only
# try downloads (which fail here) and telemetry.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# The front takes solc from the working directory's node_modules, else from the path embedded here.
solc-front: node_modules/.installed
	@mkdir -p $(dir $(SOLC_FRONT))
	@sed 's#SOLC_MODULE#$(CURDIR)/node_modules/solc#' scripts/solc-front.cjs > $(SOLC_FRONT).new
	@chmod +x $(SOLC_FRONT).new
	@if cmp -s $(SOLC_FRONT).new $(SOLC_FRONT); then rm $(SOLC_FRONT).new; \
	 else mv $(SOLC_FRONT).new $(SOLC_FRONT) && echo "installed solc front $(SOLC_FRONT)"; fi

$(ARTIFACT): $(CONTRACTS) backend/chain/build.py | $(VENV)/.installed solc-front
	$(PY) -m backend.chain.build

# System packages from Debian: Chromium for the page tests (Playwright's own browser download
# cannot reach its host) and a CJK fallback font for the PDF certificates (DejaVu, in the base
# image, covers Latin, Greek and Cyrillic names).
DROID_FONT := /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
DEJAVU_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
APT_INSTALL := apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

fonts:
	@test -f $(DROID_FONT) -a -f $(DEJAVU_FONT) || { $(APT_INSTALL) fonts-droid-fallback fonts-dejavu-core; }

system-packages: fonts
	@test -x /usr/bin/chromium || { $(APT_INSTALL) chromium chromium-driver; }

run: install fonts
	$(VENV)/bin/microcred run

test: install system-packages
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff format --check backend tests scripts bench
	$(VENV)/bin/ruff check backend tests scripts bench
	$(VENV)/bin/mypy backend

format: $(VENV)/.installed
	$(VENV)/bin/ruff format backend tests scripts bench
	$(VENV)/bin/ruff check --fix backend tests scripts bench

bench: install
	$(PY) bench/batch_build.py --write docs/performance.md --postgres $${MICROCRED_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}

gas: install
	$(PY) scripts/gas_report.py --write docs/gas.md

clean:
	rm -rf $(VENV) node_modules .microcred .pytest_cache .mypy_cache .ruff_cache .build
