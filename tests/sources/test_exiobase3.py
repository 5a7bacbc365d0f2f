"""EXIOBASE 3 parsing (v3.8 and v3.9 layouts), concordances and EUR -> USD conversion."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio
import pytest

from bri_carbon.harmonize import harmonized
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import config_tables, datasets, eora26_layout, exiobase3

from ..support.fixtures import (
    EXIO_CO2_ROWS,
    EXIO_VALUE_ADDED,
    exiobase3_sectors,
    exiobase3_world,
    write_exiobase3,
)
from ..support.workflow import REPO

REGIONS = ("CN", "WA")
PRODUCT_TAXES = "Taxes less subsidies on products purchased: Total"


@pytest.fixture(scope="module")
def world():
    return exiobase3_world(2015, "ixi", regions=REGIONS)


@pytest.fixture(scope="module")
def layouts(world, tmp_path_factory) -> dict[str, Path]:
    """The same world written in every layout variant."""
    root = tmp_path_factory.mktemp("exio")
    variants = {
        "3.8": {"layout": "3.8", "top_folder": True},
        "3.8-no-Z": {"layout": "3.8", "top_folder": True, "with_z": False},
        "3.9-root": {"layout": "3.9", "top_folder": False},
        "3.9-folder": {"layout": "3.9", "top_folder": True},
    }
    return {
        name: write_exiobase3(root / name, world, **options) for name, options in variants.items()
    }


@pytest.mark.parametrize("variant", ["3.8", "3.8-no-Z", "3.9-root", "3.9-folder"])
def test_every_layout_parses_to_the_same_system(world, layouts, variant):
    system = exiobase3.parse_co2_system(layouts[variant], 2015, "ixi").system
    n = len(REGIONS) * 163
    assert system.Z.shape == (n, n) and system.Y.shape == (n, 7 * len(REGIONS))
    np.testing.assert_allclose(system.Z.to_numpy(), world.Z.to_numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(system.Y.to_numpy(), world.Y.to_numpy(), rtol=1e-12)
    assert system.co2.F.shape == (1, n) and system.co2.F_Y.shape == (1, 7 * len(REGIONS))
    np.testing.assert_allclose(
        system.co2.F.to_numpy()[0], world.air.loc[list(EXIO_CO2_ROWS)].sum().to_numpy()
    )
    np.testing.assert_allclose(
        system.co2.F_Y.to_numpy()[0],
        world.air_final_demand.loc[list(EXIO_CO2_ROWS)].sum().to_numpy(),
    )
    assert system.co2.unit.iloc[0, 0] == "kg" and system.unit.iloc[0, 0] == "M.EUR"
    assert list(system.value_added.F.index) == list(exiobase3.VALUE_ADDED_ROWS)
    assert PRODUCT_TAXES not in system.value_added.F.index
    assert set(system.get_regions()) == set(REGIONS)


def test_biogenic_and_other_gases_are_left_out(world, layouts):
    system = exiobase3.parse_co2_system(layouts["3.9-root"], 2015, "ixi").system
    everything = world.air.sum().to_numpy()
    assert (system.co2.F.to_numpy()[0] < everything).all()


def test_configured_rows_are_summed(world, layouts):
    only = ("CO2 - combustion - air",)
    system = exiobase3.parse_co2_system(layouts["3.8"], 2015, "ixi", only).system
    np.testing.assert_allclose(system.co2.F.to_numpy()[0], world.air.loc[only[0]].to_numpy())


def test_unknown_stressor_names_the_rows(layouts):
    with pytest.raises(WorkflowInputError, match="CO2 - typo - air"):
        exiobase3.parse_co2_system(layouts["3.9-root"], 2015, "ixi", ["CO2 - typo - air"])


def test_system_mismatch_is_explained(layouts):
    with pytest.raises(WorkflowInputError, match=r"exiobase3\.system"):
        exiobase3.parse_co2_system(layouts["3.8"], 2015, "pxp")


def test_not_a_zip_is_explained(tmp_path):
    broken = tmp_path / "IOT_2015_ixi.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(WorkflowInputError, match="not a readable zip"):
        exiobase3.parse_co2_system(broken, 2015, "ixi")


def test_pxp_parses_with_200_products(tmp_path):
    pxp = exiobase3_world(2011, "pxp", regions=("DE",))
    archive = write_exiobase3(tmp_path, pxp, layout="3.9")
    system = exiobase3.parse_co2_system(archive, 2011, "pxp").system
    assert system.Z.shape == (200, 200)


@pytest.mark.parametrize("system", ["ixi", "pxp"])
def test_concordance_maps_every_pymrio_sector_once(system):
    path = REPO / "data" / "concordances" / f"exio3_{system}.csv"
    concordance = config_tables.read_concordance(path)
    harmonized.check_concordance(
        concordance, exiobase3_sectors(system), eora26_layout.SECTORS, path
    )
    assert len(concordance) == len(pymrio.get_classification(f"exio3_{system}").sectors["ExioName"])


def test_concordance_of_the_other_system_is_refused():
    path = REPO / "data" / "concordances" / "exio3_pxp.csv"
    with pytest.raises(WorkflowInputError, match="configured system"):
        harmonized.check_concordance(
            config_tables.read_concordance(path),
            exiobase3_sectors("ixi"),
            eora26_layout.SECTORS,
            path,
        )


def test_broken_concordances_are_refused(tmp_path):
    twice = tmp_path / "twice.csv"
    twice.write_text("source_sector,isic,target_sector\nA,01,Agriculture\nA,01,Fishing\n")
    with pytest.raises(WorkflowInputError, match="more than once"):
        config_tables.read_concordance(twice)
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("source_sector,isic,target_sector\nA,01,Farming\n")
    with pytest.raises(WorkflowInputError, match="not common sectors"):
        harmonized.check_concordance(
            config_tables.read_concordance(unknown), ["A"], eora26_layout.SECTORS, unknown
        )


def test_money_conversion_never_labels_eur_as_usd():
    rates = config_tables.read_exchange_rates(REPO / "data" / "exchange_rates.csv")
    factor, attrs = harmonized.money_to_million_usd("M.EUR", 2015, rates)
    assert factor == pytest.approx(1.1095) and attrs["usd_per_eur"] == pytest.approx(1.1095)
    assert "Eurostat" in attrs["exchange_rate_source"]
    assert harmonized.money_to_million_usd("000 USD", 2015, None) == (1e-3, {})
    with pytest.raises(WorkflowInputError, match="no USD per EUR rate for 1990"):
        harmonized.money_to_million_usd("M.EUR", 1990, rates)
    with pytest.raises(WorkflowInputError, match="USD per EUR"):
        harmonized.money_to_million_usd("M.EUR", 2015, None)


def test_exchange_rates_cover_every_year_of_every_exiobase_release():
    rates = config_tables.read_exchange_rates(REPO / "data" / "exchange_rates.csv")
    table = datasets.read_datasets(REPO / "data" / "datasets.yaml")["exiobase3"]
    years = {
        year
        for release in table.datasets.values()
        for year in range(release.first_year, release.last_year + 1)
    }
    assert {1995, 2022, 2023, 2024} <= years
    assert years <= set(rates.index)


def test_harmonized_exiobase_keeps_the_native_system_in_usd_and_mt(world, layouts):
    parsed = exiobase3.parse_co2_system(layouts["3.8"], 2015, "ixi")
    path = REPO / "data" / "concordances" / "exio3_ixi.csv"
    concordance = config_tables.read_concordance(path)
    rates = config_tables.read_exchange_rates(REPO / "data" / "exchange_rates.csv")
    money, attrs = harmonized.money_to_million_usd("M.EUR", 2015, rates)
    dataset = harmonized.harmonize(
        parsed,
        source="exiobase3",
        year=2015,
        regions=config_tables.region_code_mapping(REPO / "data" / "region_codes.csv", "exiobase3"),
        common_sectors=eora26_layout.SECTORS,
        sector_map=concordance,
        money_per_million=money,
        attrs=attrs,
    )
    assert list(dataset["region"].values) == ["CN", "WA"]
    assert list(dataset["output_region"].values) == ["CHN", "WA"]
    assert list(dataset["sector"].values) == exiobase3_sectors("ixi")
    assert (
        dataset["common_sector"].values.tolist()
        == concordance.loc[exiobase3_sectors("ixi")].tolist()
    )
    n = len(REGIONS) * 163
    np.testing.assert_allclose(
        dataset["Z"].to_numpy().reshape(n, n), world.Z.to_numpy() * 1.1095, rtol=1e-12
    )
    assert float(dataset["Y"].sum()) == pytest.approx(world.Y.to_numpy().sum() * 1.1095)
    basic = world.value_added.drop(PRODUCT_TAXES).to_numpy().sum()
    assert float(dataset["VA"].sum()) == pytest.approx(basic * 1.1095)
    co2_kg = world.air.loc[list(EXIO_CO2_ROWS)].to_numpy().sum()
    assert float(dataset["F"].sum()) == pytest.approx(co2_kg * 1e-9)
    assert dataset.attrs["usd_per_eur"] == pytest.approx(1.1095)
    assert json.loads(dataset.attrs["co2_rows"]) == list(EXIO_CO2_ROWS)
    assert "discrepancy_inputs" not in dataset
    assert len(EXIO_VALUE_ADDED) == len(exiobase3.VALUE_ADDED_ROWS) + 1


def test_harmonize_refuses_eur_without_a_rate(layouts):
    parsed = exiobase3.parse_co2_system(layouts["3.8"], 2015, "ixi")
    with pytest.raises(WorkflowInputError, match="USD per EUR"):
        harmonized.harmonize(
            parsed,
            source="exiobase3",
            year=2015,
            regions=config_tables.region_code_mapping(
                REPO / "data" / "region_codes.csv", "exiobase3"
            ),
            common_sectors=eora26_layout.SECTORS,
            sector_map=config_tables.read_concordance(
                REPO / "data" / "concordances" / "exio3_ixi.csv"
            ),
        )


def test_a_stressor_row_listed_twice_in_the_file_is_ambiguous(world, tmp_path):
    doubled = exiobase3_world(2015, "ixi", regions=REGIONS)
    air = pd.concat([doubled.air, doubled.air.loc[["CO2 - combustion - air"]]])
    doubled.air = air
    doubled.air_final_demand = pd.concat(
        [doubled.air_final_demand, doubled.air_final_demand.loc[["CO2 - combustion - air"]]]
    )
    archive = write_exiobase3(tmp_path, doubled, layout="3.8")
    with pytest.raises(WorkflowInputError, match=r"more than once.*ambiguous"):
        exiobase3.parse_co2_system(archive, 2015, "ixi")
