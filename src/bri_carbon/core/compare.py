"""Source comparison: the group accounts of one year from two MRIO sources side by side.

For each group and account column c the table holds c of source a, c of source b and the
relative difference (b - a) / |a| (NaN where a is 0 or a group is missing in one source).
Units are those of the group accounts: Mt CO2, million current USD, kg CO2 per USD.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from bri_carbon.runtime.errors import WorkflowInputError

#: Account columns compared by default (present in every source's groups/accounts.csv).
COMPARED_COLUMNS = (
    "production_mt",
    "consumption_mt",
    "net_export_mt",
    "value_added_musd",
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
