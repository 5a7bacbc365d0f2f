"""Plausibility warnings on a tiny world of realistic magnitudes and on the same world with
its units broken by a factor of 1000 (the default synthetic world: tests/sources/
test_plausibility_synthetic.py).

Five regions (Mt CO2, million USD): world CO2 33,100 Mt over 87.2 million million USD of
primary inputs, 0.38 kg CO2 per USD; a small island (SML) with ten times the median
intensity, as real tables have; a dissolved country (USR) with nothing in it.
"""

from __future__ import annotations

import numpy as np
import pytest

from bri_carbon.core import plausibility

REGIONS = ["AAA", "BBB", "CCC", "SML", "USR"]
PRODUCTION = np.array([10_000.0, 8_000.0, 15_000.0, 100.0, 0.0])
PRIMARY = np.array([20e6, 30e6, 37e6, 0.2e6, 0.0])
OUTPUT = 2.0 * PRIMARY


def _checks(production=PRODUCTION, primary=PRIMARY, output=OUTPUT, year=2015) -> list[str]:
    return [
        found["check"]
        for found in plausibility.plausibility_warnings(REGIONS, production, primary, output, year)
    ]


def test_plausible_magnitudes_stay_silent():
    # The island's intensity: 100 / 0.2e6 = 0.5 kg/USD ... times ten the median is still in.
    island = PRODUCTION.copy()
    island[3] *= 10
    assert _checks() == []
    assert _checks(production=island) == []


def test_emissions_a_thousand_times_too_large_warn_with_their_values():
    found = plausibility.plausibility_warnings(REGIONS, PRODUCTION * 1000, PRIMARY, OUTPUT, 2015)
    assert [item["check"] for item in found] == ["world_co2", "world_intensity"]
    assert found[0]["values"]["world_co2_mt"] == pytest.approx(33_100_000.0)
    assert "33,100,000 Mt" in found[0]["message"]
    assert "outside 15,000-45,000 Mt" in found[0]["message"]
    assert "unit or scale error" in found[0]["message"]
    assert found[1]["values"]["intensity_kg_per_usd"] == pytest.approx(33_100 / 87.2e6 * 1e6)


def test_money_in_thousands_read_as_millions_warns():
    # 87.2e9 "million" USD: 0.00038 kg/USD; the world's CO2 itself is plausible.
    assert _checks(primary=PRIMARY * 1000, output=OUTPUT * 1000) == ["world_intensity"]


def test_one_region_a_thousand_times_off_is_named():
    production = PRODUCTION.copy()
    production[1] *= 1000  # 8,000,000 Mt: the world is off too
    primary = PRIMARY.copy()
    primary[3] /= 1000  # the island's money in thousands: intensity 1000 x
    found = plausibility.plausibility_warnings(REGIONS, PRODUCTION, primary, OUTPUT, 2015)
    assert [item["check"] for item in found] == ["region_intensity"]
    assert list(found[0]["values"]["regions_kg_per_usd"]) == ["SML"]
    assert "SML 500" in found[0]["message"]
    found = plausibility.plausibility_warnings(REGIONS, production, PRIMARY, OUTPUT, 2015)
    assert [item["check"] for item in found] == [
        "world_co2",
        "world_intensity",
        "region_intensity",
        "region_emissions_per_output",
    ]
    assert list(found[2]["values"]["regions_kg_per_usd"]) == ["BBB"]


def test_world_co2_is_judged_only_for_the_years_of_its_range():
    low = PRODUCTION / 10  # 3,310 Mt: implausible for 1990-2028 only
    assert _checks(production=low, primary=PRIMARY / 10, output=OUTPUT / 10) == ["world_co2"]
    assert _checks(production=low, primary=PRIMARY / 10, output=OUTPUT / 10, year=1975) == []


def test_run_warnings_collect_plausibility_and_intensity_basis():
    diagnostics = {
        "plausibility_warnings": [{"message": "world fossil CO2 ..."}],
        "world_intensity": {"ratio": 1.0},
        "variants": {"no_inventories": {"world_intensity": {"warning": "ratio 0.9"}}},
    }
    assert plausibility.run_warnings(diagnostics) == [
        "world fossil CO2 ...",
        "intensity basis (variant no_inventories): ratio 0.9",
    ]
    assert plausibility.run_warnings({}) == []
