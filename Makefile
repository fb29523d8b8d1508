# selfcare: the two commands are `make run` and `make test`; everything else is what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test venv peers lint typecheck unit catalogs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# Compiled gettext catalogs (.mo) are built from the committed .po files.
catalogs: venv
	@if [ -d translations/locale ]; then $(BIN)/pybabel compile -q -d translations/locale -D messages; fi

peers:
	./scripts/ensure-peers.sh

run: venv catalogs
	$(BIN)/selfcare demo-seed
	$(BIN)/selfcare serve

lint: venv
	$(BIN)/ruff check .

typecheck: venv
	$(BIN)/mypy

test: venv catalogs peers lint typecheck
	$(BIN)/pytest

bench: venv catalogs
	$(BIN)/python bench/ledger.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache var
