# Everything a newcomer needs: `make run` serves the site, `make test` runs the suite.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint format bench loadtest install clean
REDIS_URL ?= redis://127.0.0.1:6379/0

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e . --group dev
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production-style serving: several gunicorn workers sharing the Redis booking store.
# Set DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL as for any deployment.
serve: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	BOOKING_STORE_URL=$${BOOKING_STORE_URL:-$(REDIS_URL)} DJANGO_DEBUG=$${DJANGO_DEBUG:-0} \
		$(VENV)/bin/gunicorn bookmyshow.wsgi --config gunicorn.conf.py

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

bench: $(STAMP)
	$(PY) benchmarks/booking_bench.py

# The flash sale at five times the size CI runs.
loadtest: $(STAMP)
	$(PY) benchmarks/flash_sale.py --attempts 10000 --clients 100 --workers 4
