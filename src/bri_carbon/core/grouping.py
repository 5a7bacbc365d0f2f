"""Region grouping (config/regions.csv) and aggregation of accounts and flows to groups.

``regions.csv`` columns: ``iso3`` (output region code), ``name``, ``bri`` (true/false),
``group``. Nothing in code names a country: a user swaps the file to study another grouping.
"""

from __future__ import annotations

from pathlib import Path

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
