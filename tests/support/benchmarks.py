"""Import the benchmark scripts of benchmarks/ (the folder is not a package)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from .workflow import REPO


def load_benchmark(name: str) -> ModuleType:
    """Import benchmarks/{name}.py."""
    spec = importlib.util.spec_from_file_location(
        f"benchmark_{name}", REPO / "benchmarks" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module
