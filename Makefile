# Two entry points for a fresh machine; each does its own set-up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test quick lint coverage setup clean

$(BIN)/align: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(BIN)/align

# The main job on the bundled demo: outputs and review.html land in demo-output/.
# Exit 1 means "the audit found errors" (fine for the demo); 130/143 (interrupted) and 2 fail.
demo: setup
	$(BIN)/align run fixtures/demo/demo.txt fixtures/demo/demo.mp3 -o demo-output; test $$? -le 1

# Every test; the static gates first.
test: setup lint
	$(BIN)/pytest -q

# The tests that take no real alignment, subprocess or browser: a few seconds.
quick: setup
	$(BIN)/pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check align_transcripts tests bench fixtures
	$(BIN)/mypy

# Coverage of the whole suite, the command-line runs in subprocesses included.
coverage: setup
	rm -f .coverage .coverage.*
	$(BIN)/coverage run -m pytest -q
	$(BIN)/coverage combine -q
	$(BIN)/coverage report --skip-covered --sort=cover

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache .coverage .coverage.*
