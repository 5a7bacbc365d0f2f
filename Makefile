# Two entry points: `make run` (default workflow on the embedded synthetic data, report
# included) and `make test` (the whole test suite; `make test-fast` leaves out the tests that
# run Snakemake). Both create .venv from requirements.lock if needed. `make` alone (or
# `make help`) lists the targets: the `##` comment after each target is its line there.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORES ?= all
# A config file of your own on top of config/config.yaml, for `make run` and `make report`
# alike: make run CONFIG=my.yaml
CONFIG ?=
SNAKEMAKE = $(BIN)/snakemake --cores $(CORES)$(if $(CONFIG), --configfile $(CONFIG))
UV_VERSION := 0.13.9

.PHONY: help run test test-fast test-slurm slurm lint report latex-tools test-tools clean

help: ## list the targets with one line each (this text)
	@echo "bri-carbon: embodied carbon flows of the Belt and Road regions (Snakemake workflow)"
	@echo "Usage: make TARGET [CORES=n] [CONFIG=my.yaml]"
	@awk -F ':.*## ' '/^[a-z][a-z.-]*:.*## / { printf "  %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo "Results: results/synthetic/ (report.html and explorer.html there); docs: README.md, docs/."

# uv installs the locked set in seconds; pip only bootstraps it. Bytecode is compiled at
# install time, so imports stay fast where PYTHONDONTWRITEBYTECODE is set.
# The .pth line makes the environment's `snakemake` command take dotted --config keys, name
# the line of a YAML error in a --configfile and end on Ctrl-C without tracebacks, its rule
# scripts too (bri_carbon.runtime.command_line); it acts on no other program.
COMMAND_LINE_HOOK := import sys; sys.argv[:1] and (sys.argv[0].endswith('snakemake') or '.snakemake/scripts/' in sys.argv[0]) and __import__('bri_carbon.runtime.command_line', fromlist=['install']).install()

$(STAMP): requirements.lock pyproject.toml Makefile src/bri_carbon/sources/_delimited_numbers.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	$(BIN)/python -m compileall -q src
	$(BIN)/python -c 'import sys, sysconfig, pathlib; pathlib.Path(sysconfig.get_paths()["purelib"], "zz_bri_carbon_command_line.pth").write_text(sys.argv[1] + "\n")' "$(COMMAND_LINE_HOOK)"
	touch $@

run: $(STAMP) ## run the workflow (default: embedded synthetic data, no network), report included
	$(SNAKEMAKE)

# The SLURM executor plugin is optional: Snakemake imports every installed executor plugin
# at start, and this one imports pandas (about 0.3 s for every snakemake command). `make
# slurm` installs it into .venv; the tests (which check profiles/slurm) find it in
# .venv/slurm-plugin (tests/conftest.py puts it on their path), so that .venv stays as
# `make run` made it.
SLURM_STAMP := $(VENV)/.slurm-installed
TEST_PLUGINS := $(VENV)/slurm-plugin
TEST_STAMP := $(TEST_PLUGINS)/.installed
PYTEST = $(BIN)/python -m pytest

$(SLURM_STAMP): requirements-slurm.lock $(STAMP)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-slurm.lock
	touch $@

$(TEST_STAMP): requirements-slurm.lock $(STAMP)
	rm -rf $(TEST_PLUGINS)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps --target $(TEST_PLUGINS) -r requirements-slurm.lock
	touch $@

slurm: $(SLURM_STAMP) ## install the SLURM executor plugin into .venv (for --profile profiles/slurm)

test: $(STAMP) $(TEST_STAMP) ## run the whole test suite (about 12 minutes on 2 cores)
	$(PYTEST)

# Only the tests that run no Snakemake (tests/unit, tests/sources; marker `workflow` left out):
# about a minute and a half on 2 cores, for the edit-test loop.
test-fast: $(STAMP) $(TEST_STAMP) ## run the tests that need no Snakemake run (about 1.5 minutes)
	$(PYTEST) -m "not workflow"

# A real one-node SLURM cluster on this host (root, Debian-like: installs slurm-wlm and munge
# if absent), the tiny workflow through profiles/slurm, then the daemons are stopped.
test-slurm: $(STAMP) $(TEST_STAMP) ## run the SLURM tests on a one-node cluster on this host (root, Debian-like)
	tests/slurm/cluster.sh run $(PYTEST) -q -p no:cacheprovider tests/slurm

lint: $(STAMP) ## ruff and snakemake --lint
	$(BIN)/ruff check .
	$(BIN)/snakemake --lint

# The report and the flow explorer are published together with the results folders they
# describe (never beside folders they do not describe), so they come from a complete run:
# the same as `make run`, kept for the habit; a finished run names both pages' paths.
report: $(STAMP) ## the same as run: report and explorer are published with the folders they describe
	$(SNAKEMAKE)

# Debian-like hosts (root): pdflatex with the packages the LaTeX tables need (booktabs, array,
# longtable) and pdftoppm to look at the pages; the tests that compile the tables skip without.
latex-tools: ## install pdflatex and pdftoppm for the LaTeX table tests (root, Debian-like)
	apt-get install -y --no-install-recommends texlive-latex-recommended poppler-utils

# Debian-like hosts (root): what the tests that skip without it need, the LaTeX tools above
# and a headless Chromium (/usr/bin/chromium) for the browser tests; only what is missing.
# .ci/run calls it before `make test`.
test-tools: ## install what the LaTeX and browser tests need (root, Debian-like)
	tools/install_test_tools.sh

clean: ## remove results/, resources/, logs/ and .snakemake/
	rm -rf results resources logs .snakemake
