# parindex — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint format serve clean messages

install: $(STAMP)

# Re-install only when the pinned requirements or the package metadata change.
$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Fresh demo database (var/parindex.sqlite3) with Gia Lai 2021–2022, then serve on :8000 with
# the background worker beside the server (stopped when the server stops).
demo: install
	$(BIN)/parindex migrate --noinput
	$(BIN)/parindex demo
	$(BIN)/parindex worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/parindex runserver 127.0.0.1:8000

test: install
	$(BIN)/ruff check src tests bench
	$(BIN)/parindex makemigrations --check --dry-run
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests bench

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# Rebuild the compiled translation catalogue after editing locale/vi/LC_MESSAGES/django.po.
messages: install
	cd src/parindex && ../../$(BIN)/parindex compilemessages --locale vi

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
