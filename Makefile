PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: test test-slow test-all demo venv bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

venv: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

# The default run skips tests marked `slow` (heavy oracle sweeps); CI runs those too.
test: venv
	$(BIN)/python -m pytest -q -n 2 -m "not slow" tests

test-slow: venv
	$(BIN)/python -m pytest -q -n 2 -m slow tests

test-all: venv
	$(BIN)/python -m pytest -q -n 2 tests

demo: venv
	$(BIN)/python examples/linear_regression.py

bench: venv
	$(BIN)/python benchmarks/dispatch.py

clean:
	rm -rf $(VENV) build *.egg-info
