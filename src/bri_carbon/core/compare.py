"""Source comparison: the results of one year from two MRIO sources side by side.

- the group accounts: for each group and account column c, c of source a, c of source b and
  the relative difference (b - a) / |a| (NaN where a is 0 or a group is missing in one
  source); units of the group accounts (Mt CO2, million current USD, kg CO2 per USD);
- every headline reading of the findings, as each source computes it;
- the group flow matrix on the regions both sources have (Mt CO2),

so that a user with two sources sees how robust each finding is.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from bri_carbon.core import grouping
from bri_carbon.runtime.errors import WorkflowInputError

#: Account columns compared by default (present in every source's groups/accounts.csv).
COMPARED_COLUMNS = (
    "production_mt",
    "consumption_mt",
    "net_export_mt",
    "primary_inputs_musd",
    "final_demand_musd",
    "production_intensity_kg_per_usd",
    "consumption_intensity_kg_per_usd",
)


def relative_differences(a: pd.Series, b: pd.Series) -> pd.Series:
    """(b - a) / |a|, NaN where a is 0 or either value is missing."""
    denominator = a.abs().where(a != 0)
    return (b - a) / denominator


def side_by_side(
    accounts_a: pd.DataFrame,
    accounts_b: pd.DataFrame,
    names: tuple[str, str],
    columns: Sequence[str] = COMPARED_COLUMNS,
) -> pd.DataFrame:
    """Group accounts of two sources with relative differences, one row per group.

    ``accounts_a``/``accounts_b``: indexed by ``group`` with ``bri`` and ``columns``;
    ``names``: the two source names used as column suffixes. Groups in either source are
    kept (a's order first); ``in_{name}`` columns say where a group is present. A final
    ``World`` row sums the additive (``_mt`` and ``_musd``) columns.
    """
    name_a, name_b = names
    if name_a == name_b:
        raise WorkflowInputError(f"compare.sources lists {name_a} twice; give two sources.")
    for name, frame in ((name_a, accounts_a), (name_b, accounts_b)):
        missing = [column for column in columns if column not in frame.columns]
        if missing:
            raise WorkflowInputError(f"group accounts of {name} lack columns {missing}.")
    order = list(dict.fromkeys([*accounts_a.index, *accounts_b.index]))
    a = accounts_a.reindex(order)
    b = accounts_b.reindex(order)
    additive = [c for c in columns if c.endswith(("_mt", "_musd"))]
    world_a = a[additive].sum().rename("World")
    world_b = b[additive].sum().rename("World")
    a = pd.concat([a[list(columns)], world_a.to_frame().T])
    b = pd.concat([b[list(columns)], world_b.to_frame().T])
    table = pd.DataFrame(index=pd.Index([*order, "World"], name="group"))
    bri = accounts_a["bri"].combine_first(accounts_b["bri"]).reindex(order)
    table["bri"] = [*(bool(flag) for flag in bri), False]
    table[f"in_{name_a}"] = [*np.isin(order, accounts_a.index), True]
    table[f"in_{name_b}"] = [*np.isin(order, accounts_b.index), True]
    for column in columns:
        table[f"{column}_{name_a}"] = a[column].astype(float)
        table[f"{column}_{name_b}"] = b[column].astype(float)
        table[f"{column}_rel_diff"] = relative_differences(
            a[column].astype(float), b[column].astype(float)
        )
    return table


def _differences(a: pd.Series, b: pd.Series, names: tuple[str, str], unit: str) -> pd.DataFrame:
    """Columns ``{value}_{a}``, ``{value}_{b}``, ``difference`` (b - a) and
    ``relative_difference`` ((b - a) / |a|) of two aligned series."""
    name_a, name_b = names
    return pd.DataFrame(
        {
            f"{unit}_{name_a}": a,
            f"{unit}_{name_b}": b,
            "difference": b - a,
            "relative_difference": relative_differences(a, b),
        }
    )


def headline_differences(
    headline_a: pd.DataFrame, headline_b: pd.DataFrame, names: tuple[str, str]
) -> pd.DataFrame:
    """Every headline reading of two sources side by side (each computed on its own data).

    ``headline_a``/``headline_b``: the findings' headline tables (finding, statistic,
    level, subject, value, unit, paper_value). Readings present in one source only are kept
    (the other value NaN). Returns finding, statistic, level, subject, unit, paper_value and
    the columns of the differences, in a's order.
    """
    key = ["finding", "statistic", "level", "subject"]
    merged = headline_a[[*key, "unit", "paper_value", "value"]].merge(
        headline_b[[*key, "unit", "value"]],
        on=key,
        how="outer",
        suffixes=("_a", "_b"),
        sort=False,
    )
    unit = merged["unit_a"].combine_first(merged["unit_b"])
    table = merged[key].assign(unit=unit, paper_value=merged["paper_value"])
    values = _differences(merged["value_a"], merged["value_b"], names, "value")
    return pd.concat([table, values], axis=1)


def common_group_flows(
    flows_a: pd.DataFrame,
    flows_b: pd.DataFrame,
    regions: pd.DataFrame,
    names: tuple[str, str],
) -> pd.DataFrame:
    """The group flow matrices of two sources on their common regions, side by side.

    ``flows_a``/``flows_b``: origin x destination region matrices (Mt CO2). Only flows
    between regions both sources have are kept, then summed to groups, so that the two
    matrices cover the same economies. Long form: origin, destination (groups, grouping-file
    order) and the columns of the differences.
    """
    common = sorted(set(flows_a.index) & set(flows_b.index))
    if not common:
        raise WorkflowInputError(
            f"{names[0]} and {names[1]} have no region code in common; their flows cannot be "
            "compared. Check config/region_codes.csv."
        )
    matrices = [grouping.group_flows(f.loc[common, common], regions) for f in (flows_a, flows_b)]
    index = matrices[0].index.union(matrices[1].index, sort=False)
    a, b = (m.reindex(index=index, columns=index, fill_value=0.0) for m in matrices)
    long_a = a.stack().rename("a")
    long_b = b.stack().rename("b")
    table = _differences(long_a, long_b, names, "co2_mt")
    table.index.names = ["origin", "destination"]
    return table.reset_index()
