"""The three dependency lists (pyproject, the lock files, conda env) pin the same versions; the
SLURM executor plugin is in its own lock, not in the one `make run` installs."""

from __future__ import annotations

import re
import tomllib

import yaml

from ..support.locks import lock_pins
from ..support.workflow import REPO


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    pins = {}
    for spec in specs:
        name, _, version = spec.partition("==")
        assert version, f"pyproject.toml: {spec!r} is not pinned exactly (use ==)"
        pins[_normalize(name)] = version
    return pins


#: conda-forge names of packages that PyPI names otherwise.
PYPI_NAMES = {"python-isal": "isal"}


def _conda_pins() -> dict[str, str]:
    env = yaml.safe_load((REPO / "envs" / "bri-carbon.yaml").read_text())
    pins = {}
    for item in env["dependencies"]:
        if isinstance(item, str) and "=" in item and not item.startswith("python="):
            name, _, version = item.partition("=")
            pins[PYPI_NAMES.get(_normalize(name), _normalize(name))] = version
    return pins


def test_pyproject_pins_are_in_the_lock():
    lock = lock_pins()
    for name, version in _pyproject_pins().items():
        assert lock.get(name) == version, f"{name}: pyproject {version}, lock {lock.get(name)}"


def test_conda_environment_pins_the_same_versions():
    lock, conda = lock_pins(), _conda_pins()
    runtime = {
        name: version
        for name, version in _pyproject_pins().items()
        if name not in {"pytest", "hypothesis", "ruff", "playwright"}
    }
    assert set(runtime) == set(conda), (
        f"only in pyproject: {sorted(set(runtime) - set(conda))}; "
        f"only in envs/bri-carbon.yaml: {sorted(set(conda) - set(runtime))}"
    )
    for name, version in conda.items():
        assert lock[name] == version, f"{name}: conda {version}, lock {lock[name]}"


def test_the_slurm_plugin_is_only_in_its_own_lock():
    """`make run` installs requirements.lock: without the SLURM plugin, which Snakemake would
    import (and pandas with it) at every start."""

    def packages(lock: str) -> set[str]:
        lines = (REPO / lock).read_text().splitlines()
        return {line.partition("==")[0] for line in lines if line and not line.startswith("#")}

    plugins = {"snakemake-executor-plugin-slurm", "snakemake-executor-plugin-slurm-jobstep"}
    assert not plugins & packages("requirements.lock")
    assert packages("requirements-slurm.lock") == plugins
