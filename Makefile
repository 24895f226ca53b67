# trackrecord: `make demo` to see it work, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The demo keeps its own warehouse in demo-warehouse/, whatever TRACKRECORD_DB says.
DEMO := $(BIN)/trackrecord --config config.toml --db demo-warehouse/trackrecord.duckdb

demo: setup
	rm -rf demo-warehouse
	$(DEMO) init
	$(DEMO) ingest sample/
	$(DEMO) run --as-of 2025-06-01
	@echo
	$(DEMO) report --min-claims 15 --top 25
	@echo
	$(DEMO) explain "Palestinian official @ Times of Israel"
	@echo
	$(DEMO) alias suggest --threshold 85

test: setup
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/liar.py

clean:
	rm -rf $(VENV) demo-warehouse
