"""Negative fossil-CO2 cells are computed as given and said: in diagnostics.json (count, sum,
most negative cells), in the rule's log and at the end of a run (one line per year), and at
the top of the report."""

from __future__ import annotations

import json
import logging

import pytest

from bri_carbon.core import plausibility
from bri_carbon.harmonize import harmonized
from bri_carbon.outputs import report
from bri_carbon.sources.parsed import ParsedSystem

from ..support.systems import identity_regions, random_system, regional_accounts_of

REGIONS, SECTORS = ["AAA", "BBB", "CCC"], ["Agriculture", "Industry"]


def _dataset(negative: dict[tuple[str, str], float]):
    """A random world whose CO2 (Gg) has the given industry cells set (negative)."""
    system = random_system(REGIONS, SECTORS, seed=7)
    for (region, sector), value in negative.items():
        system.co2.F.loc[:, (region, sector)] = value
    return harmonized.harmonize(
        ParsedSystem(system, ("CO2 / Total",)),
        source="synthetic",
        year=2015,
        regions=identity_regions(REGIONS),
        common_sectors=tuple(SECTORS),
    )


def test_negative_cells_are_computed_as_given_and_listed(caplog):
    caplog.set_level(logging.WARNING)
    clean = regional_accounts_of(_dataset({}))
    assert clean.diagnostics["negative_co2"] == {"cells": 0, "sum_mt": 0.0, "largest": []}
    cells = {("BBB", "Industry"): -2000.0, ("AAA", "Agriculture"): -500.0}  # Gg
    result = regional_accounts_of(_dataset(cells))
    negative = result.diagnostics["negative_co2"]
    assert negative["cells"] == 2
    assert negative["sum_mt"] == pytest.approx(-2.5)
    assert [cell["cell"] for cell in negative["largest"]] == [
        "BBB / Industry",
        "AAA / Agriculture",
    ]
    # Computed as given: production-based CO2 of BBB holds the negative cell.
    production = dict(zip(result.regions, result.accounts["production_mt"], strict=True))
    clean_production = dict(zip(clean.regions, clean.accounts["production_mt"], strict=True))
    assert production["BBB"] < clean_production["BBB"]
    assert "2 negative CO2 cell(s) in the data, -2.5 Mt CO2 in total" in caplog.text
    json.dumps(result.diagnostics)  # written to diagnostics.json as it is


def test_the_note_names_the_folder_and_the_worst_cells():
    negative = {
        "cells": 4,
        "sum_mt": -3.25,
        "largest": [
            {"cell": "IND / Mining and Quarrying", "co2_mt": -2.0},
            {"cell": "CHN / households", "co2_mt": -1.0},
            {"cell": "USA / Agriculture", "co2_mt": -0.2},
            {"cell": "RUS / Agriculture", "co2_mt": -0.05},
        ],
    }
    note = plausibility.negative_co2_note(negative, "results/eora26/2015")
    assert note.startswith("results/eora26/2015: 4 negative CO2 cell(s) in the data, -3.25")
    assert "IND / Mining and Quarrying (-2)" in note and "RUS" not in note
    assert plausibility.negative_co2_note({"cells": 0}, "x") is None


def test_the_report_leads_with_the_warning():
    """The report's banner of warnings about the table carries the negative cells too."""
    largest = [{"cell": "AAA / Industry", "co2_mt": -0.5}]
    quiet = {"negative_co2": {"cells": 0, "sum_mt": 0.0, "largest": []}}
    noisy = {"negative_co2": {"cells": 1, "sum_mt": -0.5, "largest": largest}}
    assert report.data_warnings(2014, quiet) == []
    warnings = report.data_warnings(2015, noisy)
    assert len(warnings) == 1 and warnings[0].startswith("2015: 1 negative CO2 cell")
    page = report.Report(
        source="eora26",
        synthetic=False,
        years=(2015,),
        introduction="",
        headline_intro="",
        headline=(),
        sections=(),
        warnings=tuple(warnings),
    )
    html = report.render(page)
    assert html.index("Warnings about this table") < html.index('id="headline"')
    assert "AAA / Industry (-0.5)" in html
