# Two commands for a new machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install migrate demo lint bench clean translations messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) translations

# Compiled catalogs (.mo) are build products; the .po sources are in git.
translations: $(STAMP)
	@if [ -d portal/translations ]; then $(BIN)/pybabel compile -d portal/translations >/dev/null; fi

migrate: install
	$(BIN)/alembic upgrade head

demo: migrate
	$(BIN)/flask --app wsgi portal demo

run: demo
	@echo "Portal: http://$(HOST):$(PORT)  (Ctrl+C stops it)"
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check portal tests bench migrations
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check portal tests bench migrations

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance/portal.db .pytest_cache

# After adding or changing interface text: refresh the catalog, then translate the new entries.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-output -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching
