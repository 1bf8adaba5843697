# The two commands of the README's Quick start: `make run` and `make test`.
# Each one first installs whatever is missing (scripts/setup.sh is idempotent).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup run test lint static snapshots messages bench reliability performance lock clean

setup:
	@scripts/setup.sh

run: setup
	@$(VENV)/bin/kiosk demo

# Every test: the static checks (the layers, lint, types), then pytest on a process per core.
# pytest exits 5 when it collected no test: say so and do not fail the run for it.
test: setup
	@$(MAKE) --no-print-directory static
	@$(PY) -m pytest -q -n auto; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no test"; exit 0; fi; exit $$rc

lint: setup
	@$(MAKE) --no-print-directory static

# The layer contracts (pyproject.toml, [tool.importlinter]; docs/ARCHITECTURE.md), ruff, mypy.
static:
	@out=$$($(VENV)/bin/lint-imports --no-cache --no-logo 2>&1) || { echo "$$out"; exit 1; }; \
	echo "$$out" | grep -E "(KEPT|BROKEN)$$"
	@$(VENV)/bin/ruff check -q kiosk ca_backend tests bench scripts
	@$(VENV)/bin/ruff format -q --check kiosk ca_backend tests bench scripts
	@$(VENV)/bin/mypy

# After a deliberate change to what a screen shows: rewrite the screen snapshots, then look at
# the SVGs (git diff names them) before committing.
snapshots: setup
	$(PY) -m pytest -q tests/snapshots --snapshot-update

# After adding or changing texts in the code: extract every Text("...") (babel.cfg says where)
# into the template kiosk/core/locale/kiosk.pot, and bring each language's kiosk.po up to it;
# the next setup compiles the .po (docs/TRANSLATING.md).
LOCALE := kiosk/core/locale
messages: setup
	$(VENV)/bin/pybabel -q extract -F babel.cfg --project=ca-kiosk --add-location=file -o $(LOCALE)/kiosk.pot .
	$(VENV)/bin/pybabel -q update -D kiosk -i $(LOCALE)/kiosk.pot -d $(LOCALE) --ignore-obsolete --no-fuzzy-matching

bench: setup
	@for script in bench/[!_]*.py; do $(PY) $$script || exit 1; done

# The proof documents: docs/RELIABILITY.md (about 2 minutes), docs/PERFORMANCE.md (about 4).
reliability: setup
	$(PY) scripts/reliability_report.py

performance: setup
	$(PY) scripts/performance_report.py

# Re-resolve the newest versions allowed by pyproject.toml and pin them.
lock:
	rm -rf /tmp/kiosk-lock-venv
	python3 -m venv /tmp/kiosk-lock-venv
	/tmp/kiosk-lock-venv/bin/pip install -q --upgrade pip
	/tmp/kiosk-lock-venv/bin/pip install -q '.[dev]'
	( echo "# Pinned versions for every install (make lock rewrites this file)."; \
	  /tmp/kiosk-lock-venv/bin/pip freeze --exclude ca-kiosk ) > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
