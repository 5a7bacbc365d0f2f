"""Source comparison: side-by-side group accounts with relative differences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bri_carbon.core import compare, grouping, intensities
from bri_carbon.harmonize import harmonized
from bri_carbon.results import store
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources.parsed import ParsedSystem

from ..support.systems import identity_regions, random_system, regional_accounts_of

REGIONS = ["CHN", "IND", "USA", "DEU"]
GROUPING = pd.DataFrame(
    {"name": REGIONS, "bri": [True, True, False, False], "group": ["Asia", "Asia", "US", "EU"]},
    index=pd.Index(REGIONS, name="iso3"),
)


def _group_accounts(seed: int) -> pd.DataFrame:
    """Group accounts of a random world (two 'sources' differ by their seed)."""
    system = random_system(REGIONS, ["Agriculture", "Industry"], seed=seed)
    dataset = harmonized.harmonize(
        ParsedSystem(system, ("CO2 / Total",)),
        source="synthetic",
        year=2015,
        regions=identity_regions(REGIONS),
        common_sectors=("Agriculture", "Industry"),
    )
    regional = intensities.with_intensities(
        store.accounts_frame(regional_accounts_of(dataset)), "primary_inputs"
    )
    return intensities.with_intensities(
        grouping.group_accounts(regional, GROUPING), "primary_inputs"
    )


def test_side_by_side_values_and_relative_differences():
    first, second, third = _group_accounts(1), _group_accounts(2), _group_accounts(3)
    table = compare.side_by_side({"eora26": first, "exiobase3": second, "gloria": third})
    assert list(table.index) == ["Asia", "US", "EU", "World"]
    np.testing.assert_allclose(
        table.loc["Asia", "production_mt_eora26"], first.loc["Asia", "production_mt"]
    )
    np.testing.assert_allclose(
        table.loc["EU", "production_mt_gloria"], third.loc["EU", "production_mt"]
    )
    # Every database but the first is measured against the first, the reference.
    for name, other in (("exiobase3", second), ("gloria", third)):
        expected = (other["consumption_mt"] - first["consumption_mt"]) / first[
            "consumption_mt"
        ].abs()
        np.testing.assert_allclose(
            table.loc[expected.index, f"consumption_mt_rel_diff_{name}"], expected
        )
    assert "consumption_mt_rel_diff_eora26" not in table.columns
    assert table.loc["World", "production_mt_eora26"] == pytest.approx(first["production_mt"].sum())
    assert table.loc["World", "production_mt_gloria"] == pytest.approx(third["production_mt"].sum())
    assert np.isnan(table.loc["World", "production_intensity_kg_per_usd_rel_diff_exiobase3"])
    assert table.loc["Asia", "bri"] and not table.loc["US", "bri"]


def test_groups_missing_in_one_database_are_kept_and_flagged():
    first, second = _group_accounts(1), _group_accounts(2).drop(index="EU")
    third = _group_accounts(3).drop(index="Asia")
    table = compare.side_by_side({"eora26": first, "exiobase3@3.8.2": second, "gloria": third})
    assert not table.loc["EU", "in_exiobase3@3.8.2"] and table.loc["EU", "in_eora26"]
    assert np.isnan(table.loc["EU", "production_mt_rel_diff_exiobase3@3.8.2"])
    assert not np.isnan(table.loc["EU", "production_mt_rel_diff_gloria"])
    assert not table.loc["Asia", "in_gloria"] and table.loc["Asia", "bri"]


def test_a_comparison_needs_two_databases():
    first = _group_accounts(1)
    with pytest.raises(WorkflowInputError, match="two or more databases"):
        compare.side_by_side({"eora26": first})
