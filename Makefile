# The README's two commands: `make demo` (the main job on embedded defaults) and `make test`.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_BATCH ?= demo
DEMO_COUNT ?= 12

# Airflow lives under ./var too, on SQLite, with our dags folder and no examples.
export AIRFLOW_HOME ?= $(CURDIR)/var/airflow
export AIRFLOW__CORE__DAGS_FOLDER ?= $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES ?= False
export AIRFLOW__LOGGING__LOGGING_LEVEL ?= WARNING

.PHONY: setup demo test lint format bench clean

setup:
	@bash scripts/setup.sh

## demo: generate a sample batch, run it through the Airflow DAG `digitize_batch`, print the report
demo: setup
	@mkdir -p var
	$(BIN)/sohoa samples var/inbox/$(DEMO_BATCH) --count $(DEMO_COUNT) --seed 7 --noise light
	$(BIN)/sohoa db upgrade
	@$(BIN)/airflow db migrate > var/airflow-migrate.log 2>&1 || (tail -n 40 var/airflow-migrate.log; exit 1)
	@echo "airflow dags test digitize_batch (log: var/airflow-$(DEMO_BATCH).log) ..."
	@bash scripts/airflow_dags_test.sh digitize_batch \
	  '{"source": "$(CURDIR)/var/inbox/$(DEMO_BATCH)", "batch": "$(DEMO_BATCH)"}' var/airflow-$(DEMO_BATCH).log
	$(BIN)/sohoa report $(DEMO_BATCH)

## test: lint, format check, the whole test suite
test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint:
	$(BIN)/ruff check .
format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var test-artifacts
