# The two commands that matter: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-stamp

# Python keeps the bytecode of what it compiles, where it is first imported: the install
# compiles nothing ahead (half its time, mostly for modules never imported), and where the
# environment says PYTHONDONTWRITEBYTECODE, each process (each of the suite's workers, each
# flask command) compiled everything it imported again (pytest's rewritten test modules:
# 11 s a process, 4 s from bytecode).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test install translations compile-translations migrate demo vendor lint bench clean

# uv installs the project in 4 s where pip took 20 (the same versions); pip remains the way
# when uv cannot be had or cannot reach the packages (a machine with only pip's own sources).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	($(BIN)/python -m pip install --quiet uv && \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]') || \
	  $(BIN)/python -m pip install --quiet --no-compile -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

compile-translations: install
	$(FLASK) translate compile

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) crm seed-demo --if-empty

run: compile-translations demo
	@echo "Serving on http://127.0.0.1:5000 (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port 5000

# The whole suite on SQLite (browser included), then again on PostgreSQL when
# CRM_TEST_DATABASE_URL names a database (as .ci/run does), with pytest-xdist workers
# (TEST_WORKERS=0 for one process; tests marked with one xdist_group run on one worker); on
# PostgreSQL each worker makes its own database beside the one named, and drops it at the end.
TEST_WORKERS ?= auto
test: compile-translations
	@echo "== test suite on SQLite, with the browser tests =="
	CRM_TEST_DATABASE_URL= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)
	@if [ -n "$$CRM_TEST_DATABASE_URL" ]; then \
		echo "== test suite on PostgreSQL ($$CRM_TEST_DATABASE_URL) =="; \
		$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup -m "not browser" $(PYTEST_ARGS); \
	fi

translations: install
	$(FLASK) translate update
	$(BIN)/python scripts/po_todo.py fill-en
	$(FLASK) translate compile

vendor:
	scripts/vendor.sh

# Page speed at scale 0.1 and 1 on SQLite (and PostgreSQL when BENCH_PG_URL, by default
# postgresql+psycopg://postgres@127.0.0.1:5432/, answers). Builds its databases once under
# instance/bench/; BENCH_ARGS passes options, e.g. BENCH_ARGS="--scales 0.1 --rebuild".
bench: compile-translations
	$(BIN)/python bench/pages.py $(BENCH_ARGS)
	$(BIN)/python bench/bulk_speed.py

lint: install
	$(BIN)/ruff check crm tests config.py wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache messages.pot
	find . -name __pycache__ -prune -exec rm -rf {} +
