"""Region grouping (config/regions.csv) and aggregation of accounts and flows to groups.

``regions.csv`` columns: ``iso3`` (output region code), ``name``, ``bri`` (true/false),
``group``. Nothing in code names a country: a user swaps the file to study another grouping.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bri_carbon.core.accounts import ACCOUNT_COLUMNS
from bri_carbon.runtime.errors import WorkflowInputError

REGION_COLUMNS = ("iso3", "name", "bri", "group")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def read_regions(path: Path) -> pd.DataFrame:
    """Read and validate the grouping file; returns a frame indexed by ``iso3``.

    Raises a clear error for missing columns, duplicate codes or unreadable ``bri`` values.
    """
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read region grouping {path}: {err}") from err
    missing = [column for column in REGION_COLUMNS if column not in table.columns]
    if missing:
        raise WorkflowInputError(
            f"{path} lacks columns {missing}; it needs {list(REGION_COLUMNS)} (see README)."
        )
    duplicated = sorted(set(table["iso3"][table["iso3"].duplicated()]))
    if duplicated:
        raise WorkflowInputError(f"{path} lists these codes more than once: {duplicated}")
    flags = table["bri"].str.strip().str.lower()
    bad = table.loc[~flags.isin(_TRUE | _FALSE), "iso3"].tolist()
    if bad:
        raise WorkflowInputError(f"{path}: column bri must be true or false; bad rows: {bad}")
    empty_group = table.loc[table["group"].str.strip() == "", "iso3"].tolist()
    if empty_group:
        raise WorkflowInputError(f"{path}: rows without a group: {empty_group}")
    table["bri"] = flags.isin(_TRUE)
    return table.set_index("iso3")


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
