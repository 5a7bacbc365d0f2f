"""The accounts without changes in inventories and valuables, by hand on a two-region world.

One sector per region, million USD and Mt CO2 (no unit conversion):

    Z = [[10, 40],     x = [100, 200],  A = Z / x = [[0.1, 0.2],
         [20, 60]]                                   [0.2, 0.3]]

    (I - A)^-1 = [[0.7, 0.2], [0.2, 0.9]] / 0.59

Final demand (rows: producing region) by purchaser and category:

             R1 households  R1 inventories  R2 households  R2 inventories
    R1            30              10              15              -5
    R2            20               0              90              10

Industry CO2 f = [50, 20] (s = f / x = [0.5, 0.1]); household direct CO2 of R1: 3 in
households and 1 in inventories; of R2: 2 in households. Primary inputs x - 1'Z = [70, 100];
the value-added rows as reported [60, 100]. Without inventories, final demand is
y'_R1 = [30, 20] and y'_R2 = [15, 90].
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymrio
import pytest

from bri_carbon.harmonize import harmonized
from bri_carbon.sources.parsed import ParsedSystem

from ..support.systems import identity_regions, regional_accounts_of

REGIONS = ["R1", "R2"]
CATEGORIES = ["Households", "Changes in inventories"]
L = np.array([[0.7, 0.2], [0.2, 0.9]]) / 0.59
S = np.array([0.5, 0.1])


def _dataset():
    node = pd.MultiIndex.from_product([REGIONS, ["S"]], names=["region", "sector"])
    columns = pd.MultiIndex.from_product([REGIONS, CATEGORIES], names=["region", "category"])
    co2 = pd.MultiIndex.from_tuples([("CO2", "Total")], names=["stressor", "source"])
    va = pd.MultiIndex.from_tuples([("Primary", "Wages")], names=["inputtype", "category"])
    system = pymrio.IOSystem(
        Z=pd.DataFrame([[10.0, 40.0], [20.0, 60.0]], index=node, columns=node),
        Y=pd.DataFrame([[30.0, 10.0, 15.0, -5.0], [20.0, 0.0, 90.0, 10.0]], node, columns),
        unit=pd.DataFrame({"unit": ["M.USD"] * 2}, index=node),
        co2={
            "name": "co2",
            "F": pd.DataFrame([[50.0, 20.0]], index=co2, columns=node),
            "F_Y": pd.DataFrame([[3.0, 1.0, 2.0, 0.0]], index=co2, columns=columns),
            "unit": pd.DataFrame({"unit": ["Mt"]}, index=co2),
        },
        value_added={
            "name": "value_added",
            "F": pd.DataFrame([[60.0, 100.0]], index=va, columns=node),
            "unit": pd.DataFrame({"unit": ["M.USD"]}, index=va),
        },
    )
    return harmonized.harmonize(
        ParsedSystem(system, ("CO2 / Total",)),
        source="test",
        year=2015,
        regions=identity_regions(REGIONS),
        common_sectors=("S",),
    )


@pytest.fixture(scope="module")
def result():
    return regional_accounts_of(_dataset(), inventory_categories=("Changes in inventories",))


def test_flows_without_inventories_are_those_of_the_other_final_demand(result):
    variant = result.variants["no_inventories"]
    # E'[o, d] = s_o (L y'_d)_o
    by_hand = np.column_stack([S * (L @ [30.0, 20.0]), S * (L @ [15.0, 90.0])])
    np.testing.assert_allclose(variant.flows, by_hand, rtol=1e-12)
    np.testing.assert_allclose(by_hand, [[12.5 / 0.59, 14.25 / 0.59], [2.4 / 0.59, 8.4 / 0.59]])
    # The baseline is untouched: all of it, inventories included.
    np.testing.assert_allclose(
        result.flows, [[16 / 0.59, 13.5 / 0.59], [2.6 / 0.59, 9.2 / 0.59]], rtol=1e-12
    )


def test_accounts_without_inventories(result):
    acc = result.variants["no_inventories"].accounts
    np.testing.assert_allclose(acc["household_direct_mt"], [3.0, 2.0])
    np.testing.assert_allclose(
        acc["production_mt"], [(12.5 + 14.25) / 0.59 + 3, (2.4 + 8.4) / 0.59 + 2], rtol=1e-12
    )
    np.testing.assert_allclose(
        acc["consumption_mt"], [(12.5 + 2.4) / 0.59 + 3, (14.25 + 8.4) / 0.59 + 2], rtol=1e-12
    )
    np.testing.assert_allclose(acc["final_demand_musd"], [50.0, 105.0])
    # Primary inputs induced by the inventories: (70 / 100, 100 / 200) times the output
    # they induce, L (y_inv_R1 + y_inv_R2) = L [5, 10] = [5.5, 10] / 0.59.
    np.testing.assert_allclose(
        acc["primary_inputs_musd"], [70 - 0.7 * 5.5 / 0.59, 100 - 0.5 * 10 / 0.59], rtol=1e-12
    )
    np.testing.assert_allclose(
        acc["value_added_musd"], [60 - 0.6 * 5.5 / 0.59, 100 - 0.5 * 10 / 0.59], rtol=1e-12
    )
    np.testing.assert_allclose(
        acc["gross_output_musd"], [100 - 5.5 / 0.59, 200 - 10 / 0.59], rtol=1e-12
    )
    # The world's two totals still agree: 155 = 50 + 105.
    assert acc["primary_inputs_musd"].sum() == pytest.approx(155.0, rel=1e-12)
    assert acc["production_mt"].sum() == pytest.approx(acc["consumption_mt"].sum(), rel=1e-12)


def test_diagnostics_name_what_was_left_out(result):
    found = result.diagnostics["variants"]["no_inventories"]
    assert found["categories_left_out"] == ["Changes in inventories"]
    assert found["final_demand_left_out_musd"] == pytest.approx(15.0)
    assert found["industry_co2_left_out_mt"] == pytest.approx((3.5 + 0.2 - 0.75 + 0.8) / 0.59)
    assert found["world_intensity"]["ratio"] == pytest.approx(1.0, abs=1e-12)
    assert max(found["identity_gaps"].values()) < 1e-12
    baseline = result.accounts
    np.testing.assert_allclose(baseline["primary_inputs_musd"], [70.0, 100.0])
    assert result.diagnostics["value_added_rows"]["gap_musd"] == pytest.approx(10.0)


def test_without_inventory_categories_there_is_no_variant():
    result = regional_accounts_of(_dataset())
    assert result.variants == {}
    assert "variants" not in result.diagnostics
