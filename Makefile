# xinfang — the two commands of the README are `make run` and `make test`; the rest is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit contract service e2e routing-eval asyncapi bench clean

# Install once; again only when pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

## run: the four services on SQLite with the sql transport (data in $XINFANG_DATA_DIR, default ./var)
run: $(STAMP)
	$(BIN)/xinfang run

## test: lint, import contracts, and every test tier (unit, contract, service, end-to-end)
test: $(STAMP) lint
	$(BIN)/python -m pytest -q -p no:cacheprovider --durations=15

lint: $(STAMP)
	$(BIN)/ruff check shared services tests
	$(BIN)/lint-imports
	$(BIN)/python -m shared.events.asyncapi --check docs/asyncapi.yaml

typecheck: $(STAMP)
	$(BIN)/mypy shared services/intake/domain services/routing/domain services/supervision/domain

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit
contract: $(STAMP)
	$(BIN)/python -m pytest -q tests/contract
service: $(STAMP)
	$(BIN)/python -m pytest -q tests/service
e2e: $(STAMP)
	$(BIN)/python -m pytest -q tests/e2e

## routing-eval: accuracy of the router on a labelled set (default: ../shared/data/petitions-dev.jsonl)
routing-eval: $(STAMP)
	$(BIN)/python -m services.routing.eval $(EVAL_SET)

## bench: measure the router and the whole flow on both stacks; appends to docs/benchmarks.md
bench: $(STAMP)
	$(BIN)/python -m tests.bench.run --write docs/benchmarks.md

## asyncapi: regenerate docs/asyncapi.yaml from the event catalogue
asyncapi: $(STAMP)
	$(BIN)/python -m shared.events.asyncapi --write docs/asyncapi.yaml

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
