# Two commands do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dev]' 2>&1 | { grep -v "is ignored" || true; }
	$(BIN)/python -c "import powerbalance" # fail here, not later, if the install failed
	touch $(STAMP)

venv: $(STAMP)

## The main job: the Warring States experiment, 合縱 (the six balance against Qin) versus
## 連橫 (they bandwagon with Qin or pass the buck), then 1,000 worlds of 連橫 with the table
## of who unified, when, and the polarity at the end, and the picture of world 0.
## --force: a second `make run` replaces its own earlier results (never anything else).
run: $(STAMP)
	$(BIN)/powerbalance experiment warring-states --worlds 1000 --seed 2026 \
		--out results/warring-states-experiment --force
	$(BIN)/powerbalance run warring-states-horizontal-alliance --worlds 1000 --years 300 \
		--seed 2026 --out results/warring-states --plot results/warring-states.png --force

## The web lab on http://127.0.0.1:8000/ (make serve DATA=DIR adds the History page).
.PHONY: serve
serve: $(STAMP)
	$(BIN)/powerbalance serve $(if $(DATA),--data $(DATA))

## The whole test suite.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

## Benchmarks (not part of CI): throughput figures as ratios of one run.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src/powerbalance

clean:
	rm -rf $(VENV) results .pytest_cache
