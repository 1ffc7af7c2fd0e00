# Safer Somerset — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run setup test lint format migrate demo worker beat check-deploy clean benchmark

# make run behaves like production (DEBUG off: the service's own error pages, static files from
# collectstatic) except that it is plain HTTP on localhost and the second factor is off.
DEMO_ENV := DEBUG=false DEMO_MODE=true SECRET_KEY=demo-only-not-secret-$(shell hostname) \
	ALLOWED_HOSTS=127.0.0.1,localhost SITE_URL=http://$(HOST):$(PORT) SECURE_COOKIES=false SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0

## Set everything up and run the app with synthetic demo data on http://$(HOST):$(PORT)
run: setup
	$(DEMO_ENV) $(MANAGE) migrate --noinput
	$(DEMO_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(MANAGE) load_demo_data
	@echo ""
	@echo "Safer Somerset is starting at http://$(HOST):$(PORT)/ (demo mode: synthetic data, no second factor)."
	$(DEMO_ENV) $(MANAGE) runserver $(HOST):$(PORT)

## Run the whole test suite (SQLite by default; PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set)
test: setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed node_modules/.installed static/build/app.css .env

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/app.css: static/scss/app.scss node_modules/.installed
	npm run --silent build:css

.env:
	cp .env.example .env

migrate: setup
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo_data

## Celery against Redis (set REDIS_URL): one worker, and exactly one beat process
worker: setup
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL, e.g. redis://127.0.0.1:6379/0" && exit 1)
	$(VENV)/bin/celery -A somerset_safety worker --loglevel=INFO --concurrency=2

beat: setup
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL, e.g. redis://127.0.0.1:6379/0" && exit 1)
	$(VENV)/bin/celery -A somerset_safety beat --loglevel=INFO --schedule=var/celerybeat-schedule

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## manage.py check --deploy with production-like values (no DEBUG, real secrets, HTTPS). The
## database and broker are named, not contacted: set DATABASE_URL and REDIS_URL to check yours.
check-deploy: setup
	env -u DJANGO_ALLOW_ASYNC_UNSAFE DEBUG=false DEMO_MODE=false SECRET_KEY="$$(openssl rand -hex 40)" \
	  AUDIT_CHAIN_KEY="$$(openssl rand -hex 32)" ALLOWED_HOSTS=safer-somerset.example.gov.uk \
	  SITE_URL=https://safer-somerset.example.gov.uk \
	  DATABASE_URL="$${DATABASE_URL:-postgres://safer_app@localhost:5432/safer_somerset}" \
	  REDIS_URL="$${REDIS_URL:-redis://localhost:6379/0}" \
	  UPLOAD_SCANNER=somerset_safety.core.scanning.clamav_scan CLAMAV_HOST=clamav \
	  $(MANAGE) check --deploy --fail-level WARNING

## Benchmarks (not tests) against PostgreSQL: set DATABASE_URL to a throw-away database
benchmark: setup
	@test -n "$$DATABASE_URL" || (echo "Set DATABASE_URL to a throw-away PostgreSQL database" && exit 1)
	$(PY) tests/benchmarks/run.py

clean:
	rm -rf $(VENV) node_modules static/build staticfiles db.sqlite3 var
