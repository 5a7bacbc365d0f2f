# Two entry points: `make run` (default workflow on the embedded synthetic data, report
# included) and `make test` (the whole test suite; `make test-fast` leaves out the tests that
# run Snakemake).
# Both create .venv from requirements.lock if needed.
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

.PHONY: run test test-fast test-slurm lint report latex-tools test-tools clean

# uv installs the locked set in seconds; pip only bootstraps it. Bytecode is compiled at
# install time, so imports stay fast where PYTHONDONTWRITEBYTECODE is set.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	$(BIN)/python -m compileall -q src
	touch $@

run: $(STAMP)
	$(SNAKEMAKE)

test: $(STAMP)
	$(BIN)/python -m pytest

# Only the tests that run no Snakemake (tests/unit, tests/sources; marker `workflow` left out):
# well under a minute, for the edit-test loop.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not workflow"

# A real one-node SLURM cluster on this host (root, Debian-like: installs slurm-wlm and munge
# if absent), the tiny workflow through profiles/slurm, then the daemons are stopped.
test-slurm: $(STAMP)
	tests/slurm/cluster.sh run $(BIN)/python -m pytest -q -p no:cacheprovider tests/slurm

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/snakemake --lint

# Only the report (results/{source}/report.html) and what it needs, with the same config.
report: $(STAMP)
	$(SNAKEMAKE) --until report

# Debian-like hosts (root): pdflatex with the packages the LaTeX tables need (booktabs, array,
# longtable) and pdftoppm to look at the pages; the tests that compile the tables skip without.
latex-tools:
	apt-get install -y --no-install-recommends texlive-latex-recommended poppler-utils

# Debian-like hosts (root): what the tests that skip without it need, the LaTeX tools above
# and a headless Chromium (/usr/bin/chromium) for the browser tests; only what is missing.
# .ci/run calls it before `make test`.
test-tools:
	tools/install_test_tools.sh

clean:
	rm -rf results resources logs .snakemake
