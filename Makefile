# newsflow: `make demo` sets everything up and ingests seeds/ into newsflow.db; `make test` runs
# the tests (on every core: pytest-xdist). Both need only Python 3.11+ and the package registry.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install demo test lint lock clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "newsflow needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/newsflow ingest seeds/
	$(BIN)/newsflow stats --top 12

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto

lint: install
	$(BIN)/ruff check .

# Re-pin requirements.lock after changing dependencies in pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--no-header -o requirements.lock

clean:
	rm -rf $(VENV) newsflow.db newsflow.db-wal newsflow.db-shm .pytest_cache .ruff_cache
