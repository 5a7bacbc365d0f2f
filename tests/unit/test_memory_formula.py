"""The memory requests of rules/common/resources.smk: formula values (the measured peak they cover:
tests/workflow/test_memory_formula.py)."""

from __future__ import annotations

import ast
import math
from types import SimpleNamespace

import pytest

from ..support.workflow import REPO

FORMULA_NAMES = {
    "system_shape",
    "EORA_SECTORS",
    "EORA_COUNTRIES",
    "EXIOBASE_SECTORS",
    "EXIOBASE_REGIONS",
    "system_size",
    "mem_mb_for",
}


def _formula(config: dict) -> dict:
    """system_size and mem_mb_for of rules/common/resources.smk, bound to ``config``.

    Only those definitions (and the constants and imports they use) are executed, not the
    whole file.
    """
    tree = ast.parse((REPO / "rules" / "common" / "resources.smk").read_text())
    wanted = []
    for node in tree.body:
        names = (
            {node.name}
            if isinstance(node, ast.FunctionDef)
            else {target.id for target in getattr(node, "targets", []) if hasattr(target, "id")}
        )
        if names & FORMULA_NAMES or isinstance(node, ast.Import | ast.ImportFrom):
            wanted.append(node)
    namespace: dict = {"config": config, "math": math}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), "resources.smk", "exec"), namespace)
    return namespace


@pytest.mark.parametrize(
    ("source", "countries", "system", "native", "n"),
    [
        ("synthetic", None, "pxp", False, 4915),
        ("synthetic", None, "pxp", True, 4914),
        ("synthetic", ["CHN", "USA"], "pxp", True, 52),
        ("eora26", ["CHN"], "pxp", True, 4914),
        ("exiobase3", None, "pxp", False, 9800),
        ("exiobase3", None, "pxp", True, 9800),
        ("exiobase3", None, "ixi", False, 7987),
        ("exiobase3", None, "ixi", True, 7987),
    ],
)
def test_system_size(source, countries, system, native, n):
    formula = _formula({"synthetic": {"countries": countries}, "exiobase3": {"system": system}})
    assert formula["system_size"](source, native=native) == n


@pytest.mark.parametrize(("system", "expected"), [("ixi", 1000), ("pxp", 1200)])
def test_accounts_request_follows_the_documented_formula(system, expected):
    formula = _formula({"synthetic": {"countries": None}, "exiobase3": {"system": system}})
    estimate = formula["mem_mb_for"](1.0, native=True, demand_copies=6)
    # 400 + (4914^2 + 6 x 4914 x 379) * 8 / 2^20 = 584.2 + 85.3 MB, rounded up to 700
    assert estimate(SimpleNamespace(source="synthetic")) == 700
    # EXIOBASE at its native size: 49 x 163 = 7987 (886.7 + 35.9 -> 1000), 49 x 200 = 9800
    # (1132.7 + 44.4 -> 1200)
    assert estimate(SimpleNamespace(source="exiobase3")) == expected
