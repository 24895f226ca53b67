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

demo: setup
	$(BIN)/python -m jobs.demo

test: setup
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/liar.py

clean:
	rm -rf $(VENV) demo-warehouse
