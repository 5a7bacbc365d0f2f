"""The SLURM profile's settings and the rules that must stay on the submitting host."""

from __future__ import annotations

from snakemake.cli import parse_args

from ..support.jobs import LIGHTWEIGHT_RULES, local_rules
from ..support.workflow import REPO


def _settings(monkeypatch, *args: str):
    """The settings Snakemake's command line takes from ``args`` in the workflow folder:
    the given profiles and the workflow profile (profiles/default), merged as Snakemake
    merges them (the workflow profile wins)."""
    monkeypatch.chdir(REPO)
    _, settings = parse_args([*args, "--dry-run"])
    return settings


def test_a_cluster_run_gets_the_slurm_settings(monkeypatch):
    """--profile profiles/slurm on top of the workflow profile: the SLURM executor, time for
    a shared file system to show a job's outputs, and the resources of rules that declare
    none."""
    settings = _settings(monkeypatch, "--profile", "profiles/slurm")
    assert settings.executor == "slurm"
    assert settings.latency_wait >= 30
    assert settings.default_resources["mem_mb"].value > 0
    assert settings.default_resources["runtime"].value > 0
    assert settings.logger == ["bri-carbon"] and settings.rerun_incomplete


def test_a_local_run_gets_the_workflow_profile(monkeypatch):
    settings = _settings(monkeypatch)
    assert settings.executor is None and settings.logger == ["bri-carbon"]
    assert settings.rerun_incomplete and settings.show_failed_logs and not settings.keep_going


def test_lightweight_rules_are_localrules():
    assert local_rules((REPO / "Snakefile").read_text()) >= LIGHTWEIGHT_RULES
