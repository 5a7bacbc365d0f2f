"""The provenance record the tiny workflow run writes: inputs, config, packages, command."""

from __future__ import annotations

import hashlib
import json

import numpy as np

RESULT = "results/synthetic/2015/provenance.json"


def test_the_run_records_its_inputs_config_packages_and_command(finished_run):
    record = json.loads((finished_run / RESULT).read_text())
    archive = finished_run / "resources/raw/synthetic/Eora26_2015_bp.zip"
    assert record["raw_inputs"] == [
        {
            "path": "resources/raw/synthetic/Eora26_2015_bp.zip",
            "bytes": archive.stat().st_size,
            "sha256": hashlib.sha256(archive.read_bytes()).hexdigest(),
        }
    ]
    assert record["dataset"]["version"] == "synthetic world, seed 20180512"
    assert record["config"]["synthetic"]["countries"][0] == "CHN"
    assert record["config"]["years"] == [2015]
    assert record["packages"]["numpy"] == np.__version__
    assert record["git"]["commit"]  # "unknown" in the copied workflow, a hash in a checkout
    assert "snakemake" in record["command_line"] and "tiny.yaml" in record["command_line"]
    # The CO2 satellite row the harmonize step chose from the configured alternatives.
    assert record["co2_rows"] == ["Total CO2 emissions from EDGAR / Total"]
    assert record["config"]["stressors"]["eora26"][1]["stressor"] == "CO2 emissions from EDGAR"
    # The content of every file the configuration names.
    regions = finished_run / "config" / "regions.csv"
    assert record["configured_files"]["regions"] == {
        "path": "config/regions.csv",
        "sha256": hashlib.sha256(regions.read_bytes()).hexdigest(),
    }
    assert "natural_earth.shapefile (.dbf)" in record["configured_files"]
    # The configuration that made the results folder (its record is beside the results).
    folder_record = json.loads(
        (finished_run / "results/synthetic/2015/fingerprint.json").read_text()
    )
    assert record["fingerprint"] == folder_record["fingerprint"]
    assert folder_record["files"]["regions"] == record["configured_files"]["regions"]["sha256"]
