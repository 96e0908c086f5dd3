# casetracker: the commands README.md starts with, and the ones CI runs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/casetracker

.PHONY: run setup install seed test test-fast test-postgres lint format hooks diagram ci clean browser smoke bench bench-first-pages

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

## setup: install, migrate, load the Zhanaozen seed data (idempotent)
setup: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_seed

## run: set everything up and serve the admin and API at http://$(HOST):$(PORT)
run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: set everything up and run the whole test suite (SQLite unless DATABASE_URL is set)
test: install browser
	$(PY) -m pytest

## test-fast: the quick check while working: everything but the tests marked slow (browser, schemathesis,
## the fuzzer, the crawl, subprocesses, backups, outages), spread over the cores with pytest-xdist
test-fast: install
	$(PY) -m pytest -q -m "not slow" -n auto

## test-postgres: the same suite against PostgreSQL
test-postgres: install browser
	DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest

## browser: Debian's chromium for the real-browser tests (apt-get; Playwright downloads no browser)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing chromium with apt-get for the browser tests ..."; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

## smoke: the production stack without Docker (entrypoint + gunicorn + PostgreSQL), then a clean stop
smoke: install
	bash docker/smoke.sh

## lint: what CI checks before the tests: ruff, ruff format, Django's checks, no missing migration
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

## format: ruff format and ruff's safe fixes over the whole tree
format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## hooks: run .pre-commit-config.yaml's checks (ruff, ruff format, manage.py check, makemigrations --check) before each commit
hooks: install
	$(VENV)/bin/pre-commit install

## diagram: regenerate docs/data-model.md from the models (a test fails when it is stale)
diagram: install
	$(PY) manage.py data_model_diagram

## bench: the performance benchmark on PostgreSQL (database ct_bench, seeded once; a few minutes; not part of CI)
bench: install
	$(PY) bench/run.py
	$(PY) bench/first_pages.py --database-url $${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ct_bench}

## bench-first-pages: first pages in process against their SQL raw (needs a seeded ct_bench: make bench once)
bench-first-pages: install
	$(PY) bench/first_pages.py --database-url $${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ct_bench}

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
