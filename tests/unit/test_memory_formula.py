"""The memory requests of the rules cover the peaks measured at real sizes.

The formula is the workflow's own (``mem_mb_for`` and its helpers, executed from
rules/common/resources.smk) with each rule's arguments as the rule files declare them; the expected
values are measurements (benchmarks/memory.py, docs/performance.md) or worked out by hand,
never re-derived from the formula's code. At these sizes the n^2 term dominates the
accounts request: without it the measured peaks are not covered.
"""

from __future__ import annotations

import ast
import math
import re
from types import SimpleNamespace

import pytest

from ..support.workflow import REPO

FORMULA_NAMES = {
    "system_shape",
    "EORA_SECTORS",
    "EORA_COUNTRIES",
    "EXIOBASE_SECTORS",
    "EXIOBASE_REGIONS",
    "ACCOUNTS_COPIES",
    "system_size",
    "final_demand_columns",
    "mem_mb_for",
}

#: Peak RSS (MiB) of each job, measured with benchmarks/memory.py (MEASURED_ON); sizes:
#: Eora26 at real text volume (n = 4,915 raw, 4,914 solved; 1,140 final-demand columns) and
#: EXIOBASE 3 ixi at full size (n = 7,987; 343 columns).
MEASURED_ON = "2026-12-07, commit f2c12cf of branch h19, a machine under load"
MEASURED = [
    ("harmonize_eora26", "eora26", "lu", 681),
    ("accounts", "eora26", "lu", 345),
    ("accounts", "eora26", "pymrio", 1558),
    ("harmonize_exiobase3", "exiobase3", "lu", 977),
    ("accounts", "exiobase3", "lu", 463),
    ("accounts", "exiobase3", "pymrio", 3652),
]
#: Head room over a measured peak (other machines, other library builds).
MARGIN = 1.1


def _formula(config: dict) -> dict:
    """The resource formulas of rules/common/resources.smk, bound to ``config``.

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


def _declared(rule: str) -> str:
    """The ``mem_mb=`` expression of ``rule`` as the rule files declare it."""
    text = "\n".join(path.read_text() for path in sorted((REPO / "rules").glob("*.smk")))
    block = re.split(r"^rule ", text, flags=re.M)
    body = next(part for part in block if part.startswith(f"{rule}:"))
    return re.search(r"mem_mb=(.+),\n", body).group(1)


def _config(system: str = "ixi", engine: str = "lu") -> dict:
    return {
        "synthetic": {"countries": None},
        "exiobase3": {"system": system},
        "accounts": {"engine": engine},
    }


def request(rule: str, source: str, engine: str = "lu", system: str = "ixi") -> int:
    """mem_mb of ``rule``'s job for ``source`` with the workflow's formula and the rule's
    declared arguments."""
    config = _config(system, engine)
    namespace = _formula(config)
    estimate = eval(_declared(rule), namespace)
    return estimate(SimpleNamespace(source=source))


@pytest.mark.parametrize(("rule", "source", "engine", "peak"), MEASURED)
def test_request_covers_the_peak_measured_at_real_size(rule, source, engine, peak):
    assert request(rule, source, engine) >= MARGIN * peak


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
    # 400 + (4914^2 + 6 x 4914 x 379) * 8 / 2^20 = 584.2 + 85.3 MB, rounded up to 700
    assert request("accounts", "synthetic", system=system) == 700
    # EXIOBASE at its native size: 49 x 163 = 7987 (886.7 + 35.9 -> 1000), 49 x 200 = 9800
    # (1132.7 + 44.4 -> 1200)
    assert request("accounts", "exiobase3", system=system) == expected


def test_pymrio_engine_asks_for_eight_matrices():
    # 400 + (8 * 4914^2 + 6 x 4914 x 379) * 8 / 2^20 = 1873.9 + 85.3 -> 2000;
    # 400 + (8 * 7987^2 + 6 x 7987 x 99) * 8 / 2^20 = 4293.4 + 35.9 -> 4400
    assert request("accounts", "synthetic", engine="pymrio") == 2000
    assert request("accounts", "exiobase3", engine="pymrio") == 4400


def test_harmonize_requests_follow_the_documented_formula():
    # Streams Z: no n^2 term; two n x m final-demand tables over the measured base.
    # Eora26: 700 + 2 * 4915 * 1140 * 8 / 2^20 = 785.5 -> 800
    assert request("harmonize_eora26", "eora26") == 800
    # EXIOBASE ixi: 1100 + 2 * 7987 * 343 * 8 / 2^20 = 1141.8 -> 1200
    assert request("harmonize_exiobase3", "exiobase3") == 1200
