# g287 — two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install run setup worker test test-slow bench browser-deps system-deps clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

# The project's own modules compiled once, as pip compiles the libraries it installs: where the environment sets
# PYTHONDONTWRITEBYTECODE, every command would otherwise compile them again at its start (a third of a second).
install: system-deps $(STAMP)
	@$(BIN)/python -m compileall -q src

# Debian's Pango (WeasyPrint draws the annual report's PDF with it), a font, wrk (the API benchmark's
# load client) and Tesseract with its English data (OCR of scanned MOAs); skipped when present.
system-deps:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && fc-list | grep -q . && command -v wrk >/dev/null \
	   && command -v tesseract >/dev/null; } || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core wrk tesseract-ocr tesseract-ocr-eng >/dev/null; }

# Prepare the embedded database with the real data (idempotent), then serve.
setup: install
	$(BIN)/g287 migrate --no-input
	$(BIN)/g287 setup
	$(BIN)/g287 moa ocr

run: setup
	$(BIN)/g287 runserver $(HOST):$(PORT)

# The task queue (Redis at G287_REDIS_URL): a worker for every queue (the deadline check, large CSV uploads, the
# OCR of scanned MOA pages, what changed) and rq's schedulers that enqueue the deadline check (operations) and the
# fetch of ICE's lists, the alert digests and the open-data bundle (changes).
worker: install
	$(BIN)/g287 rqworker deadlines uploads moa changes & $(BIN)/g287 rqcron g287.changes.cron & $(BIN)/g287 rqcron g287.operations.cron

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

# The whole default suite on SQLite, then on PostgreSQL when DATABASE_URL points to it.
test: install browser-deps
	env -u DATABASE_URL $(BIN)/pytest -m "not slow" -n 2 --dist loadfile
	@case "$${DATABASE_URL:-}" in postgres*) \
	  echo "== PostgreSQL: $${DATABASE_URL}"; $(BIN)/pytest -m "not slow and not browser" -n 2 --dist loadfile ;; esac

# The slower suites (property-based runs over many examples, full benchmarks as tests).
test-slow: install
	$(BIN)/pytest -m slow -n 2 --dist loadfile; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ]

bench: install
	@for b in bench/*_bench.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache
	find src tests bench -name __pycache__ -type d -prune -exec rm -rf {} +
