"""Small MRIO systems generated in code for the tests (no files, no network)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pymrio
import xarray as xr

from bri_carbon.core import accounts
from bri_carbon.harmonize import harmonized
from bri_carbon.harmonize.account_inputs import AccountInputs, open_account_inputs


def random_system(
    regions: list[str],
    sectors: list[str],
    seed: int = 0,
    categories: tuple[str, ...] = ("Household", "Government"),
) -> pymrio.IOSystem:
    """A balanced random IOSystem in Eora units: Z, Y in '000 USD', extension ``co2`` in Gg
    (F and F_Y) and ``value_added`` (two rows)."""
    rng = np.random.default_rng(seed)
    node = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    fd = pd.MultiIndex.from_product([regions, list(categories)], names=["region", "category"])
    n = len(node)
    A = rng.uniform(0, 1, (n, n))
    A *= rng.uniform(0.2, 0.6, n) / A.sum(axis=0)
    Y = rng.uniform(10, 100, (n, len(fd)))
    x = np.linalg.solve(np.eye(n) - A, Y.sum(axis=1))
    Z = A * x
    value_added = x - Z.sum(axis=0)
    F = rng.uniform(0.1, 5.0, (1, n)) * x / 1000
    F_Y = np.zeros((1, len(fd)))
    F_Y[0, ::2] = rng.uniform(1, 10, len(regions))
    co2_index = pd.MultiIndex.from_tuples([("CO2", "Total")], names=["stressor", "source"])
    va_index = pd.MultiIndex.from_tuples(
        [("Primary Inputs", "Wages"), ("Primary Inputs", "Surplus")],
        names=["inputtype", "category"],
    )
    return pymrio.IOSystem(
        Z=pd.DataFrame(Z, index=node, columns=node),
        Y=pd.DataFrame(Y, index=node, columns=fd),
        unit=pd.DataFrame({"unit": ["000 USD"] * n}, index=node),
        co2={
            "name": "co2",
            "F": pd.DataFrame(F, index=co2_index, columns=node),
            "F_Y": pd.DataFrame(F_Y, index=co2_index, columns=fd),
            "unit": pd.DataFrame({"unit": ["Gg"]}, index=co2_index),
        },
        value_added={
            "name": "value_added",
            "F": pd.DataFrame(
                np.vstack([0.6 * value_added, 0.4 * value_added]), index=va_index, columns=node
            ),
            "unit": pd.DataFrame({"unit": ["000 USD"] * 2}, index=va_index),
        },
    )


def pymrio_reference(
    Z: pd.DataFrame, Y: pd.DataFrame, F: pd.DataFrame, F_Y: pd.DataFrame
) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """pymrio's ``calc_all`` on a native system with one stressor row ``F`` (1 x n) and
    ``F_Y`` (1 x m): production- and consumption-based emissions per region (``D_pba_reg``
    and ``D_cba_reg``, which include F_Y in pymrio 0.7) and the origin x destination flow
    matrix diag(S) L Y_reg summed over the sectors of each origin region; units of F."""
    system = pymrio.IOSystem(Z=Z, Y=Y, co2={"name": "co2", "F": F, "F_Y": F_Y})
    system.calc_all()
    region_demand = system.Y.T.groupby(level=0, sort=False).sum().T
    intensity = system.co2.S.iloc[0]
    flows = (system.L.mul(intensity, axis=0) @ region_demand).groupby(level=0, sort=False).sum()
    return system.co2.D_pba_reg.iloc[0], system.co2.D_cba_reg.iloc[0], flows


def identity_regions(regions: list[str]) -> pd.Series:
    """A region mapping that keeps every code."""
    return pd.Series(regions, index=regions)


@contextmanager
def written_inputs(
    dataset: xr.Dataset,
    excluded_categories: tuple[str, ...] = (),
    inventory_categories: tuple[str, ...] = (),
) -> Iterator[AccountInputs]:
    """The accounts' inputs of ``dataset``, through its netCDF file in a temporary folder
    (the path the accounts rule takes)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "harmonized.nc"
        harmonized.write(dataset, path)
        with open_account_inputs(path, excluded_categories, inventory_categories) as inputs:
            yield inputs


def regional_accounts_of(
    dataset: xr.Dataset,
    excluded_categories: tuple[str, ...] = (),
    inventory_categories: tuple[str, ...] = (),
    **options: Any,
) -> accounts.RegionalAccounts:
    """:func:`bri_carbon.core.accounts.regional_accounts` of ``dataset`` via its netCDF file."""
    with written_inputs(dataset, excluded_categories, inventory_categories) as inputs:
        return accounts.regional_accounts(inputs, **options)
