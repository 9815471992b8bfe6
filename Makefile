# The two commands a new user needs:  `make crawl`  and  `make test`.
# Everything else here is a building block of those two, or a tool for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FERRETDB := .tools/bin/ferretdb
CRAWL_ARGS ?=
PYTEST_ARGS ?=

.PHONY: setup crawl test lint typecheck pytest browser eval bench check-fixtures clean

setup: $(STAMP) $(FERRETDB)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

$(FERRETDB): scripts/install-ferretdb.sh
	bash scripts/install-ferretdb.sh

## The main job: a crawl of the live site into the embedded store (or MONGODB_URI).
crawl: setup
	$(BIN)/atnews crawl $(CRAWL_ARGS)

## The whole offline test suite, with lint, format and type checks.
test: setup lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: setup browser
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
	rm -rf $(VENV) .tools var .pytest_cache .mypy_cache .ruff_cache
