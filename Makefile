# Observer Portal — `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: backup restore serve run test test-sqlite test-postgres test-browser coverage install install-dev system-deps pdf-deps bench-deps lint i18n i18n-extract i18n-update translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime translations
install-dev: $(VENV)/.dev translations

## Compile the gettext catalogs (.mo files are build products, not committed).
translations: | $(VENV)/.runtime
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | grep -v '^compiling' || true
	@ls translations/*/LC_MESSAGES/messages.mo >/dev/null

## Serve the demo on http://127.0.0.1:5000 (development profile, SQLite in instance/).
run: install pdf-deps
	PORTAL_ENV=development $(BIN)/flask db upgrade
	PORTAL_ENV=development $(BIN)/flask demo
	@echo "Serving on http://127.0.0.1:5000, with the job worker (Ctrl+C stops both)"
	PORTAL_ENV=development $(BIN)/flask jobs worker & worker=$$!; trap 'kill -INT $$worker 2>/dev/null' EXIT; \
	  PORTAL_ENV=development $(BIN)/flask run --host 127.0.0.1 --port 5000

## Production-style: gunicorn with several workers (needs SECRET_KEY and usually DATABASE_URL).
serve: install pdf-deps
	$(BIN)/flask db upgrade
	$(BIN)/flask jobs worker & worker=$$!; trap 'kill -INT $$worker 2>/dev/null' EXIT; \
	  $(BIN)/gunicorn --config deploy/gunicorn.conf.py app:app

## Back up the database (SQLite online backup / pg_dump) into BACKUP_DIR (instance/backups).
backup: install
	$(BIN)/flask backup create

## Put a backup back: make restore FILE=instance/backups/observer-portal-….sqlite3 (stop the portal first).
restore: install
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=path/to/backup"; exit 2; }
	$(BIN)/flask backup restore "$(FILE)"

## The whole suite: SQLite, then PostgreSQL on a throwaway local server, browser tests included.
test: install-dev system-deps
	scripts/run-tests.sh

test-sqlite: install-dev
	$(BIN)/pytest

test-postgres: install-dev system-deps
	scripts/with-postgres.sh $(BIN)/pytest

## Line and branch coverage of the package by the SQLite suite (browser tests included).
coverage: install-dev system-deps
	$(BIN)/pytest -n 2 --dist worksteal --cov=observer_portal --cov-branch --cov-report=term:skip-covered

test-browser: install-dev system-deps
	$(BIN)/pytest -m browser

system-deps:
	scripts/install-system-deps.sh

## What the PDF reports need from apt (Pango, DejaVu fonts), when missing: nothing else.
pdf-deps:
	scripts/install-system-deps.sh --pdf-only

## What bench/ needs beyond the app: wrk (apt) and Flask-Admin (bench/requirements.txt).
bench-deps: install-dev
	scripts/install-bench-deps.sh

## ruff, and the PO linter over the catalogs (pofilter's reviewed checks: translations/lint.toml).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/lint_catalogs.py

## Extract UI strings, merge them into every catalog, compile.
i18n: i18n-update translations
i18n-extract: | $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -k _lp:1c,2 -k lazy_pgettext:1c,2 --add-comments=Translators: --no-location --sort-output \
	  --project "Observer Portal" --version 0.1 --msgid-bugs-address translations@example.org -o translations/messages.pot .
i18n-update: i18n-extract
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
	find translations -name '*.mo' -delete
