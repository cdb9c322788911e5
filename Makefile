# Every routine command is a target. `make run` and `make test` are the README's two commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
HOST ?= 127.0.0.1
EXTRAS ?= dev

.PHONY: run test install migrate catalogue roles admin static serve lint format check messages ci bench bench-search audit screenshots node_modules

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "CEP Portal needs Python 3.11 or newer (found " + sys.version.split()[0] + ").")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[$(EXTRAS)]"
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --no-input

catalogue: migrate
	$(BIN)/python manage.py load_catalogue

roles: migrate
	$(BIN)/python manage.py setup_roles

admin: migrate
	$(BIN)/python manage.py ensure_admin

static: install
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0

# Serves with DEBUG off, as users see it; secure cookies and the https redirect off
# because it is plain http.
run: catalogue roles admin static
	@echo "CEP Portal: http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	DJANGO_SECURE_COOKIES=0 DJANGO_SSL_REDIRECT=0 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production mode: DEBUG off, hashed static files, gunicorn (gunicorn.conf.py reads
# HOST, PORT and WEB_CONCURRENCY). On a loopback address it speaks plain http, so the
# https redirect and secure-only cookies are off unless set; elsewhere they are on.
# Migrations are not run here: run `make migrate` once, from one machine.
LOOPBACK_ENV = $(if $(filter 127.0.0.1 localhost ::1,$(HOST)),DJANGO_SSL_REDIRECT=$${DJANGO_SSL_REDIRECT:-0} DJANGO_SECURE_COOKIES=$${DJANGO_SECURE_COOKIES:-0})
serve: static
	@echo "CEP Portal (gunicorn): http://$(HOST):$(PORT)/"
	DJANGO_DEBUG=0 HOST=$(HOST) PORT=$(PORT) $(LOOPBACK_ENV) $(BIN)/gunicorn --config gunicorn.conf.py

# On every core (pytest-xdist); PYTEST_ARGS adds options, e.g. PYTEST_ARGS="-m 'not slow'".
test: install
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	$(BIN)/python manage.py makemessages --all --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'node_modules/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

ci:
	bash .ci/run

# The pages under wrk beside a hello-world Django view, at 1k, 10k and 100k tools
# (docs/benchmarks.md): SQLite, or PostgreSQL when DATABASE_URL is set. Needs wrk.
# BENCH_ARGS goes to bench/pages.py, e.g. BENCH_ARGS="--sizes 1000 --duration 3".
bench: install
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

# Relevance and latency of search on SQLite and PostgreSQL (docs/benchmarks.md); misses
# in the relevance set do not stop the latency run. SEARCH_ARGS goes to bench/search.py,
# e.g. SEARCH_ARGS="--sizes 1000,10000 --sqlite-only".
bench-search: install
	-$(BIN)/python bench/relevance.py
	$(BIN)/python bench/search.py $(SEARCH_ARGS)

# Node packages for the audits (Lighthouse, axe-core, the Nu checker), pinned by
# package-lock.json; no install scripts (none of them needs one).
node_modules:
	@test -f node_modules/lighthouse/package.json || npm ci --ignore-scripts --no-audit --no-fund

# Lighthouse (mobile) on the main pages in English and Arabic, served as in production
# by `make serve` on a throwaway database; targets and figures in docs/quality.md.
# Needs Node.js and Chromium (CHROME_PATH, default /usr/bin/chromium). AUDIT_ARGS goes
# to bench/audit.py, e.g. AUDIT_ARGS="--languages en --strict-performance".
audit: install node_modules
	$(BIN)/python bench/audit.py $(AUDIT_ARGS)

# PNGs of the main pages, desktop and phone, English and Arabic, into docs/screenshots/
# (the `browser` extra: `make screenshots EXTRAS=dev,browser` on a fresh clone).
screenshots: install
	$(BIN)/python bench/screenshots.py $(SCREENSHOT_ARGS)
