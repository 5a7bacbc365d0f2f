"""The test scenarios of config/test/ are valid configurations: each, on top of
config/config.yaml as Snakemake merges them, passes the checks the Snakefile runs before any
job (a scenario with an unknown or misspelt key fails here, before a workflow test starts)."""

from __future__ import annotations

import pytest
import yaml
from snakemake.utils import update_config

from bri_carbon.runtime import config_check

from ..support.workflow import REPO

SCHEMA = yaml.safe_load((REPO / "rules" / "schemas" / "config.schema.yaml").read_text())
SCENARIOS = sorted((REPO / "config" / "test").glob("*.yaml"))


def _merged(path) -> dict:
    """config/config.yaml with the scenario ``path`` on top (nested keys merged)."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    update_config(config, yaml.safe_load(path.read_text()))
    config["years"] = config_check.expand_years(config["years"])
    return config


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_each_scenario_is_a_valid_configuration(path, monkeypatch):
    config = _merged(path)
    assert config_check.config_problems(config, SCHEMA) == []
    monkeypatch.chdir(REPO)
    config_check.check_configured_files(config, REPO)


def test_an_invalid_scenario_is_caught(tmp_path):
    """The check above is not vacuous: a misspelt key and a year outside the schema."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("synthetic:\n  countires: [CHN]\nyears: [1850]\n")
    problems = config_check.config_problems(_merged(broken), SCHEMA)
    assert len(problems) == 2 and "countires" in problems[0] + problems[1]
