# The project's commands (see README). `make setup` is idempotent and fast when nothing is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup build serve test lint check bench clean zensical zensical-if-possible

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
	@$(MAKE) --no-print-directory zensical-if-possible

# The path off Material: the site generated for Zensical (pinned, in its own venv), built, its
# internal links checked and its output scanned for personal numbers.
ZENSICAL_VERSION := 0.0.73
ZVENV := .venv-zensical
ZOUT := test-output/zensical

$(ZVENV)/.installed-$(ZENSICAL_VERSION):
	@test -x $(ZVENV)/bin/python || $(PYTHON) -m venv $(ZVENV)
	$(ZVENV)/bin/pip install --quiet --disable-pip-version-check zensical==$(ZENSICAL_VERSION)
	@touch $@

zensical: setup $(ZVENV)/.installed-$(ZENSICAL_VERSION)
	rm -rf $(ZOUT)
	$(BIN)/volunteers generate --for zensical --out $(ZOUT)
	cd $(ZOUT) && $(CURDIR)/$(ZVENV)/bin/zensical build
	$(BIN)/python tools/linkcheck.py $(ZOUT)/site
	$(BIN)/volunteers scan $(ZOUT)/site

# Run by `make test`: skipped, with a note, only where Zensical cannot be installed.
zensical-if-possible: setup
	@if $(MAKE) --no-print-directory $(ZVENV)/.installed-$(ZENSICAL_VERSION) >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory zensical; \
	else echo "zensical $(ZENSICAL_VERSION) 无法安装：跳过 Zensical 构建检查"; fi

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf site .cache test-output $(ZVENV)
