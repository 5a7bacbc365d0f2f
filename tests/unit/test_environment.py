"""The three dependency lists (pyproject, requirements.lock, conda env) pin the same versions."""

from __future__ import annotations

import re
import tomllib

import yaml

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


def _lock_pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not pinned exactly"
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
    lock = _lock_pins()
    for name, version in _pyproject_pins().items():
        assert lock.get(name) == version, f"{name}: pyproject {version}, lock {lock.get(name)}"


def test_conda_environment_pins_the_same_versions():
    lock, conda = _lock_pins(), _conda_pins()
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
