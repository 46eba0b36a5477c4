# Two commands do everything on a fresh Debian machine, as root:
#   make demo   install what is needed, load the demo school, serve it
#   make test   install what is needed (Chromium included), run every check and test
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
UV := .tools/bin/uv
UV_VERSION := 0.13.9
BIN := $(VENV)/bin
SEED ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

# Never let uv fetch a Python of its own: the machine's python3 is the one.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help install demo serve test check format test-postgres system-test-packages

help:
	@echo "make demo           install, load the demo school (SEED=$(SEED)) and serve it on http://$(HOST):$(PORT)"
	@echo "make test           install (Chromium included) and run every check and test"
	@echo "make test-postgres  run the test suite against a throwaway PostgreSQL server"
	@echo "make format         format the code with ruff"

$(UV):
	scripts/ensure-packages python3:python3 python3-venv-check:python3-venv
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python python3
	touch $@

install: $(VENV)/.synced

demo: install
	$(BIN)/coplanner migrate --noinput
	$(BIN)/coplanner demo --seed $(SEED)
	$(BIN)/coplanner runserver $(HOST):$(PORT)

serve: install
	$(BIN)/coplanner runserver $(HOST):$(PORT)

system-test-packages:
	scripts/ensure-packages chromium:chromium pdftoppm:poppler-utils msgfmt:gettext

check: install
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test: install system-test-packages check
	$(BIN)/pytest

test-postgres: install system-test-packages
	scripts/ensure-packages pg_ctl-check:postgresql
	scripts/with-postgres $(BIN)/pytest
