# The two commands of the README: `make run` (set up, demo data, serve) and `make test` (everything).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

NPM_STAMP := node_modules/.installed-$(shell sha1sum package-lock.json | cut -c1-12)

.PHONY: setup run lint test clean translations screenshots serve bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# English (Flask-Babel): compiled from the committed catalogue at every setup, cheap and idempotent.
translations: $(STAMP)
	$(BIN)/pybabel compile --statistics -d fortrin/translations

# DKFDS (Det Fælles Designsystem) from the npm registry, copied to static/ where the pages load it.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/dkfds && mkdir -p static/dkfds
	cp -r node_modules/dkfds/dist/css node_modules/dkfds/dist/js node_modules/dkfds/dist/fonts node_modules/dkfds/dist/img static/dkfds/
	rm -f node_modules/.installed-*
	touch $(NPM_STAMP)

setup: $(STAMP) $(NPM_STAMP) translations

run: setup
	$(BIN)/flask --app fortrin db upgrade
	$(BIN)/flask --app fortrin demo load
	$(BIN)/flask --app fortrin run --host 127.0.0.1 --port 5000

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# On every core (pytest-xdist; PYTEST_WORKERS=0 runs in one process). Each worker has its own SQLite
# template and PostgreSQL schema; the browser tests share one demo, so one worker runs them in order
# (tests/conftest.py, pytest_xdist_make_scheduler).
PYTEST_WORKERS ?= auto
test: lint
	$(BIN)/pytest --numprocesses $(PYTEST_WORKERS)

# The production web server (gunicorn.conf.py; README, Production). Set FORTRIN_* first.
serve: setup
	$(BIN)/gunicorn -c gunicorn.conf.py

# Fortrin against a bare Flask app on this machine (scripts/bench.py; needs PostgreSQL on
# 127.0.0.1:5432 and wrk). BENCH_ARGS="--cases 20000" for a quick run.
bench: setup
	scripts/bench $(BENCH_ARGS)

# Retake the README's screenshots in docs/screenshots (the browser tests, writing there).
screenshots: setup
	FORTRIN_SCREENSHOTS=1 $(BIN)/pytest tests/e2e

clean:
	rm -rf $(VENV) instance node_modules static/dkfds .pytest_cache .mypy_cache .ruff_cache
