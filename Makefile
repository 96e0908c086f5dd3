# casetracker: the commands README.md starts with, and the ones CI runs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/casetracker

.PHONY: run setup install messages translations translations-check seed test test-fast test-postgres lint format hooks diagram ci clean browser smoke bench clients bench-first-pages gettext

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed messages

## messages: compile the translations (locale/*/LC_MESSAGES/django.po -> .mo) with Babel, a Python tool (no apt
## package needed); the .mo files are build output, not committed
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --domain django --directory locale --statistics

## translations: extract our strings into the catalogs (needs GNU gettext's xgettext: apt-get install gettext),
## then translate every new or changed entry in locale/ru and locale/kk (docs/translations.md)
translations: install
	$(PY) manage.py makemessages --locale ru --locale kk --no-obsolete --no-location --ignore '.venv/*' \
	  --ignore 'bench/*' --ignore 'fixtures/*' --ignore 'node_modules/*' --ignore 'staticfiles/*' --ignore 'tests/*' \
	  --ignore '*/tests/*' --ignore 'artifacts/*' --ignore 'media/*'
	$(MAKE) messages

## translations-check: fails naming every string of ours without a Russian or Kazakh translation, fuzzy, or with a
## placeholder the translation breaks (the same test runs in make test)
translations-check: install
	$(PY) -m pytest -q -p no:cacheprovider casetracker/tests/test_translations.py

## setup: install, migrate, load the Zhanaozen seed data (idempotent)
setup: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_seed

## run: set everything up and serve the admin and API at http://$(HOST):$(PORT)
run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: set everything up and run the whole test suite (SQLite unless DATABASE_URL is set), spread over the
## cores with pytest-xdist (each worker has its own test database)
XDIST ?= -n auto --maxschedchunk 1
## the slowest tests are listed at the end of each run (CI's log shows where the time goes)
DURATIONS ?= --durations=25
test: install browser gettext clients
	$(PY) -m pytest $(XDIST) $(DURATIONS)

## test-fast: the quick check while working: everything but the tests marked slow (browser, schemathesis,
## the fuzzer, the crawl, subprocesses, backups, outages), spread over the cores with pytest-xdist
test-fast: install
	$(PY) -m pytest -q -m "not slow" -n auto

## test-postgres: the same suite against PostgreSQL
test-postgres: install browser gettext clients
	DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest $(XDIST) $(DURATIONS)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

## gettext: GNU gettext's xgettext, which the translation check extracts our strings with (apt-get)
gettext:
	@command -v xgettext >/dev/null || { \
	  echo "Installing gettext with apt-get for the translation check ..."; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q gettext; }

## browser: Debian's chromium for the real-browser tests (apt-get; Playwright downloads no browser)
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing chromium with apt-get for the browser tests ..."; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

## clients: the client generators and TypeScript compiler the generated-client test uses (npm ci in clients/;
## the versions are pinned in clients/package-lock.json; nothing downloads when the test runs)
clients: clients/node_modules/.installed

clients/node_modules/.installed: clients/package.json clients/package-lock.json
	cd clients && npm ci --no-audit --no-fund
	touch $@

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
