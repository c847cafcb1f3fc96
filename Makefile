# Ambassade: `make demo` to try it, `make test` to check it.
SHELL := /bin/bash
PORT ?= 8000
HOST ?= 127.0.0.1
# One web process per core, plus one: the redirector has one Python thread per process.
WORKERS ?= $(shell python3 -c "import os; print((os.cpu_count() or 1) + 1)")
# One Python thread per worker: measured best for the /r/ redirector's p99 (make bench).
GRANIAN_OPTIONS ?= --blocking-threads 1 --backpressure 128
VENV := .venv/bin
TOOLS := var/tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
export UV_PYTHON ?= 3.11
# Tracked short links are built on this address; override it behind a proxy.
export AMBASSADE_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: demo serve web test lint bench install messages clean

$(TOOLS)/bin/uv:
	@echo "uv not found: installing it from PyPI into $(TOOLS)/"
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

install: .venv/.synced

# A fresh demo: SQLite in var/, realistic French data, production server on $(PORT).
demo: install
	$(VENV)/ambassade migrate --noinput
	$(VENV)/ambassade seed_demo --if-empty
	$(MAKE) --no-print-directory serve

serve: install
	$(VENV)/ambassade migrate --noinput
	$(VENV)/ambassade collectstatic --noinput --verbosity 0
	@echo "Ambassade on http://$(HOST):$(PORT)/"
	@# Task worker + scheduler; they stop when make (hence the web server) stops.
	$(VENV)/ambassade background --parent-pid $$PPID &
	$(MAKE) --no-print-directory web

# The production web server alone, as `serve` runs it; `make bench` starts it this way too.
# The tracking redirector answers /r/ in front of Django (ambassade/tracking/fastpath.py).
web:
	$(VENV)/granian --interface wsgi --host $(HOST) --port $(PORT) --workers $(WORKERS) \
		$(GRANIAN_OPTIONS) --no-ws --log-level warning config.wsgi:application

lint: install
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy .

# Public lists of real crawler and browser user agents, for the bot-detection figures.
UA_LISTS := var/ua-lists/node_modules/crawler-user-agents/package.json
$(UA_LISTS):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-audit --no-fund --prefix var/ua-lists \
			crawler-user-agents@1.60.0 top-user-agents@2.1.138; \
	else echo "*** npm not found: the bot-detection figures on public lists will be SKIPPED. ***"; fi

test: lint $(UA_LISTS)
	$(VENV)/python -m tests.check_messages
	$(VENV)/pytest
	$(VENV)/python -m tests.on_postgres

bench: install
	$(VENV)/python -m bench

# Extract the strings to translate and compile the catalogues (needs GNU gettext).
messages: install
	$(VENV)/ambassade makemessages --locale fr --ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --ignore "bench/*" --no-obsolete
	$(VENV)/ambassade makemessages --domain djangojs --locale fr --ignore ".venv/*" --ignore "var/*" --no-obsolete
	$(VENV)/ambassade compilemessages --ignore ".venv/*"

clean:
	rm -rf .venv var/static .pytest_cache .mypy_cache .ruff_cache
