# The two commands of the README: `make run` and `make test`. Everything else they need,
# these targets install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-postgres lint translations browser bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/shomer run

# In parallel, one worker per core up to four (each has its own test database).
PYTEST := $(BIN)/pytest -n auto --maxprocesses 4

test: $(STAMP) browser
	$(PYTEST) $(PYTEST_ARGS)

test-postgres: $(STAMP) browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/shomer} $(PYTEST) $(PYTEST_ARGS)

# Browser tests drive Debian's Chromium; install it where we may (root), else say how.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y --no-install-recommends chromium fonts-noto-core >/dev/null; \
	  else echo "Browser tests need Chromium: sudo apt-get install chromium"; fi; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/shomer check --fail-level WARNING
	$(BIN)/shomer makemigrations --check --dry-run

# Refresh the Hebrew catalogue from the code, fill it from tools/translations/he-*.json
# (one file per area; it prints what is still untranslated), then compile it.
translations: $(STAMP)
	cd src/shomer && ../../$(BIN)/shomer makemessages -l he --no-obsolete --no-location
	$(BIN)/python tools/fill_po.py src/shomer/locale/he/LC_MESSAGES/django.po tools/translations/he-*.json
	cd src/shomer && ../../$(BIN)/shomer compilemessages -l he

bench: $(STAMP)
	$(BIN)/shomer bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache .ruff_cache
