# The project's commands (see README). `make setup` is idempotent and fast when nothing is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup build serve test lint check bench clean

setup: $(STAMP)
	@.ci/setup-system.sh

$(STAMP): pyproject.toml .ci/constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c .ci/constraints.txt -e '.[test]'
	@touch $(STAMP)

build: setup
	$(BIN)/mkdocs build --strict --site-dir site

serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

check: setup
	$(BIN)/volunteers check

# zizmor audits the workflows and dependabot.yml offline (no network needed), failing on any
# finding above informational.
lint: setup
	$(BIN)/ruff check generator intake tests bench tools
	$(BIN)/ruff format --check generator intake tests bench tools
	$(BIN)/mypy
	$(BIN)/zizmor --offline --no-progress --min-severity low .github

test: setup lint
	$(BIN)/volunteers check
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf site .cache test-output
