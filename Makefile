# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/simir
REDIS_URL ?= redis://127.0.0.1:6379/15
LOAD_PG_URL ?= postgres://postgres@127.0.0.1:5432/simir_carga

.PHONY: run test test-unit test-embedded test-integration install install-dev chromium messages load-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

# The browser tests drive Debian's chromium; install it when missing (needs root, as in CI).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "AVISO: falta chromium (apt-get install -y chromium); las pruebas de navegador se omitirán"; fi; }

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Installs, migrates, loads the demo and serves at http://127.0.0.1:8000 (SQLite, Celery eager).
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# The whole suite, in three passes: every unit and browser test on PostgreSQL (in parallel), the
# `embedded` subset again on the SQLite default of `make run`, then the integration tests (PostgreSQL,
# Redis and real Celery workers).
test: test-unit test-embedded test-integration

# Parallel workers of the PostgreSQL pass (pytest-xdist; "auto" is one per core).
XDIST ?= auto

# Each xdist worker gets its own database (test_simir_gw0, test_simir_gw1...), so it never meets the
# integration pass's test_simir or load-test's simir_carga. No --reuse-db: every run migrates a fresh
# database, and one left by an aborted run is dropped first (tests/conftest.py ends its sessions).
# Without PostgreSQL the suite runs on SQLite with a warning, except under CI=true, where it fails.
test-unit: install-dev chromium
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(VENV)/bin/lint-imports
	@message=$$(SIMIR_POSTGRES_URL=$(PG_URL) $(PY) -m tests.require_services postgres 2>&1); status=$$?; \
	if [ $$status -eq 2 ]; then \
	  echo "AVISO: PostgreSQL no responde ($(PG_URL)); las pruebas unitarias corren en SQLite" >&2; \
	  env -u DATABASE_URL $(PY) -m pytest -m "not integration" -n $(XDIST); \
	elif [ $$status -ne 0 ]; then echo "$$message" >&2; exit $$status; \
	else echo "pruebas unitarias y de navegador en PostgreSQL ($(PG_URL)), -n $(XDIST)"; \
	  DATABASE_URL=$(PG_URL) $(PY) -m pytest -m "not integration" -n $(XDIST); fi

# The embedded default (SQLite, what `make run` uses) keeps its own tests: demo load, capture, review,
# import, export and numeric limits. DATABASE_URL is removed so an exported one cannot take over.
test-embedded: install-dev chromium
	env -u DATABASE_URL $(PY) -m pytest -m embedded -n $(XDIST)

test-integration: install-dev
	@$(PY) -m tests.require_services postgres redis; status=$$?; \
	if [ $$status -eq 2 ]; then exit 0; elif [ $$status -ne 0 ]; then exit $$status; fi; \
	DATABASE_URL=$(PG_URL) SIMIR_POSTGRES_URL=$(PG_URL) CELERY_BROKER_URL=$(REDIS_URL) SIMIR_REDIS_URL=$(REDIS_URL) \
	$(PY) -m pytest -m integration

# 20 concurrent HTTP sessions on PostgreSQL through gunicorn (README «Confiabilidad»); its own database.
load-test: install
	createdb -h 127.0.0.1 -U postgres simir_carga 2>/dev/null || true
	DATABASE_URL=$(LOAD_PG_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(LOAD_PG_URL) $(PY) manage.py load_test

# Regenerate the es-MX catalog after UI texts change (needs GNU gettext: apt-get install gettext).
# The msgids are the Spanish texts, so msgen copies them as translations; the .mo is committed.
messages: install-dev
	rm -f locale/es_MX/LC_MESSAGES/django.po
	$(PY) manage.py makemessages -l es_MX --ignore=.venv --ignore=tests --ignore=staticfiles -v0
	msgen locale/es_MX/LC_MESSAGES/django.po -o locale/es_MX/LC_MESSAGES/django.po
	sed -i -e '/^#, fuzzy$$/d' -e 's/"Language: \\n"/"Language: es_MX\\n"/' \
	  -e 's/"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"/"Plural-Forms: nplurals=2; plural=(n != 1);\\n"/' \
	  locale/es_MX/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages -l es_MX --ignore=.venv -v0
