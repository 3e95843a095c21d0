# Two entry points for a fresh machine; each does its own set-up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test setup clean

$(BIN)/align: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(BIN)/align

# The main job on the bundled demo.
demo: setup
	$(BIN)/align check fixtures/transcripts/quirks.txt; test $$? -le 1

test: setup
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
