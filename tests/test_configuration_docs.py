"""The documentation stays true to the schema.

docs/configuration.md is what docs/configuration.py makes of rules/schemas/config.schema.yaml
and names every key of the schema.

Fast: no Snakemake run.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml


def _repository_root() -> Path:
    """The folder holding pyproject.toml, above this file (wherever tests/ puts it)."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise FileNotFoundError("no pyproject.toml above this test file")


ROOT = _repository_root()
SCHEMA = ROOT / "rules" / "schemas" / "config.schema.yaml"
CONFIGURATION_DOC = ROOT / "docs" / "configuration.md"


def _schema_keys(node: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted names of every key below ``node`` (properties, recursively)."""
    for name, child in node.get("properties", {}).items():
        yield f"{prefix}{name}"
        yield from _schema_keys(child, f"{prefix}{name}.")


def _all_schema_keys() -> list[str]:
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    keys = list(_schema_keys(schema))
    for name, definition in schema.get("$defs", {}).items():
        keys.append(name)
        keys += list(_schema_keys(definition, f"{name}."))
    return keys


def test_configuration_doc_is_what_the_generator_writes():
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "configuration.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_configuration_doc_names_every_schema_key():
    text = CONFIGURATION_DOC.read_text(encoding="utf-8")
    keys = _all_schema_keys()
    assert {"stressors.eora26", "final_demand.exclude.eora26", "download.retries"} <= set(keys)
    missing = [key for key in keys if f"`{key}`" not in text]
    assert missing == []
