# careerbot: `make run` to chat with the bot, `make test` to check everything. `make help` lists the targets.
# Every target builds what it needs first (virtual environment, knowledge base, spaCy model, trained model),
# and only what changed since the last time.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3.10
VENV ?= .venv
BIN := $(VENV)/bin
RASA_PORT ?= 5005
WEB_PORT ?= 8080
ACTIONS_PORT ?= 5055
# endpoints.yml reads ACTIONS_PORT, so every Rasa command must see it.
export ACTIONS_PORT
export RASA_PORT
export BIN
# The action server imports bot.actions from the repository root.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))
# The bot runs offline: no usage reports to Rasa (override with RASA_TELEMETRY_ENABLED=true).
export RASA_TELEMETRY_ENABLED ?= false

STAMP := $(VENV)/.requirements-installed
WEB_DEPS := web/node_modules/.package-lock.json
MODEL := var/models/careerbot.tar.gz
SPACY_MODEL := var/spacy_model/meta.json
KB_DATA := $(wildcard knowledge/data/*.yml knowledge/data/onet/*.tsv)
KB_CODE := $(wildcard knowledge/*.py)
# Facts the bot looks up at run time (the FAQ, BLS and O*NET figures, their evidence) never change what the NLU
# learns: editing them reloads the knowledge base, and the running bot answers from it without retraining.
RUNTIME_ONLY_DATA := knowledge/data/faq.yml knowledge/data/bls_ooh.yml knowledge/data/career_facts.yml \
  knowledge/data/onet_mapping.yml $(wildcard knowledge/data/onet/*.tsv)
TRAIN_INPUTS := config.yml bot/domain.yml $(wildcard bot/data/*.yml) $(filter-out $(RUNTIME_ONLY_DATA),$(KB_DATA)) \
  bot/spacy_model.py $(wildcard bot/nlu/*.py)
# With the default SQLite database the database file itself is the target; with CAREERBOT_DB_URL set
# (e.g. PostgreSQL) a stamp file records the last load.
ifdef CAREERBOT_DB_URL
KB_TARGET := var/.kb-loaded
else
KB_TARGET := var/careerbot.db
endif

.PHONY: help venv setup kb nlu-model train web-deps browser-deps services actions run serve web validate lint unit test scale-test bench insights clean

help: ## list the targets
	@echo "careerbot: an engineering-management career mentor chatbot."
	@echo "Quick start: 'make run' to chat, 'make test' to run every test. Targets:"
	@grep -E '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) \
	  | awk 'BEGIN {FS = ":.*## "} {printf "  make %-13s %s\n", $$1, $$2}'
	@echo "Settings: RASA_PORT=$(RASA_PORT) ACTIONS_PORT=$(ACTIONS_PORT) PYTHON=$(PYTHON)" \
	  "CAREERBOT_DB_URL=$${CAREERBOT_DB_URL:-sqlite var/careerbot.db}"

# ------------------------------------------------------------------ setup
venv: $(STAMP) ## create .venv (Python 3.10) and install requirements when they changed

$(BIN)/python:
	@echo "==> [venv] Creating $(VENV) with $(PYTHON)"
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null || { \
	  echo "error: [venv] '$(PYTHON)' is not a working Python 3.10."; \
	  echo "  Fix: install Python 3.10 (e.g. 'pyenv install 3.10.13'), or pass its path: make PYTHON=/path/to/python3.10 ..."; \
	  exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "error: [venv] 'python -m venv' failed."; \
	  echo "  Fix: install the venv module of Python 3.10 (Debian: python3.10-venv), then run make venv again."; \
	  exit 1; }

$(STAMP): requirements.txt requirements.lock | $(BIN)/python
	@echo "==> [venv] Installing requirements into $(VENV) (the first time takes a few minutes)"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --progress-bar off \
	    -r requirements.txt -c requirements.lock || { \
	  echo "error: [venv] 'pip install -r requirements.txt -c requirements.lock' failed (see pip's message above)."; \
	  echo "  Fix: check that PyPI is reachable and that requirements.txt agrees with requirements.lock,"; \
	  echo "  then run make venv again. To start from scratch: rm -rf $(VENV) && make venv"; \
	  exit 1; }
	@touch $@
	@echo "==> [venv] Ready: $$($(BIN)/rasa --version 2>/dev/null | grep -m1 'Rasa Version' | tr -s ' ')"

setup: venv kb nlu-model ## venv + knowledge base + spaCy model

kb: $(KB_TARGET) ## load knowledge/data/*.yml into the database (when the data changed)

$(KB_TARGET): $(KB_DATA) $(KB_CODE) | $(STAMP)
	@echo "==> [kb] Loading knowledge/data into the database"
	@mkdir -p var
	@$(BIN)/python -m knowledge load || { \
	  echo "error: [kb] loading the knowledge base failed."; \
	  echo "  Fix: the messages above name the file, entry and field to correct in knowledge/data;"; \
	  echo "  '.venv/bin/python -m knowledge check' re-checks the files. Check CAREERBOT_DB_URL if it is set."; \
	  exit 1; }
	@touch $@

nlu-model: $(SPACY_MODEL) ## build var/spacy_model, the entity recogniser made from the knowledge base

$(SPACY_MODEL): $(KB_TARGET) bot/spacy_model.py | $(STAMP)
	@echo "==> [nlu-model] Building var/spacy_model from the knowledge base's names and aliases"
	@$(BIN)/python -m bot.spacy_model || { \
	  echo "error: [nlu-model] building the spaCy model failed. Fix: run make kb first, then make nlu-model."; \
	  exit 1; }
	@touch $@

train: $(MODEL) ## train var/models/careerbot.tar.gz (only when the training inputs changed)

$(MODEL): $(TRAIN_INPUTS) | $(SPACY_MODEL) $(STAMP)
	@echo "==> [train] Training the Rasa model ($(if $(wildcard $@),changed: $(notdir $?),no model yet))"
	@$(BIN)/rasa train --config config.yml --domain bot/domain.yml --data bot/data \
	    --out var/models --fixed-model-name careerbot || { \
	  echo "error: [train] 'rasa train' failed."; \
	  echo "  Fix: 'make validate' points at problems in bot/domain.yml and bot/data; then run make train again."; \
	  exit 1; }
	@test -f $@ || { echo "error: [train] rasa train did not write $@"; exit 1; }
	@touch $@

web-deps: $(WEB_DEPS) ## install the web widget's JavaScript dependencies (npm ci in web/)

$(WEB_DEPS): web/package.json web/package-lock.json
	@echo "==> [web-deps] Installing web/node_modules (npm ci)"
	@command -v npm >/dev/null || { \
	  echo "error: [web-deps] npm not found. Fix: install Node.js and npm (Debian: apt-get install nodejs npm)."; \
	  exit 1; }
	@cd web && npm ci --no-audit --no-fund --loglevel=error || { \
	  echo "error: [web-deps] 'npm ci' in web/ failed (see npm's message above)."; \
	  echo "  Fix: check that the npm registry is reachable and web/package-lock.json is current, then make web-deps."; \
	  exit 1; }
	@touch $@

browser-deps: $(WEB_DEPS) | $(STAMP) ## install Chromium (Debian package) for the widget's browser tests when missing
	@if command -v chromium >/dev/null; then echo "==> [browser-deps] $$(chromium --version 2>/dev/null)"; else \
	  echo "==> [browser-deps] Installing Chromium with apt-get"; \
	  $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq chromium >/dev/null || { \
	  echo "error: [browser-deps] installing Chromium failed. Fix: apt-get install chromium (as root), then make browser-deps."; \
	  exit 1; }; fi
	@$(BIN)/python -c "import playwright" 2>/dev/null || { \
	  echo "error: [browser-deps] Playwright is missing from $(VENV). Fix: make venv (requirements.txt pins it)."; exit 1; }

services: ## install PostgreSQL and Redis (Debian packages) when missing; the reliability tests start them
	@bash scripts/services/install.sh postgres redis

# ------------------------------------------------------------------ running
actions: setup ## run the action server in the foreground (port ACTIONS_PORT)
	$(BIN)/rasa run actions --actions bot.actions --port $(ACTIONS_PORT)

run: setup $(MODEL) ## chat in the terminal (action server in the background, stopped on exit)
	@bash scripts/with_actions.sh $(BIN)/python -m bot.shell --model $(MODEL) --endpoints endpoints.yml -p $(RASA_PORT)

serve: setup $(MODEL) ## serve REST + socket.io on 127.0.0.1:RASA_PORT with the action server; Ctrl-C stops both
	@set -f; bash scripts/with_actions.sh $(BIN)/python -m bot.server run --model $(MODEL) --endpoints endpoints.yml \
	    --credentials credentials.yml -i 127.0.0.1 -p $(RASA_PORT) --cors $$(echo "$${CAREERBOT_ALLOWED_ORIGINS:-http://127.0.0.1:$(WEB_PORT)}" | tr ',' ' ')

web: $(WEB_DEPS) | $(STAMP) ## serve web/ (demo page + chat widget) on 127.0.0.1:WEB_PORT; run make serve beside it
	@echo "==> [web] Demo page: http://127.0.0.1:$(WEB_PORT)/ (its widget talks to make serve on http://127.0.0.1:$(RASA_PORT))"
	@$(BIN)/python web/serve.py --host 127.0.0.1 --port $(WEB_PORT) --server-url http://127.0.0.1:$(RASA_PORT)

insights: | $(STAMP) ## report for bot authors: var/insights/index.html from the tracker store (SINCE=30d, OUT=dir)
	$(BIN)/python -m bot.insights --since $(or $(SINCE),30d)$(if $(OUT), --out $(OUT))

# ------------------------------------------------------------------ checks
validate: | $(STAMP) ## check bot/domain.yml and bot/data for inconsistencies
	$(BIN)/rasa data validate --config config.yml --domain bot/domain.yml --data bot/data

lint: | $(STAMP) ## ruff over knowledge, bot, tests and scripts
	$(BIN)/ruff check knowledge bot tests scripts

unit: kb ## only the fast tests: no server, no Rasa model loaded (pytest -m "not e2e" over every core); under a minute
	@echo "==> [unit] pytest -m 'not e2e' (knowledge, rendering, actions, plugins: no server is started)"
	$(BIN)/pytest -m "not e2e" -n auto

scale-test: setup $(MODEL) services ## reliability: restart, faults, fuzzing, 2 Rasa servers on PostgreSQL + Redis
	$(BIN)/pytest tests/reliability

bench: setup $(MODEL) ## benchmark careerbot against Rasa's default pipeline side by side; writes bench/RESULTS.md
	$(BIN)/python -m bench.run

test: lint validate setup $(MODEL) $(WEB_DEPS) browser-deps services ## lint, validate, build, then run every test (unit, end-to-end, dialogue, NLU gate)
	@echo "==> [test] pytest (unit tests, end-to-end tests over the real servers, rasa test core/nlu)"
	$(BIN)/pytest

clean: ## remove var/ (knowledge DB, spaCy model, trained models, conversations, logs) and caches; keeps .venv
	rm -rf var .rasa results models .pytest_cache .ruff_cache
