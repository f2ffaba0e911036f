# Two commands for a newcomer: `make serve` starts the mock with the seeded world, `make test` runs every test.
# Both bootstrap .venv (Python >= 3.11) on first use; ARGS="…" passes options through.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint typing contracts coverage clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	@echo "Installing the project and its tools into $(VENV)/ (first run only, about a minute) …"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade "pip>=25.1"
	@# -qq: errors only (pip's warnings and setuptools' editable-install banner are noise here)
	$(BIN)/python -m pip install -qq -e ".[contracts]" --group dev
	touch $(STAMP)

serve: $(STAMP)  ## start the mock on http://127.0.0.1:8000 with the seeded world (state in .permanent-mock/)
	$(BIN)/permanent-mock serve $(ARGS)

test: $(STAMP)  ## lint, types, unit and behaviour tests, the npm SDK run and the contract suite
	$(BIN)/nox $(ARGS)

lint: $(STAMP)
	$(BIN)/nox -s lint

typing: $(STAMP)
	$(BIN)/nox -s typing

coverage: $(STAMP)  ## the tests with a coverage table and reports/coverage.xml
	$(BIN)/nox -s coverage

contracts: $(STAMP)
	$(BIN)/nox -s contracts -- $(ARGS)

clean:
	rm -rf $(VENV) .nox .cache .pytest_cache .mypy_cache .ruff_cache
