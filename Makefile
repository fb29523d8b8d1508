# selfcare: the two commands are `make run` and `make test`; everything else is what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test venv peers lint typecheck catalogs extract bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# Compiled gettext catalogs (.mo) are built from the committed .po files (the runtime would
# compile a missing or stale one in memory; building them here makes start-up cheaper).
catalogs: venv
	$(BIN)/pybabel compile -d translations/locale -D messages

# After changing a template or a translatable string: refresh the template catalog and the
# per-language .po files, then translate the new entries and commit them.
extract: venv
	$(BIN)/pybabel extract -F babel.cfg --sort-by-file --no-wrap --omit-header \
	  --add-comments=Translators: -o translations/locale/messages.pot .
	$(BIN)/pybabel update -i translations/locale/messages.pot -d translations/locale \
	  -D messages --no-wrap --ignore-obsolete --no-fuzzy-matching

# The real peers of the tests (redis-server, the npm SMSC, Debian's chromium for tests/browser):
# only `make test` needs them, so `make run` never installs a browser.
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
