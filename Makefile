# Everything a newcomer needs: `make run` serves the site, `make test` runs the suite.
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test dev lint format bench loadtest install clean
REDIS_URL ?= redis://127.0.0.1:6379/0

# What running the site needs, and nothing more.
$(RUNTIME): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(RUNTIME)

# The test, lint and benchmark tools on top (pytest, Playwright, mypy, ...).
$(DEV): $(RUNTIME)
	$(PY) -m pip install --quiet --group dev
	touch $(DEV)

install: $(RUNTIME)
dev: $(DEV)

run: $(RUNTIME)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production-style serving: several gunicorn workers sharing the Redis booking store.
# Set DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL as for any deployment.
serve: $(RUNTIME)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	BOOKING_STORE_URL=$${BOOKING_STORE_URL:-$(REDIS_URL)} DJANGO_DEBUG=$${DJANGO_DEBUG:-0} \
		$(VENV)/bin/gunicorn bookmyshow.wsgi --config gunicorn.conf.py

test: $(DEV)
	$(PY) -m pytest

lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(DEV)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache

bench: $(DEV)
	$(PY) benchmarks/booking_bench.py
	$(PY) benchmarks/catalog_bench.py

# The flash sale at full size: 50 clients, 2,400 seats, at least 1,000 confirmations while
# the link to Redis stalls and recovers.
loadtest: $(DEV)
	$(PY) benchmarks/flash_sale.py --clients 50 --workers 4 --stall
