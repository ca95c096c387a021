# kofu — `make up` runs the whole system with demo data; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: up test lint bench deps venv clean

up: deps venv
	$(BIN)/kofu up

test: deps venv lint
	KOFU_TEST_POSTGRES_URL=$$(scripts/test-services) $(BIN)/pytest

lint: venv
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

bench: venv
	$(BIN)/kofu bench --kiosks 8 --seconds 20

deps:
	@scripts/system-deps

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf var test-artifacts
