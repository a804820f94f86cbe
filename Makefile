# Moderato developer commands. `make help` lists them.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

# Installs come from the lock files, so every machine runs the versions that were tested:
# requirements-dev.lock (what the image runs, plus the dev tools) first, then Moderato itself
# with --no-deps on top. `pip check` fails if the lock no longer fits pyproject.toml's ranges.
$(STAMP): requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

# The PyPI akismet client's own end-to-end tests run against Moderato's Akismet API
# (tests/e2e/akismet/test_python_client.py). They ship only in its sdist, which is fetched
# here from PyPI, checked against this hash, and never committed.
AKISMET_VERSION := 25.10.1
AKISMET_SDIST_SHA256 := d5e5a4e9e3fe83618acc2315e6d8aa68e9cbd8a24814442293cd9cd1fbc3c119
AKISMET_SDIST := .cache/akismet-$(AKISMET_VERSION).tar.gz

$(AKISMET_SDIST): | $(STAMP)
	mkdir -p .cache
	echo "akismet==$(AKISMET_VERSION) --hash=sha256:$(AKISMET_SDIST_SHA256)" > .cache/akismet-sdist.txt
	$(BIN)/python -m pip download --quiet --no-deps --no-binary :all: --require-hashes \
		-r .cache/akismet-sdist.txt -d .cache

install: $(STAMP) $(AKISMET_SDIST) ## Create .venv and install Moderato with its development tools, as locked

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

run: $(STAMP) ## Run web + worker on http://127.0.0.1:8000 (SQLite, file broker, no Redis)
	$(BIN)/moderato serve

test: $(STAMP) $(AKISMET_SDIST) ## Run the whole test suite (PostgreSQL and Redis on localhost)
	$(BIN)/pytest

test-fast: $(STAMP) $(AKISMET_SDIST) ## The suite without the tests that start worker processes (about 30 s)
	$(BIN)/pytest -m "not worker"

lint: $(STAMP) ## ruff (lint and format check), mypy, and the layer contracts (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP) ## Classifier and adaptation benchmarks on ../shared/data/youtube-spam
	$(BIN)/python -m bench.classifier
	$(BIN)/python -m bench.adaptation

.PHONY: help install lock run test test-fast lint bench
