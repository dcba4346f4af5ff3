# Essaim — the Makefile is the interface. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PYENV_ROOT ?= $(HOME)/.pyenv
# The newest Python 3.13 or 3.12: on PATH first, then under pyenv.
BOOT_PYTHON ?= $(shell for p in $$(command -v python3.13 python3.12) \
	$$(ls -d $(PYENV_ROOT)/versions/3.13* $(PYENV_ROOT)/versions/3.12* 2>/dev/null | sort -rV | sed 's|$$|/bin/python|'); do \
	"$$p" -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null && { echo "$$p"; exit; }; done)
# Python packages come from uv.lock, installed by uv (pinned here, bootstrapped with pip): two installs
# a month apart run the same code. `make lock` refreshes the lock after pyproject.toml changes.
UV_VERSION := 0.13.8
UV := $(VENV)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON_DOWNLOADS := never
export ESSAIM_BIND ?= 127.0.0.1:8000
export ESSAIM_DATA_DIR ?= $(CURDIR)/var
PYTEST_ARGS ?=

.PHONY: help setup setup-dev lock upgrade run dev serve test test-sqlite test-postgres lint fmt mutation messages bench browsers ldap-headers clean

help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.created:
	@test -n "$(BOOT_PYTHON)" || { echo "Essaim needs Python 3.13 or 3.12 (on PATH or under pyenv)."; exit 1; }
	$(BOOT_PYTHON) -m venv $(VENV)
	@touch $@

$(UV): $(VENV)/.created
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# python-ldap (django-auth-ldap's: sign-in with the company's LDAP directory, essaim/ldap) has no wheel for Linux:
# it compiles against OpenLDAP's and Cyrus SASL's headers, Debian's libldap2-dev and libsasl2-dev.
ldap-headers:
	@if [ ! -f /usr/include/ldap.h ] || [ ! -f /usr/include/sasl/sasl.h ]; then \
		if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libldap2-dev libsasl2-dev) >/dev/null; \
		else echo "python-ldap compiles against OpenLDAP's headers: sudo apt-get install libldap2-dev libsasl2-dev"; exit 1; fi; fi

# --locked: stop if pyproject.toml changed without `make lock`; --inexact: keep uv itself and the dev tools.
$(VENV)/.runtime: pyproject.toml uv.lock $(UV) | ldap-headers
	$(UV) sync --quiet --locked --inexact
	@touch $@

$(VENV)/.dev: pyproject.toml uv.lock $(VENV)/.runtime
	$(UV) sync --quiet --locked --inexact --extra dev
	@touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.runtime node_modules/.installed ## Create the virtual environment and install dependencies

setup-dev: setup $(VENV)/.dev

lock: $(UV) ## Resolve pyproject.toml's dependencies again into uv.lock (newest allowed releases); commit the result
	$(UV) lock --upgrade

upgrade: ## Upgrade this installation: backup, pull, install from the lock, migrate, collect static files (then restart the services)
	$(PY) manage.py backup
	git pull --ff-only
	$(MAKE) setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@echo "Upgraded. Restart Essaim's services now (systemctl restart essaim.target; docs/deploy.md)."

run: setup ## Install, migrate, load demo data if the database is new, and serve on $ESSAIM_BIND (production mode)
	@$(PY) manage.py migrate --no-input --verbosity 0
	@$(PY) manage.py demo_data --if-empty
	@$(PY) manage.py serve --bind $(ESSAIM_BIND)

dev: setup ## The same with Django's development server: autoreload, debug pages, a line per request and task
	@$(PY) manage.py migrate --no-input --verbosity 0
	@$(PY) manage.py demo_data --if-empty
	@$(PY) manage.py serve --dev --bind $(ESSAIM_BIND)

browsers: ## Install Debian's Chromium, an emoji font, nginx, xmlsec1 (the SAML identity provider) and OpenLDAP's slapd for the tests (root only; never a downloaded browser)
	@if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/bin/xmlsec1 ] || [ ! -x /usr/sbin/slapd ]; then \
		if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji nginx xmlsec1 slapd ldap-utils) >/dev/null; \
		else echo "Browser tests need /usr/bin/chromium (and fonts-noto-color-emoji for the screenshots), the nginx site's test nginx, the SAML tests xmlsec1, the LDAP tests slapd: sudo apt-get install chromium fonts-noto-color-emoji nginx xmlsec1 slapd ldap-utils"; fi; fi

lint: setup-dev ## ruff, ruff format --check, mypy, import contracts, migrations check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	ESSAIM_DATA_DIR=$$(mktemp -d) $(PY) manage.py makemigrations --check --dry-run

fmt: setup-dev ## Format and auto-fix
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: setup-dev browsers lint test-sqlite test-postgres ## Install what tests need, lint, run the suite on SQLite and on PostgreSQL

test-sqlite: setup-dev
	ESSAIM_DATABASE_URL= $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: setup-dev
	@if [ -n "$$ESSAIM_TEST_POSTGRES_URL" ]; then \
		ESSAIM_DATABASE_URL=$$ESSAIM_TEST_POSTGRES_URL ESSAIM_REDIS_URL=$$ESSAIM_TEST_REDIS_URL $(PY) -m pytest $(PYTEST_ARGS); \
	else echo "ESSAIM_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run (.ci/run sets it)."; fi

mutation: setup-dev ## Mutation testing of the access rules and the hand-written visibility encodings (tools/mutants.py; ≈ 15 min, not in `make test`)
	ESSAIM_DATABASE_URL= ESSAIM_REDIS_URL= $(PY) -m tools.mutation $(MUTATION_ARGS)

messages: setup-dev ## Extract strings into the French catalogue and compile it (English is the source language)
	$(PY) manage.py makemessages --locale fr --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'tests/*' --ignore 'bench/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

SIZE ?= S
bench: setup-dev ## Run the benchmark: make bench SIZE=S|M [DB=sqlite|postgres]
	$(PY) -m bench.run --size $(SIZE) --db $(or $(DB),sqlite)
	$(PY) -m bench.live --size $(SIZE) --db $(or $(DB),sqlite) --home
	$(PY) -m bench.emails --size $(SIZE) --db $(or $(DB),sqlite)
	$(PY) -m bench.questions --db $(or $(DB),sqlite)
	$(PY) -m bench.upgrade --size $(SIZE) --db $(or $(DB),sqlite)
	$(PY) -m bench.events --size $(SIZE) --db $(or $(DB),sqlite)
	$(PY) -m bench.search --size $(SIZE) --db $(or $(DB),sqlite)
	$(PY) -m bench.scim --users 1000 --db $(or $(DB),sqlite)
	$(PY) -m bench.wal
	$(PY) -m bench.documents
	$(PY) -m bench.feeds --db $(or $(DB),sqlite)
	$(PY) -m bench.webhooks --db $(or $(DB),sqlite)
	$(PY) -m bench.audit --db $(or $(DB),sqlite)
	$(PY) -m bench.watchrules
	$(PY) -m bench.compliance_export --db $(or $(DB),sqlite)
	$(PY) -m bench.sources --db $(or $(DB),sqlite)

clean: ## Remove the virtual environment, node_modules and local data
	rm -rf $(VENV) node_modules var
