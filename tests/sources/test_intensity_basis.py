"""One basis for both intensities: on tables in the exact EXIOBASE 3 (ixi and pxp, 3.8 and
3.9 layouts) and Eora26 layouts, through the real parsers and the accounts, the world's
production-based intensity equals its consumption-based intensity to 1e-9, with and without
the changes in inventories and valuables; the reported value-added rows are not the basis,
and the gap between them and the primary inputs is named."""

from __future__ import annotations

import numpy as np
import pytest

from bri_carbon.core import intensities, plausibility
from bri_carbon.harmonize import harmonized
from bri_carbon.sources import config_tables, eora26, eora26_layout, exiobase3

from ..support.fixtures import EXIO_VALUE_ADDED, exiobase3_world, write_eora26, write_exiobase3
from ..support.systems import regional_accounts_of
from ..support.workflow import REPO

PRODUCT_TAXES = "Taxes less subsidies on products purchased: Total"
#: The default of config key robustness.inventory_categories.
INVENTORIES = {
    "exiobase3": ("Changes in inventories", "Changes in valuables"),
    "eora26": ("Changes in inventories P.52", "Acquisitions less disposals of valuables P.53"),
}


def _exiobase_dataset(folder, system: str, layout: str):
    world = exiobase3_world(2015, system, regions=("CN", "DE", "WA"))
    archive = write_exiobase3(folder, world, layout=layout, top_folder=True)
    parsed = exiobase3.parse_co2_system(archive, 2015, system)
    rates = config_tables.read_exchange_rates(REPO / "data" / "exchange_rates.csv")
    money, attrs = harmonized.money_to_million_usd("M.EUR", 2015, rates)
    dataset = harmonized.harmonize(
        parsed,
        source="exiobase3",
        year=2015,
        regions=config_tables.region_code_mapping(REPO / "data" / "region_codes.csv", "exiobase3"),
        common_sectors=eora26_layout.SECTORS,
        sector_map=config_tables.read_concordance(
            REPO / "data" / "concordances" / f"exio3_{system}.csv"
        ),
        money_per_million=money,
        attrs=attrs,
    )
    return world, dataset


@pytest.mark.parametrize(("system", "layout"), [("ixi", "3.8"), ("pxp", "3.9")])
def test_exiobase_world_intensity_ratio_is_one(tmp_path, system, layout):
    world, dataset = _exiobase_dataset(tmp_path, system, layout)
    result = regional_accounts_of(dataset, inventory_categories=INVENTORIES["exiobase3"])
    check = result.diagnostics["world_intensity"]
    assert check["ratio"] == pytest.approx(1.0, abs=1e-9)
    assert "warning" not in check
    variant = result.diagnostics["variants"]["no_inventories"]["world_intensity"]
    assert variant["ratio"] == pytest.approx(1.0, abs=1e-9)
    # The value-added rows the reader keeps leave out the taxes on products (5 % of the
    # fixture's value added, by construction): with them as the basis the ratio would not
    # be 1. The gap is named.
    rows = result.diagnostics["value_added_rows"]
    share = EXIO_VALUE_ADDED[PRODUCT_TAXES]
    assert rows["gap_pct"] == pytest.approx(100 * share, rel=1e-6)
    assert PRODUCT_TAXES in rows["left_out"]
    value_added = result.accounts["value_added_musd"].sum()
    final_demand = result.accounts["final_demand_musd"].sum()
    assert final_demand / value_added == pytest.approx(1 / (1 - share), rel=1e-6)
    assert world.Y.to_numpy().sum() > 0


def test_eora26_world_intensity_ratio_is_one_with_its_row_entry(tmp_path):
    archive = write_eora26(tmp_path)
    parsed = eora26.parse_co2_system(archive, 2015)
    dataset = harmonized.harmonize(
        parsed,
        source="eora26",
        year=2015,
        regions=config_tables.region_code_mapping(REPO / "data" / "region_codes.csv", "eora26"),
        common_sectors=eora26_layout.SECTORS,
    )
    result = regional_accounts_of(dataset, inventory_categories=INVENTORIES["eora26"])
    assert result.diagnostics["world_intensity"]["ratio"] == pytest.approx(1.0, abs=1e-9)
    no_inventories = result.diagnostics["variants"]["no_inventories"]
    assert no_inventories["world_intensity"]["ratio"] == pytest.approx(1.0, abs=1e-9)
    assert no_inventories["categories_left_out"] == list(INVENTORIES["eora26"])
    # The primary inputs hold what the value-added rows do plus the purchases from the ROW
    # entry less the sales to it (and the ROW column's final demand): named, in million USD.
    rows = result.diagnostics["value_added_rows"]
    assert rows["purchases_from_discrepancy_musd"] > 0
    assert "ROW" in rows["left_out"]
    assert rows["gap_musd"] == pytest.approx(
        rows["purchases_from_discrepancy_musd"]
        - rows["sales_to_discrepancy_musd"]
        + rows["remainder_musd"]
    )


def test_excluded_categories_break_the_world_identity_and_say_why(tmp_path):
    _, dataset = _exiobase_dataset(tmp_path, "ixi", "3.8")
    result = regional_accounts_of(dataset, excluded_categories=("Changes in valuables",))
    check = result.diagnostics["world_intensity"]
    assert check["ratio"] != pytest.approx(1.0, abs=1e-9)
    assert "['Changes in valuables']" in check["warning"]
    assert "final_demand.exclude" in check["warning"]
    warnings = plausibility.run_warnings(result.diagnostics)
    assert any(text.startswith("intensity basis:") for text in warnings)


def test_the_check_itself_on_hand_made_totals():
    # PBA 10 + 20 = CBA 12 + 18; primary inputs 40 + 60 = final demand 70 + 30: ratio 1.
    values = {
        "production_mt": np.array([10.0, 20.0]),
        "consumption_mt": np.array([12.0, 18.0]),
        "primary_inputs_musd": np.array([40.0, 60.0]),
        "final_demand_musd": np.array([70.0, 30.0]),
    }
    check = intensities.world_intensity_check(values, {"categories": []}, 1e-9)
    assert check["ratio"] == 1.0 and check["production_intensity_kg_per_usd"] == 300.0
    values["final_demand_musd"] = np.array([70.0, 20.0])  # 90: (30 / 100) / (30 / 90)
    check = intensities.world_intensity_check(values, {"categories": []}, 1e-9)
    assert check["ratio"] == pytest.approx(0.9)
    assert "does not balance" in check["warning"] and "ratio 0.9" in check["warning"]
