# Zhibiao 指标看板 — two commands on a fresh machine:
#   make dashboard   set up, then start the dashboard on the embedded default database
#   make test        set up, then run the whole test suite (unit, extraction keys, AppTest, browser),
#                    in parallel on both cores but for the timing-sensitive tests (see the target)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: setup system dashboard test lint bench screenshots browser-soak quality

$(BIN)/python:
	$(PY) -m venv $(VENV)

# requirements, then Zhibiao itself (editable) so that .venv/bin/zhibiao works from any directory
$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

setup: $(VENV)/.installed

# Debian packages the browser test needs (Chromium, CJK fonts); skipped when not root.
system:
	@bash scripts/system-packages.sh

# runs in the foreground (Ctrl-C stops it); loopback only
dashboard: setup
	@bash scripts/system-packages.sh runtime
	$(BIN)/zhibiao dashboard --port $(PORT)

# two passes. The suite on both cores (pytest-xdist: a process per worker, each with its own PostgreSQL
# server; --dist loadscope keeps each module on one worker, so its module fixtures are made once), then,
# alone, the tests marked serial or browser: they kill processes, hold locks, start servers on a port
# picked beforehand or measure time, so they run as they always did, on a machine the suite does not load
WORKERS ?= 2
test: setup system
	$(BIN)/python -m pytest -q -n $(WORKERS) --dist loadscope -m "not (serial or browser)"
	$(BIN)/python -m pytest -q -m "serial or browser"

# the habits CI keeps: ruff lint and format, and the type checker (configured in pyproject.toml)
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# the README's screenshots: the browser test, saving its pictures into docs/screenshots/
screenshots: setup system
	ZHIBIAO_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/test_browser.py

# the browser tests N times in a row beside a CPU burner (issue #11's stability check)
browser-soak: setup system
	$(BIN)/python scripts/browser_soak.py $(or $(N),10)

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/dashboard.py

# P/R/F1 per document, method and measure on ../shared, and the numbers nothing explains
quality: setup
	$(BIN)/python bench/quality.py
