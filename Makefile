# qzgov — the two commands first: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
DEMO_SERVE ?= 1
HOST   ?= 127.0.0.1:8000

.PHONY: demo test lint bench install serve clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" && $(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
	  || { echo "qzgov needs Python 3.11 (set PYTHON=/path/to/python3.11)"; exit 1; }
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

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

bench: install
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache
