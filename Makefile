# The two set-up commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck docs bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/perfpacket demo --out perfpacket-demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# The browser tests drive Debian's chromium (never a Playwright download): installed here when
# apt can, otherwise the one command to run, before anything else starts.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Debian's chromium. Run: sudo apt-get install chromium" >&2; \
		exit 1; \
	fi

# Spark, for the telemetry-on-Spark tests, runs on Java 17: installed the same way.
.PHONY: java
java:
	@command -v java >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Java 17 for the Spark tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
		else \
			echo "The Spark tests need Java 17. Run: sudo apt-get install openjdk-17-jre-headless" >&2; \
			exit 1; \
		fi; \
	}

test: $(CHROMIUM) java lint typecheck
	$(BIN)/pytest

docs: $(VENV)/.installed
	$(BIN)/python -m perfpacket.cli.docs > docs/cli.md
	$(BIN)/python -m perfpacket.lint.docs docs/lint

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) perfpacket-demo .pytest_cache .mypy_cache .ruff_cache
