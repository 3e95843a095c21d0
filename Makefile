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

# The main job on the bundled demo: outputs and review.html land in demo-output/.
demo: setup
	$(BIN)/align run fixtures/demo/demo.txt fixtures/demo/demo.mp3 -o demo-output; test $$? -le 1

test: setup
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
