# Zhibiao 指标看板 — two commands on a fresh machine:
#   make dashboard   set up, then start the dashboard on the embedded default database
#   make test        set up, then run the whole test suite (unit, extraction keys, AppTest, browser)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: setup system dashboard test lint bench

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

# Debian packages the browser test needs (Chromium, CJK fonts); skipped when not root.
system:
	@bash scripts/system-packages.sh

dashboard: setup
	$(BIN)/streamlit run dashboard/app.py --server.port $(PORT)

test: setup system
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/dashboard.py
