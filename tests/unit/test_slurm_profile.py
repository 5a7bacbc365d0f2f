"""The SLURM profile's settings and the rules that must stay on the submitting host."""

from __future__ import annotations

import yaml

from ..support.jobs import LIGHTWEIGHT_RULES, local_rules
from ..support.workflow import REPO


def test_profile_uses_the_slurm_executor_with_default_resources():
    profile = yaml.safe_load((REPO / "profiles" / "slurm" / "config.yaml").read_text())
    assert profile["executor"] == "slurm"
    assert profile["default-resources"]["mem_mb"] > 0
    assert profile["default-resources"]["runtime"] > 0
    assert profile["latency-wait"] >= 30


def test_lightweight_rules_are_localrules():
    assert local_rules((REPO / "Snakefile").read_text()) >= LIGHTWEIGHT_RULES
