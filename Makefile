# Moderato developer commands. `make help` lists them.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install Moderato with its development tools

run: $(STAMP) ## Run web + worker on http://127.0.0.1:8000 (SQLite, file broker, no Redis)
	$(BIN)/moderato serve

test: $(STAMP) ## Run the whole test suite (PostgreSQL and Redis on localhost)
	$(BIN)/pytest

test-fast: $(STAMP) ## The suite without the tests that start worker processes (about 30 s)
	$(BIN)/pytest -m "not worker"

lint: $(STAMP) ## ruff (lint and format check), mypy, and the layer contracts (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP) ## Classifier and adaptation benchmarks on ../shared/data/youtube-spam
	$(BIN)/python -m bench.classifier
	$(BIN)/python -m bench.adaptation

.PHONY: help install run test test-fast lint bench
