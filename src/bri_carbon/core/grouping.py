"""Region grouping (config/regions.csv) and aggregation of accounts and flows to groups.

``regions.csv`` columns: ``iso3`` (output region code), ``name``, ``bri`` (true/false),
``group``. Nothing in code names a country: a user swaps the file to study another grouping.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from bri_carbon.core.accounts import ACCOUNT_COLUMNS
from bri_carbon.runtime.errors import WorkflowInputError


def check_coverage(regions: pd.DataFrame, codes: list[str], path: Path) -> None:
    """Every region of the data must be in the grouping file; otherwise list the codes."""
    unmapped = sorted(str(code) for code in set(codes) - set(regions.index))
    if unmapped:
        raise WorkflowInputError(
            f"{path} does not map these regions of the data: {unmapped}. Add one row per code "
            "(iso3,name,bri,group)."
        )


def label_regions(accounts: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Insert ``name``, ``bri`` and ``group`` columns after the region index."""
    labelled = regions.loc[accounts.index, ["name", "bri", "group"]]
    result = pd.concat([labelled, accounts], axis=1)
    result.index.name = accounts.index.name
    return result


def group_order(regions: pd.DataFrame) -> list[str]:
    """Groups in the order of their first appearance in the file (BRI groups first there)."""
    return list(dict.fromkeys(regions["group"]))


def group_accounts(accounts: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Sum the region accounts (:data:`ACCOUNT_COLUMNS`) to groups, in file order.

    The result is indexed by ``group`` with a ``bri`` column (true when all members are BRI).
    """
    groups = regions.loc[accounts.index, "group"]
    summed = accounts[list(ACCOUNT_COLUMNS)].groupby(groups, sort=False).sum()
    bri = regions.loc[accounts.index, "bri"].groupby(groups, sort=False).all()
    order = [g for g in group_order(regions) if g in summed.index]
    result = pd.concat([bri.rename("bri"), summed], axis=1).loc[order]
    result.index.name = "group"
    return result


def group_flows(flows: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Sum an origin x destination region matrix to origin group x destination group."""
    origin = regions.loc[flows.index, "group"]
    destination = regions.loc[flows.columns, "group"]
    by_origin = flows.groupby(origin.to_numpy(), sort=False).sum()
    result = by_origin.T.groupby(destination.to_numpy(), sort=False).sum().T
    order = [g for g in group_order(regions) if g in result.index or g in result.columns]
    result = result.reindex(index=order, columns=order, fill_value=0.0)
    result.index.name = "origin"
    result.columns.name = "destination"
    return result


def sector_flows_by_group(
    sector_flows: np.ndarray,
    region_codes: Sequence[str],
    sectors: Sequence[str],
    regions: pd.DataFrame,
) -> pd.DataFrame:
    """Sector-level flows with the destinations summed to groups, in long form.

    ``sector_flows`` (r, c, r): Mt CO2 emitted in each origin region and common sector,
    driven by final demand of each destination region (:attr:`RegionalAccounts.sector_flows`);
    ``region_codes`` (r,) and ``sectors`` (c,) label it; ``regions``: the grouping. Columns
    ``origin``, ``sector``, ``destination_group``, ``co2_mt``, sorted by origin code, sector
    (in the given order) and destination group (grouping-file order).
    """
    destination = regions.loc[list(region_codes), "group"].to_numpy()
    order = [g for g in group_order(regions) if g in set(destination)]
    summed = np.stack(
        [sector_flows[:, :, destination == group].sum(axis=2) for group in order], axis=2
    )
    index = pd.MultiIndex.from_product(
        [list(region_codes), list(sectors), order], names=["origin", "sector", "destination_group"]
    )
    frame = pd.DataFrame({"co2_mt": summed.reshape(-1)}, index=index).reset_index()
    rank = {code: i for i, code in enumerate(sorted(region_codes))}
    return (
        frame.assign(_rank=frame["origin"].map(rank))
        .sort_values("_rank", kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )
