"""The package's layers depend one way: runtime <- core <- results <- outputs,
core <- sources <- harmonize; compute scripts read results through bri_carbon.results.

core (the science) imports no file format and no plotting library, so that every function of
the Leontief solve, the accounts, the findings and the drivers of change takes arrays or
small typed containers and can be tested without files.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from ..support.workflow import REPO

PACKAGE = REPO / "src" / "bri_carbon"
#: The layers each layer may import (besides itself).
ALLOWED = {
    "runtime": set(),
    "core": {"runtime"},
    "sources": {"runtime", "core"},
    "harmonize": {"runtime", "core", "sources"},
    "results": {"runtime", "core"},
    "outputs": {"runtime", "core", "results"},
}
#: Rule scripts that compute (no figure, table or report): they read and write the
#: intermediate results through bri_carbon.results and import nothing of bri_carbon.outputs.
COMPUTE_SCRIPTS = ("accounts", "groups", "findings")


def _imported_layers(path: Path) -> set[str]:
    """bri_carbon layers named in the import statements of one module."""
    layers = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "bri_carbon" and len(parts) > 1 and parts[1] in ALLOWED:
                layers.add(parts[1])
    return layers


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(layer):
    for module in sorted((PACKAGE / layer).glob("*.py")):
        extra = _imported_layers(module) - ALLOWED[layer] - {layer}
        assert not extra, f"{module.relative_to(PACKAGE)} imports {sorted(extra)}"


@pytest.mark.parametrize("script", COMPUTE_SCRIPTS)
def test_compute_scripts_read_results_without_the_output_layer(script):
    path = REPO / "scripts" / f"{script}.py"
    layers = _imported_layers(path)
    assert "results" in layers and "outputs" not in layers, f"{path.name} imports {layers}"


def test_every_module_belongs_to_a_layer():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert loose == []


def test_core_imports_no_file_format_and_no_plotting_library():
    code = (
        "import importlib, pkgutil, sys\n"
        "import bri_carbon.core as core\n"
        "for module in pkgutil.iter_modules(core.__path__):\n"
        "    importlib.import_module(f'bri_carbon.core.{module.name}')\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    forbidden = {"matplotlib", "h5py", "h5netcdf", "xarray", "pymrio", "yaml", "requests"}
    assert not {name.split(".")[0] for name in loaded} & forbidden
    assert not {n for n in loaded if n.startswith(("bri_carbon.outputs", "bri_carbon.harmonize"))}
