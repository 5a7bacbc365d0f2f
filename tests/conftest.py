"""The ``workflow`` marker by folder: every test under tests/workflow and tests/slurm runs
Snakemake and is marked ``workflow`` (`make test-fast` runs ``-m "not workflow"``).

Any other test that calls Snakemake through tests/support/workflow.py fails, so that the
fast tests stay fast: move it to tests/workflow/.

The SLURM executor plugin, which the tests of profiles/slurm need, is not in the environment
that `make run` installs (it would slow every snakemake command): `make test` installs it
into ``.venv/slurm-plugin`` (:data:`SLURM_PLUGIN`), which goes on the path of the tests and
of every process they start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from .support import workflow

TESTS = Path(__file__).resolve().parent
#: Folders of tests/ whose tests run Snakemake.
WORKFLOW_FOLDERS = ("workflow", "slurm")
#: Where `make test` installs the SLURM executor plugin (requirements-slurm.lock).
SLURM_PLUGIN = Path(sys.prefix) / "slurm-plugin"

if SLURM_PLUGIN.is_dir() and str(SLURM_PLUGIN) not in sys.path:
    sys.path.insert(0, str(SLURM_PLUGIN))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(SLURM_PLUGIN), os.environ.get("PYTHONPATH")])
    )


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path.resolve()
        if path.is_relative_to(TESTS) and path.relative_to(TESTS).parts[0] in WORKFLOW_FOLDERS:
            item.add_marker(pytest.mark.workflow)


@pytest.hookimpl(tryfirst=True)  # before the test's fixtures are set up
def pytest_runtest_setup(item: pytest.Item) -> None:
    workflow.unmarked_test = None if item.get_closest_marker("workflow") else item.nodeid
