"""Trends across data vintages: the headline findings and group accounts year by year.

Everything is computed from the group files of each year (``groups/accounts.csv`` and
``groups/flows.csv``), so a year's trend values are exactly its own results. Notation:
B = the BRI groups, N = all other groups, D = the configured destination groups (default
United States and Europe outside BRI), E[G, H] = industry CO2 emitted in groups G driven by
final demand of groups H (Mt CO2), NEE = PBA - CBA (Mt CO2).

- ``bri_share_of_positive_net_exports_pct`` = 100 * sum of positive NEE over BRI groups /
  sum of positive NEE over all groups: the BRI share of the world's net embodied exports.
- ``bri_net_export_mt`` = NEE of B = E[B, N] - E[N, B] (household emissions cancel).
- ``destination_share_of_bri_net_exports_pct`` = 100 * (E[B, D] - E[D, B]) / (E[B, N] -
  E[N, B]): the part of the BRI net exports that the destination groups' demand drives.
- ``destination_share_of_bri_exports_pct`` = 100 * E[B, D] / E[B, N]: the same for the
  gross embodied exports of B.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from bri_carbon.runtime.errors import WorkflowInputError

#: Definitions of the trend indicators: name -> (unit, definition).
INDICATORS: dict[str, tuple[str, str]] = {
    "bri_share_of_positive_net_exports_pct": (
        "%",
        "BRI groups' share of the sum of positive net embodied exports (PBA - CBA) of all groups",
    ),
    "bri_net_export_mt": ("Mt CO2", "net embodied exports of the BRI groups, PBA - CBA"),
    "bri_exports_to_non_bri_mt": (
        "Mt CO2",
        "industry CO2 in BRI groups driven by final demand of non-BRI groups",
    ),
    "non_bri_exports_to_bri_mt": (
        "Mt CO2",
        "industry CO2 in non-BRI groups driven by final demand of BRI groups",
    ),
    "destination_share_of_bri_net_exports_pct": (
        "%",
        "share of the BRI net embodied exports that is net exports to the destination groups",
    ),
    "destination_share_of_bri_exports_pct": (
        "%",
        "share of the BRI embodied exports to non-BRI groups driven by the destination groups",
    ),
    "world_production_mt": ("Mt CO2", "global production-based CO2"),
}

GROUP_COLUMNS = ("production_mt", "consumption_mt", "net_export_mt")


def _share(numerator: float, denominator: float) -> float:
    return 100.0 * numerator / denominator if denominator != 0 else float("nan")


def headline_indicators(
    group_accounts: pd.DataFrame, group_flows: pd.DataFrame, destinations: Sequence[str]
) -> dict[str, float]:
    """The :data:`INDICATORS` of one year (see the module docstring for the formulas).

    ``group_accounts``: indexed by group with a boolean ``bri`` and ``net_export_mt``,
    ``production_mt``; ``group_flows``: long form ``origin``, ``destination``, ``co2_mt``
    between groups; ``destinations``: non-BRI group names (the findings.driver_groups key).
    """
    unknown = sorted(set(destinations) - set(group_accounts.index))
    if unknown:
        raise WorkflowInputError(
            f"findings.driver_groups names groups {unknown} that are not in the region "
            f"grouping (groups: {list(group_accounts.index)}); fix the config key."
        )
    bri = group_accounts["bri"].astype(bool)
    if bri[list(destinations)].any():
        raise WorkflowInputError(
            "findings.driver_groups must list non-BRI groups only; "
            f"BRI groups given: {list(bri[list(destinations)][lambda b: b].index)}"
        )
    bri_groups = set(bri[bri].index)
    positive = group_accounts["net_export_mt"].clip(lower=0)
    origin_bri = group_flows["origin"].isin(bri_groups)
    destination_bri = group_flows["destination"].isin(bri_groups)
    to_destinations = origin_bri & group_flows["destination"].isin(destinations)
    from_destinations = group_flows["origin"].isin(destinations) & destination_bri
    exports = float(group_flows.loc[origin_bri & ~destination_bri, "co2_mt"].sum())
    imports = float(group_flows.loc[~origin_bri & destination_bri, "co2_mt"].sum())
    to_d = float(group_flows.loc[to_destinations, "co2_mt"].sum())
    from_d = float(group_flows.loc[from_destinations, "co2_mt"].sum())
    return {
        "bri_share_of_positive_net_exports_pct": _share(
            float(positive[bri].sum()), float(positive.sum())
        ),
        "bri_net_export_mt": float(group_accounts.loc[bri, "net_export_mt"].sum()),
        "bri_exports_to_non_bri_mt": exports,
        "non_bri_exports_to_bri_mt": imports,
        "destination_share_of_bri_net_exports_pct": _share(to_d - from_d, exports - imports),
        "destination_share_of_bri_exports_pct": _share(to_d, exports),
        "world_production_mt": float(group_accounts["production_mt"].sum()),
    }


def headline_table(
    accounts_by_year: Mapping[int, pd.DataFrame],
    flows_by_year: Mapping[int, pd.DataFrame],
    destinations: Sequence[str],
) -> pd.DataFrame:
    """Long table ``year``, ``finding``, ``value``, ``unit``, ``definition``, sorted by year."""
    rows = []
    for year in sorted(accounts_by_year):
        values = headline_indicators(accounts_by_year[year], flows_by_year[year], destinations)
        for finding, value in values.items():
            unit, definition = INDICATORS[finding]
            rows.append(
                {
                    "year": year,
                    "finding": finding,
                    "value": value,
                    "unit": unit,
                    "definition": definition,
                }
            )
    return pd.DataFrame(rows, columns=["year", "finding", "value", "unit", "definition"])


def group_series(accounts_by_year: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """Group PBA, CBA and net exports per year: ``year``, ``group``, ``bri`` and
    :data:`GROUP_COLUMNS` (Mt CO2), in year then grouping-file order."""
    frames = []
    for year in sorted(accounts_by_year):
        frame = accounts_by_year[year][["bri", *GROUP_COLUMNS]].reset_index()
        frame.insert(0, "year", year)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
