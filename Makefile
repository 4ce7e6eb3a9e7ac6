# make run  — install what is missing, migrate, load demo data, serve with worker and beat
# make test — ruff, migrations check, import contracts (lint-imports), the whole pytest suite
# make bench — search, then every page of issue 17, at scale in <db>_bench (public projection and private side,
#              both by COPY; about 30 min at 1,000,000 on 2 cores, 12 GB): DATABASE_URL required,
#              BENCH_FILINGS (1000000), BENCH_ARGS (bench/search.py's: --keep reuses both loaded sides)
# make bench-pages — every page at scale in <db>_pages_bench: DATABASE_URL required, BENCH_FILINGS (20000)
# make bench-worker — tasks a second a real worker drains (embedded broker, or Redis with REDIS_URL), BENCH_WORKER_ARGS
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Settings have DEBUG off unless it is set. These targets are the developer's (make run's gunicorn serves static files
# through whitenoise's finders only with DEBUG on): they run with DEBUG=1 unless the caller sets DEBUG.
export DEBUG ?= 1
PYTEST_ARGS ?=
BENCH_ARGS ?=
BENCH_WORKER_ARGS ?=

.PHONY: run test install system-packages lint migrate bench bench-pages bench-worker clean

install: system-packages $(VENV)/.installed

system-packages:
	@scripts/system-packages.sh

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py seed_demo
	@scripts/run.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

bench: install
	@test -n "$$DATABASE_URL" || { echo "make bench: set DATABASE_URL to a PostgreSQL server, e.g." \
		"DATABASE_URL=postgres://postgres@127.0.0.1:5432/beian make bench (it uses the database beian_bench)" >&2; exit 2; }
	$(BIN)/python bench/search.py $(BENCH_ARGS)
	$(BIN)/python bench/pages.py $${BENCH_FILINGS:-1000000} --after-search

# The portal's pages at scale (issue 17): BENCH_FILINGS (20000) filings, public and private side.
bench-pages: install
	@test -n "$$DATABASE_URL" || { echo "make bench-pages: set DATABASE_URL to a PostgreSQL server" \
		"(it uses the database <name>_pages_bench)" >&2; exit 2; }
	$(BIN)/python bench/pages.py $${BENCH_FILINGS:-20000} $(BENCH_ARGS)

# The worker (issue 13): tasks a second through a real worker, and its idle CPU.
bench-worker: install
	$(BIN)/python bench/worker_throughput.py $(BENCH_WORKER_ARGS)

clean:
	rm -rf var/ .pytest_cache
