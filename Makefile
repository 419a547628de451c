PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: test demo venv bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

venv: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

test: venv
	$(BIN)/python -m pytest -q -n 2 tests

demo: venv
	$(BIN)/python examples/linear_regression.py

bench: venv
	$(BIN)/python benchmarks/dispatch.py

clean:
	rm -rf $(VENV) build *.egg-info
