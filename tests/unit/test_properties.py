"""Property-based test: random valid small systems keep the accounting identities."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bri_carbon.harmonize import harmonized
from bri_carbon.results import store
from bri_carbon.sources.parsed import ParsedSystem

from ..support.systems import identity_regions, random_system, regional_accounts_of


@settings(max_examples=40, deadline=None)
@given(
    n_regions=st.integers(min_value=1, max_value=4),
    n_sectors=st.integers(min_value=1, max_value=4),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    idle_sector=st.booleans(),
)
def test_identities_hold_for_random_systems(n_regions, n_sectors, seed, idle_sector):
    regions = [f"R{i}" for i in range(n_regions)]
    sectors = tuple(f"s{j}" for j in range(n_sectors))
    system = random_system(regions, list(sectors), seed=seed)
    if idle_sector:
        # One sector with no output at all: its column, row and final demand are zero.
        system.Z.iloc[0, :] = 0.0
        system.Z.iloc[:, 0] = 0.0
        system.Y.iloc[0, :] = 0.0
    dataset = harmonized.harmonize(
        ParsedSystem(system, ("CO2 / Total",)),
        source="test",
        year=2000,
        regions=identity_regions(regions),
        common_sectors=sectors,
    )
    result = regional_accounts_of(dataset, rtol=1e-9)
    acc, flows = store.accounts_frame(result), store.flows_frame(result)
    total_production = acc["production_mt"].sum()
    assert abs(total_production - acc["consumption_mt"].sum()) <= 1e-9 * total_production
    lost = result.diagnostics["emissions_of_zero_output_sectors_mt"]
    direct = (dataset["F"].sum().item() - lost) + dataset["F_Y"].sum().item()
    assert abs(total_production - direct) <= 1e-9 * direct
    np.testing.assert_allclose(
        flows.sum(axis=1), acc["production_mt"] - acc["household_direct_mt"], rtol=1e-9
    )
    np.testing.assert_allclose(
        flows.sum(axis=0), acc["consumption_mt"] - acc["household_direct_mt"], rtol=1e-9
    )
    if idle_sector:
        assert result.diagnostics["zero_output_sectors"] >= 1
        assert lost > 0
