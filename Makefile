# Pendamping: two commands on a fresh machine (Python 3.11 and make).
#   make run    set up everything and serve the app with demo data on http://127.0.0.1:8000/
#   make test   install what the tests need and pass the whole suite (SQLite)
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HASH   := $(shell cksum < pyproject.toml | cut -d' ' -f1)
STAMP  := $(VENV)/.installed-app-$(HASH)
DEV    := $(VENV)/.installed-dev-$(HASH)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint format bench messages setup clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.installed-app-*
	touch $(STAMP)

$(DEV): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-dev-*
	touch $(DEV)

setup: $(STAMP)
	$(BIN)/pendamping setup

run: setup
	$(BIN)/pendamping runserver $(HOST):$(PORT) --noreload

test: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto -m "not browser"
	$(BIN)/python -m pytest tests/browser -m browser -p no:xdist

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(DEV)
	$(BIN)/python -m pendamping.core.i18n update

bench: $(DEV)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/static
