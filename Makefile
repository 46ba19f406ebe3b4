# Eén tegen eenzaamheid Westland – everyday commands. Each target is idempotent and
# quick when nothing changed (stamp files track installed dependencies).

PORT ?= 8000
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Local runs are development runs unless the environment says otherwise.
DEV_ENV := DEBUG=$${DEBUG:-true}

.PHONY: help setup setup-dev run test fuzz lint security format serve serve-ctl migrations-check messages bench load clean

help:
	@echo "make run    – install, migrate, load demo data, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   – install, then run the whole test suite (pytest, TEST_WORKERS processes)"
	@echo "make fuzz   – the hostile-input tests exploring new random inputs for FUZZ_SECONDS (300)"
	@echo "make lint   – ruff check, ruff format --check, import-linter (the apps' import direction) and bandit (make security)"
	@echo "make bench  – the benchmark at Westland's size and ten times it, in a database of its own (PostgreSQL, Redis)"
	@echo "make serve  – production-like: gunicorn + celery worker + beat under supervisord (needs DATABASE_URL, REDIS_URL, SECRET_KEY …)"
	@echo "make load   – 50 simulated people for 60 s on gunicorn, PostgreSQL (westland_load) and Redis; ends PASS or FAIL"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime.stamp: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev.stamp: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime.stamp $@

node_modules/.install.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Only the built files the pages use are served (from static/vendor, not committed).
VENDOR := static/vendor
VENDOR_FILES := $(VENDOR)/utrecht/component-library.css $(VENDOR)/utrecht/design-tokens.css $(VENDOR)/htmx/htmx.min.js \
	$(VENDOR)/plotly/plotly.min.js

$(VENDOR)/utrecht/component-library.css: node_modules/.install.stamp
	install -D -m 644 node_modules/@utrecht/component-library-css/dist/index.css $@
$(VENDOR)/utrecht/design-tokens.css: node_modules/.install.stamp
	install -D -m 644 node_modules/@utrecht/design-tokens/dist/index.css $@
$(VENDOR)/htmx/htmx.min.js: node_modules/.install.stamp
	install -D -m 644 node_modules/htmx.org/dist/htmx.min.js $@
# plotly.js as shipped inside the plotly Python package, so figure and script always match.
$(VENDOR)/plotly/plotly.min.js: $(VENV)/.runtime.stamp
	install -D -m 644 "$$($(PY) -c "import plotly, os; print(os.path.join(os.path.dirname(plotly.__file__), 'package_data', 'plotly.min.js'))")" $@

setup: $(VENV)/.runtime.stamp $(VENDOR_FILES)

setup-dev: $(VENV)/.dev.stamp $(VENDOR_FILES)

# A checkout used with make run is a development checkout: .env says so for every later
# manage.py command (never overwritten, git-ignored). Links in e-mails follow PORT.
.env:
	printf '%s\n' '# Written by make run for local development; delete it or edit it as you like.' 'DEBUG=true' > $@

run: setup .env
	$(DEV_ENV) $(MANAGE) migrate --noinput
	$(DEV_ENV) $(MANAGE) loaddemo
	$(DEV_ENV) SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(MANAGE) runserver 127.0.0.1:$(PORT)

# The suite runs in TEST_WORKERS processes (pytest-xdist; 0 runs it in this process).
# Each worker has its own test database and Redis database (westland/settings_test.py).
# Locally a PostgreSQL test database is kept between runs (--reuse-db); CI (CI set)
# always creates a clean one.
TEST_WORKERS ?= 2
REUSE_DB := $(if $(filter 1 true yes,$(CI)),,--reuse-db)
test: setup-dev
	$(PY) -m pytest -n $(TEST_WORKERS) --dist load $(REUSE_DB) $(PYTEST_ARGS)

# Hypothesis explores fresh inputs (make test always tries the same ones): rounds with new
# seeds until the budget is spent; stops at the first failure with the falsifying example.
FUZZ_SECONDS ?= 300
fuzz: setup-dev
	PY=$(PY) FUZZ_SECONDS=$(FUZZ_SECONDS) .ci/fuzz.sh

lint: setup-dev security
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# Security lint of the project's own code (tests and migrations left out). Fails on any
# medium or high finding; a deliberate one carries "# nosec BXXX" with its reason.
SECURITY_PATHS := $(wildcard common coalition monitoring signals westland benchmarks)
security: setup-dev
	$(VENV)/bin/bandit --recursive --quiet --severity-level medium --exclude '*/tests/*,*/migrations/*' $(SECURITY_PATHS)

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: setup-dev
	$(DEV_ENV) $(MANAGE) makemigrations --check --dry-run

# Regenerate the Dutch catalogue after changing strings (needs GNU gettext).
messages: setup-dev
	$(DEV_ENV) $(MANAGE) makemessages --locale nl --ignore '.venv/*' --ignore '.venv-load/*' --ignore 'node_modules/*' --ignore 'staticfiles/*' --no-obsolete
	$(DEV_ENV) $(MANAGE) compilemessages --locale nl --ignore '.venv/*' --ignore 'node_modules/*'

# The benchmark (not run in CI): creates <name>_bench next to DATABASE_URL's database and
# drops it afterwards; uses (and empties) the Redis database of REDIS_URL.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/westland
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/9
bench: setup-dev
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(BENCH_REDIS_URL)} \
		$(PY) benchmarks/run.py $(BENCH_ARGS)

# Production-like: every value comes from the environment (DEBUG off). web, worker and beat
# run under supervisord (westland/deploy/supervisord.conf), which starts again whatever dies. Their
# state (pid files, sockets, the beat schedule) is in SERVE_DIR, one per checkout, so two
# checkouts can serve side by side (each with its own PORT, database and Redis database);
# a second `make serve` in the same checkout is refused by supervisord.
SERVE_DIR ?= $(CURDIR)/.serve
WORKER_CONCURRENCY ?= 2
# More gunicorn options (its configuration file, westland/gunicorn_conf.py, is always used).
GUNICORN_ARGS ?=
SERVE_ENV = SERVE_DIR=$(SERVE_DIR) VENV=$(CURDIR)/$(VENV) PORT=$(PORT) WEB_CONCURRENCY=$${WEB_CONCURRENCY:-3} \
	WORKER_CONCURRENCY=$(WORKER_CONCURRENCY) GUNICORN_ARGS="$(GUNICORN_ARGS)"
serve: export DEBUG := $(or $(DEBUG),false)
serve: setup
	$(MANAGE) collectstatic --noinput
	$(MANAGE) migrate --noinput
	mkdir -p $(SERVE_DIR)
	$(SERVE_ENV) exec $(VENV)/bin/supervisord --configuration westland/deploy/supervisord.conf

# The processes of a running `make serve` in this checkout: make serve-ctl CMD=status, CMD="restart web".
CMD ?= status
serve-ctl:
	$(SERVE_ENV) $(VENV)/bin/supervisorctl --configuration westland/deploy/supervisord.conf $(CMD)

# Load test (not in CI): locust in a virtualenv of its own; see benchmarks/load/run.py.
LOAD_VENV := .venv-load
$(LOAD_VENV)/.load.stamp: requirements-load.txt
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/pip install --quiet -r requirements-load.txt
	touch $@

load: setup-dev $(LOAD_VENV)/.load.stamp
	$(PY) benchmarks/load/run.py

clean:
	rm -rf $(VENV) $(LOAD_VENV) node_modules $(VENDOR) staticfiles db.sqlite3 .serve
