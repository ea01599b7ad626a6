# `make demo` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
LEGACY := .venv-legacy
PY39_VENV := .venv-py39
# Debian's awscli package is AWS CLI v2; it runs on the system Python.
CLI_V2 := /usr/bin/aws
# The oldest Python the package declares; pyenv's shim is no use unselected.
PY39 ?= $(firstword $(wildcard $(shell pyenv root 2>/dev/null)/versions/3.9*/bin/python3.9 $(HOME)/.pyenv/versions/3.9*/bin/python3.9 /usr/bin/python3.9 /usr/local/bin/python3.9))

.PHONY: setup demo test lint dist clean cli-v2 py39

setup: $(VENV)/.installed $(LEGACY)/.installed cli-v2 py39

$(VENV)/.installed: pyproject.toml requirements/test.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -qq --upgrade pip
	$(VENV)/bin/pip install -qq -r requirements/test.txt -e .
	touch $@

$(LEGACY)/.installed: pyproject.toml requirements/legacy.txt
	$(PYTHON) -m venv $(LEGACY)
	$(LEGACY)/bin/pip install -qq --upgrade pip
	$(LEGACY)/bin/pip install -qq -r requirements/legacy.txt -e .
	touch $@

# requires-python >= 3.9 is proved by a test that runs the plugin there.
py39:
	@if [ -n "$(PY39)" ]; then $(MAKE) --no-print-directory $(PY39_VENV)/.installed; \
	else echo "No Python 3.9 found: the Python 3.9 test will be skipped"; fi

$(PY39_VENV)/.installed: pyproject.toml requirements/legacy.txt
	$(PY39) -m venv $(PY39_VENV)
	$(PY39_VENV)/bin/pip install -qq --upgrade pip
	$(PY39_VENV)/bin/pip install -qq -r requirements/legacy.txt -e .
	touch $@

# CLI v2 comes from Debian; installed only where apt-get can run (root).
cli-v2:
	@if [ -x $(CLI_V2) ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's awscli (AWS CLI v2)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null; \
	else \
		echo "Debian's awscli (AWS CLI v2) is not installed and apt-get is not usable here: CLI v2 tests will be skipped"; \
	fi

demo: $(VENV)/.installed cli-v2
	$(VENV)/bin/python -m scripts.demo

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check awscli_regional_sts tests scripts benchmarks
	$(VENV)/bin/ruff format --check awscli_regional_sts
	$(VENV)/bin/mypy

test: setup lint
	$(VENV)/bin/python -m pytest

dist: $(VENV)/.installed
	rm -rf dist
	$(VENV)/bin/python -m build --outdir dist .
	$(VENV)/bin/twine check --strict dist/*

clean:
	rm -rf $(VENV) $(LEGACY) $(PY39_VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
