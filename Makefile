# Moderato developer commands. `make help` lists them.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Two stamps, one .venv: running needs only the runtime install; the tests and linters add the
# dev tools on top of it, so `make test` after `make run` installs just what is missing.
STAMP := $(VENV)/.runtime-stamp
DEV_STAMP := $(VENV)/.dev-stamp

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

# Installs come from the lock files, so every machine runs the versions that were tested:
# requirements.lock (exactly what the image runs) first, then Moderato itself with --no-deps
# on top. `pip check` fails if the lock no longer fits pyproject.toml's ranges. No Node, no
# test tools: this is all `make run` needs.
$(STAMP): requirements.lock pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

# The dev tools (requirements-dev.lock: the runtime lock plus pytest, ruff, mypy, Playwright...)
# go into the same .venv, on top of the runtime install.
$(DEV_STAMP): requirements-dev.lock $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip check
	touch $(DEV_STAMP)

# The PyPI akismet client's own end-to-end tests run against Moderato's Akismet API
# (tests/e2e/akismet/test_python_client.py). They ship only in its sdist, which is fetched
# here from PyPI, checked against this hash, and never committed.
AKISMET_VERSION := 25.10.1
AKISMET_SDIST_SHA256 := d5e5a4e9e3fe83618acc2315e6d8aa68e9cbd8a24814442293cd9cd1fbc3c119
AKISMET_SDIST := .cache/akismet-$(AKISMET_VERSION).tar.gz

$(AKISMET_SDIST): | $(DEV_STAMP)
	mkdir -p .cache
	echo "akismet==$(AKISMET_VERSION) --hash=sha256:$(AKISMET_SDIST_SHA256)" > .cache/akismet-sdist.txt
	$(BIN)/python -m pip download --quiet --no-deps --no-binary :all: --require-hashes \
		-r .cache/akismet-sdist.txt -d .cache


# The web UI's message catalogs: the .po files are committed, the compiled .mo files are built
# by the package build (setup.py: wheels, the image, `pip install .`) and again here whenever a
# .po changes, so they can never be older than the .po they come from.
TRANSLATIONS := service/web/translations
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@

# Front-end packages from the npm registry, exactly as package-lock.json pins them (with their
# integrity hashes): axe-core, which the browser tests inject. Nothing of them is committed.
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

install-run: $(STAMP) $(MO_FILES) ## Create .venv with what running needs (as locked), compile the catalogs

install-dev: install-run $(DEV_STAMP) $(NODE_STAMP) $(AKISMET_SDIST) ## Add the dev tools, npm packages (Node) and the akismet sdist

install: install-dev ## Everything for development (= install-dev; CI runs it)

messages: $(STAMP) ## Extract the web UI's strings and update the .po catalogs (then translate)
	$(BIN)/pybabel extract -F service/web/babel.cfg -k lazy_gettext --no-location --sort-output \
		--omit-header -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --ignore-obsolete

# The locks are written by uv rather than pip-tools: `uv pip compile --universal` resolves once
# for every platform and every Python from LOCK_PYTHON up (with environment markers where they
# differ), while pip-compile resolves for the interpreter it runs on only, and the image's
# Python (3.11) need not be the developer's. uv writes plain requirements files with hashes,
# so installing needs only pip; uv is fetched (pinned) only here, into its own .venv-lock.
UV_VERSION := 0.13.9
LOCK_PYTHON := 3.11
LOCK_VENV := .venv-lock
UV_COMPILE = $(LOCK_VENV)/bin/uv pip compile pyproject.toml --quiet --universal \
	--python-version $(LOCK_PYTHON) --generate-hashes --custom-compile-command "make lock" \
	$(LOCK_ARGS)

lock: ## Re-resolve requirements.lock and requirements-dev.lock (LOCK_ARGS=--upgrade for newest)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION)
	$(UV_COMPILE) --output-file requirements.lock
	$(UV_COMPILE) --extra dev --constraint requirements.lock --output-file requirements-dev.lock

run: install-run ## Run web + worker on http://127.0.0.1:8000 (SQLite, file broker, no Redis)
	$(BIN)/moderato serve

test: install-dev ## Run the whole test suite (PostgreSQL and Redis on localhost)
	$(BIN)/pytest

test-fast: install-dev ## The suite without the tests that start worker processes (about 30 s)
	$(BIN)/pytest -m "not worker"

lint: $(DEV_STAMP) ## ruff (lint and format check), mypy, and the layer contracts (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

docs: $(DEV_STAMP) ## Build the docs site strictly (broken links fail)
	$(BIN)/mkdocs build --strict --site-dir site

bench: $(STAMP) ## Classifier and adaptation benchmarks on ../shared/data/youtube-spam
	$(BIN)/python -m bench.classifier
	$(BIN)/python -m bench.adaptation

.PHONY: help install install-run install-dev lock messages run test test-fast lint docs bench
