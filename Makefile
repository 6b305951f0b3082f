# SocialOps: `make run` serves the dashboard with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The suite runs against real PostgreSQL and Redis; override either to point elsewhere.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/socialops)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/15)
# The demo brand's shop (socialops/demo/people.py DEMO_STORE_URL): without a store URL every
# feed item lacks its product link and image address. Set STORE_URL to serve your own shop.
DEMO_STORE_URL := https://maisonlumen.example

.PHONY: install run test test-sqlite lint format check messages clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "SocialOps needs Python 3.11; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py check_services --create-database
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	STORE_URL=$${STORE_URL:-$(DEMO_STORE_URL)} $(PY) manage.py serve --port $(PORT)

test: install
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) manage.py check_services --create-database
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

# The embedded default: SQLite and in-process tasks, no services at all.
test-sqlite: install
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# The French catalog (locale/fr): collect what the code and the templates mark, then compile.
# Translate the new entries in locale/fr/LC_MESSAGES/*.po between the two steps.
MESSAGE_IGNORES := -i "staticfiles/*" -i "static/vendor/*" -i "tests/*" -i "docs/*" -i "*.egg-info/*"
messages: install
	$(PY) manage.py makemessages -l fr --add-location file --no-obsolete $(MESSAGE_IGNORES)
	$(PY) manage.py makemessages -d djangojs -l fr --add-location file --no-obsolete $(MESSAGE_IGNORES)
	$(PY) manage.py compilemessages -l fr --ignore ".venv"

clean:
	rm -rf $(VENV) staticfiles *.egg-info
