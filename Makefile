# qzgov — the two commands first: `make demo` and `make test`.
# Python 3.11, 3.12 or 3.13 (Django 5.2 supports them; so does every pinned dependency): the
# first of python3.11/3.12/3.13/python3 that actually runs (a pyenv shim may not).
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in python3.11 python3.12 python3.13 python3; do \
            $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' \
              >/dev/null 2>&1 && { command -v $$p; break; }; done)
endif
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
DEMO_SERVE ?= 1
HOST   ?= 127.0.0.1:8000
# gunicorn workers for `make serve-prod`: 2 × cores + 1 unless given.
WORKERS ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
BACKUP_DIR ?= var/backups

.PHONY: demo test lint bench install serve serve-prod backup restore clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" && $(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' \
	  || { echo "qzgov needs Python 3.11, 3.12 or 3.13 (set PYTHON=/path/to/python3.13)"; exit 1; }
	test -x $(BIN)/pip || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_gazette
	$(PY) manage.py seed_demo
ifeq ($(DEMO_SERVE),0)
	@echo "DEMO_SERVE=0: not serving. Start later with: make serve"
else
	$(MAKE) --no-print-directory serve
endif

serve: install
	@if [ -n "$$REDIS_URL" ]; then \
	  echo "REDIS_URL set: starting a Celery worker and beat beside the server"; \
	  $(BIN)/celery -A qzgov worker --beat --loglevel=info --concurrency=1 & \
	fi; \
	echo "Admin: http://$(HOST)/admin/"; \
	exec $(PY) manage.py runserver $(HOST)

# Production: gunicorn (WORKERS sync workers) with whitenoise serving the collected static
# files. Set DEBUG=0, SECRET_KEY, RESIDENT_ID_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL;
# run the Celery worker and (on one node only) beat beside it (README "Production").
serve-prod: install
	$(PY) manage.py collectstatic --noinput --verbosity 0
	exec $(BIN)/gunicorn qzgov.wsgi:application --bind $(HOST) --workers $(WORKERS) \
	  --timeout 300 --graceful-timeout 30 --max-requests 2000 --max-requests-jitter 200

# pg_dump (custom format) of DATABASE_URL with a SHA-256 sidecar; restore into an EMPTY
# database with `make restore FILE=… DATABASE_URL=…` (checks the sidecar first).
backup: install
	@$(PY) manage.py backup_database --dir $(BACKUP_DIR)

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/qzgov-….dump [DATABASE_URL=…]"; exit 2; }
	@$(PY) manage.py restore_database "$(FILE)"

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# locust (benchmarks/load.py) only for the benchmarks, not for every install.
bench: install
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache
