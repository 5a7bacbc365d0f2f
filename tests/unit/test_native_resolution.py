"""The system is solved at the source's own resolution; regions and sectors are summed in the
results only. Final-demand categories may be left out of the consumption-based accounts."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pymrio
import pytest

from bri_carbon.core import intensities
from bri_carbon.harmonize import harmonized
from bri_carbon.results import store
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources.parsed import ParsedSystem

from ..support.systems import (
    identity_regions,
    pymrio_reference,
    random_system,
    regional_accounts_of,
)

REGIONS = ["AAA", "BBB", "CCC"]
SECTORS = ["s1", "s2", "s3", "s4", "s5"]


@pytest.fixture(scope="module")
def system() -> pymrio.IOSystem:
    return random_system(REGIONS, SECTORS, seed=21)


def _dataset(system, regions: pd.Series, sector_map: pd.Series | None = None):
    common = tuple(dict.fromkeys(sector_map)) if sector_map is not None else tuple(SECTORS)
    return harmonized.harmonize(
        ParsedSystem(system, ("CO2 / Total",)),
        source="test",
        year=2015,
        regions=regions,
        common_sectors=common,
        sector_map=sector_map,
    )


def test_native_results_equal_pymrio_calc_all(system):
    result = regional_accounts_of(_dataset(system, identity_regions(REGIONS)))
    pba, cba, flows = pymrio_reference(system.Z, system.Y, system.co2.F, system.co2.F_Y)
    acc = store.accounts_frame(result)
    np.testing.assert_allclose(acc["production_mt"], pba.loc[acc.index] * 1e-3, rtol=1e-9)
    np.testing.assert_allclose(acc["consumption_mt"], cba.loc[acc.index] * 1e-3, rtol=1e-9)
    np.testing.assert_allclose(
        store.flows_frame(result).to_numpy(),
        flows.loc[list(result.regions), list(result.regions)].to_numpy() * 1e-3,
        rtol=1e-9,
    )


def test_sector_concordance_is_kept_beside_the_data_not_applied_to_it(system):
    mapping = pd.Series(["goods", "goods", "services", "services", "services"], index=SECTORS)
    dataset = _dataset(system, identity_regions(REGIONS), mapping)
    assert list(dataset["sector"].values) == SECTORS
    assert list(dataset["common_sector"].values) == list(mapping)
    n = len(REGIONS) * len(SECTORS)
    np.testing.assert_allclose(
        dataset["Z"].to_numpy().reshape(n, n), system.Z.to_numpy() * 1e-3, rtol=1e-15
    )


def test_regions_mapped_to_one_code_are_summed_after_the_solve(system):
    native = regional_accounts_of(_dataset(system, identity_regions(REGIONS)))
    merged = regional_accounts_of(_dataset(system, pd.Series(["AB", "AB", "CCC"], index=REGIONS)))
    assert merged.regions == ("AB", "CCC")
    flows = store.flows_frame(native)
    expected = flows.T.groupby(lambda r: "AB" if r != "CCC" else r).sum().T
    expected = expected.groupby(lambda r: "AB" if r != "CCC" else r).sum()
    np.testing.assert_allclose(store.flows_frame(merged).to_numpy(), expected.to_numpy())
    for column in ("production_mt", "consumption_mt", "value_added_musd", "gross_output_musd"):
        values = store.accounts_frame(native)[column]
        assert merged.accounts[column][0] == pytest.approx(values["AAA"] + values["BBB"])
    assert merged.diagnostics["source_regions"] == 3 and merged.diagnostics["regions"] == 2


def test_aggregating_sectors_before_the_solve_would_change_consumption(system):
    """Why the solve stays native: the same table summed to two sectors per region first
    gives other consumption-based accounts (production-based ones are sums of F and agree)."""
    native = store.accounts_frame(regional_accounts_of(_dataset(system, identity_regions(REGIONS))))
    groups = {"s1": "goods", "s2": "goods", "s3": "services", "s4": "services", "s5": "services"}

    def summed(frame: pd.DataFrame, axis: int) -> pd.DataFrame:
        keys = frame.index if axis == 0 else frame.columns
        labels = pd.MultiIndex.from_tuples([(r, groups.get(s, s)) for r, s in keys])
        frame = frame.set_axis(labels, axis=axis)
        return (
            frame.groupby(level=[0, 1], sort=False).sum()
            if axis == 0
            else frame.T.groupby(level=[0, 1], sort=False).sum().T
        )

    aggregated = random_system(REGIONS, SECTORS, seed=21)
    aggregated.Z = summed(summed(system.Z, 0), 1)
    aggregated.Y = summed(system.Y, 0)
    aggregated.co2.F = summed(system.co2.F, 1)
    aggregated.value_added.F = summed(system.value_added.F, 1)
    aggregated.unit = pd.DataFrame({"unit": "000 USD"}, index=aggregated.Z.index)
    coarse = harmonized.harmonize(
        ParsedSystem(aggregated, ("CO2 / Total",)),
        source="test",
        year=2015,
        regions=identity_regions(REGIONS),
        common_sectors=("goods", "services"),
    )
    coarse_accounts = store.accounts_frame(regional_accounts_of(coarse))
    np.testing.assert_allclose(coarse_accounts["production_mt"], native["production_mt"])
    gap = (coarse_accounts["consumption_mt"] / native["consumption_mt"] - 1).abs().max()
    assert gap > 1e-4


def test_excluded_categories_leave_the_consumption_accounts_and_close_the_identities(system):
    dataset = _dataset(system, identity_regions(REGIONS))
    result = regional_accounts_of(dataset, excluded_categories=("Government",))
    assert result.diagnostics["excluded_final_demand"]["categories"] == ["Government"]
    # Independently: L of the full system (x counts every category) times the household
    # final demand only, and times the government final demand for the excluded part.
    full = random_system(REGIONS, SECTORS, seed=21)
    full.calc_all()
    intensity = full.co2.S.iloc[0].to_numpy() * 1e-3
    household = full.Y.xs("Household", axis=1, level=1)
    government = full.Y.xs("Government", axis=1, level=1).sum(axis=1)
    driven = intensity[:, None] * (full.L.to_numpy() @ household.to_numpy())
    flows = pd.DataFrame(driven, index=full.Z.index).groupby(level=0, sort=False).sum()
    np.testing.assert_allclose(result.flows, flows.loc[list(result.regions)].to_numpy(), rtol=1e-9)
    excluded = intensity * (full.L.to_numpy() @ government.to_numpy())
    excluded = pd.Series(excluded, index=full.Z.index).groupby(level=0, sort=False).sum()
    np.testing.assert_allclose(result.excluded_mt, excluded.loc[list(result.regions)], rtol=1e-9)
    demand = household.T.groupby(level=0, sort=False).sum().T.sum()
    np.testing.assert_allclose(
        result.accounts["final_demand_musd"], demand.loc[list(result.regions)] * 1e-3
    )
    assert result.diagnostics["identity_gaps"]["global_production_vs_consumption"] <= 1e-12


def test_an_unknown_excluded_category_names_the_categories_of_the_data(system):
    dataset = _dataset(system, identity_regions(REGIONS))
    with pytest.raises(WorkflowInputError, match=r"final_demand.exclude.*'Household'"):
        regional_accounts_of(dataset, excluded_categories=("Changes in inventories P.52",))


def test_regions_without_positive_final_demand_get_empty_intensities(caplog):
    accounts = pd.DataFrame(
        {
            "production_mt": [10.0, 5.0],
            "consumption_mt": [8.0, -1.0],
            "primary_inputs_musd": [100.0, 50.0],
            "final_demand_musd": [90.0, -3.0],
        },
        index=pd.Index(["AAA", "BBB"], name="region"),
    )
    with caplog.at_level(logging.WARNING, logger="bri_carbon.core.intensities"):
        result = intensities.with_intensities(accounts, "primary_inputs")
    assert np.isnan(result.loc["BBB", "consumption_intensity_kg_per_usd"])
    assert result.loc["AAA", "consumption_intensity_kg_per_usd"] == pytest.approx(8 / 90 * 1e3)
    assert "final demand is zero or negative for ['BBB']" in caplog.text
