# The two commands a new user needs:  `make crawl`  and  `make test`.
# Everything else here is a building block of those two, or a tool for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FERRETDB := .tools/bin/ferretdb
CRAWL_ARGS ?=
PYTEST_ARGS ?=

.PHONY: setup redis browser crawl demo test lint typecheck pytest eval bench check-fixtures clean

setup: $(STAMP) $(FERRETDB)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,analysis]'
	@touch $(STAMP)

$(FERRETDB): scripts/install-ferretdb.sh
	bash scripts/install-ferretdb.sh

## Debian's redis-server for the distributed crawl tests (as root; nothing to do once it is
## there). Its system service plays no part: tests and `atnews redis start` run a private
## server on a unix socket (no TCP port), so one started by the package does not matter.
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q redis-server >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q redis-server >/dev/null 2>&1; } || \
	    echo "make redis: could not install redis-server: the distributed crawl tests are skipped"; \
	  else \
	    echo "make redis: no redis-server (as root: apt-get install redis-server): the distributed crawl tests are skipped"; \
	  fi; }

## The main job: a crawl of the live site into the embedded store (or MONGODB_URI).
crawl: setup
	$(BIN)/atnews crawl $(CRAWL_ARGS)

## The pipeline at work without the live site: the bundled snapshot, served by `atnews replay`,
## crawled into a separate demo archive (.demo/); prints what to try next.
demo: setup
	ATNEWS=$(BIN)/atnews bash scripts/demo.sh

## The whole offline test suite, with lint, format and type checks.
test: setup lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: setup redis browser
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

## Debian's chromium for the browser tests of `atnews browse` (tests/test_browse.py): installed
## with apt-get when missing and run as root; otherwise those tests skip, saying why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium is not installed (needs root and apt-get): browser tests will skip"; fi; }

## Extraction quality gate: per-field accuracy and body F1 against pinned minimums.
eval: setup
	$(BIN)/python -m benchmarks.eval_extraction

## Benchmarks, each printed as a ratio against its named peer measured in the same run.
bench: setup
	$(BIN)/python -m benchmarks.run

## Re-extract every saved page and diff it against its expected record.
check-fixtures: setup
	$(BIN)/atnews fixtures check

clean:
	rm -rf $(VENV) .tools var .demo .pytest_cache .mypy_cache .ruff_cache
