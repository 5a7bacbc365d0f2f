"""Belt and Road decomposition of the embodied flows and the paper's three headline findings.

Inputs are the region results of the accounts stage: the flow matrix E (origin x destination
region, Mt CO2; E[o, d] = industry emissions in o driven by final demand of d) and the region
accounts (Mt CO2, million USD). BRI flags and groups come only from ``config/regions.csv``
(see :mod:`bri_carbon.core.grouping`).

Findings (Han, Yao, Liu & Dunford 2018):

- (a) production- over consumption-based intensity, (PBA / VA) / (CBA / FD), of the BRI groups
  combined against the developed groups combined;
- (b) BRI share of the sum of positive net embodied exports (PBA - CBA) across regions;
- (c) per BRI region, the share of its industry emissions (flow row) driven by final demand of
  the configured driver groups; median and range across BRI regions.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from bri_carbon.core.grouping import group_order
from bri_carbon.runtime.errors import WorkflowInputError

log = logging.getLogger(__name__)

#: Names of the five BRI blocks of the flow matrix, in output order.
BLOCKS = (
    "BRI domestic",
    "BRI to BRI across borders",
    "BRI to non-BRI",
    "non-BRI to BRI",
    "non-BRI to non-BRI",
)


def check_groups(groups: Sequence[str], regions: pd.DataFrame, key: str) -> None:
    """Every configured group must be a group of the grouping file; raise naming ``key``."""
    if not groups:
        raise WorkflowInputError(f"config key {key} is empty; list at least one group.")
    unknown = sorted(set(groups) - set(regions["group"]))
    if unknown:
        raise WorkflowInputError(
            f"config key {key} names groups {unknown} that the region grouping file does not "
            f"have; use groups of that file: {group_order(regions)}."
        )


def block_masks(
    origin_bri: np.ndarray, destination_bri: np.ndarray, same_region: np.ndarray
) -> dict[str, np.ndarray]:
    """Boolean origin x destination masks of the five :data:`BLOCKS` (they partition all flows).

    ``origin_bri`` (r, 1) and ``destination_bri`` (1, r): BRI flags of the rows and columns;
    ``same_region`` (r, r): true where origin and destination are the same region.
    """
    return {
        BLOCKS[0]: origin_bri & destination_bri & same_region,
        BLOCKS[1]: origin_bri & destination_bri & ~same_region,
        BLOCKS[2]: origin_bri & ~destination_bri,
        BLOCKS[3]: ~origin_bri & destination_bri,
        BLOCKS[4]: ~origin_bri & ~destination_bri,
    }


def bri_blocks(flows: pd.DataFrame, bri: pd.Series) -> pd.DataFrame:
    """Split the flow matrix into the five BRI blocks of :data:`BLOCKS`.

    ``flows``: origin x destination regions (r x r), Mt CO2. ``bri``: bool per region.
    "BRI domestic" is the diagonal of BRI regions (o == d); "BRI to BRI across borders" the
    off-diagonal flows between two BRI regions; "non-BRI to non-BRI" includes the non-BRI
    diagonal. Returns a frame indexed by ``block`` with ``co2_mt`` and
    ``share_of_world_pct`` (percent of the sum of all flows, i.e. of world industry emissions).
    """
    origin_bri = bri.loc[flows.index].to_numpy()[:, None]
    destination_bri = bri.loc[flows.columns].to_numpy()[None, :]
    same = flows.index.to_numpy()[:, None] == flows.columns.to_numpy()[None, :]
    values = flows.to_numpy(dtype=float)
    masks = block_masks(origin_bri, destination_bri, same)
    co2 = pd.Series({block: float(values[masks[block]].sum()) for block in BLOCKS}, name="co2_mt")
    world = float(values.sum())
    share = co2 / world * 100.0 if world > 0 else co2 * np.nan
    result = pd.DataFrame({"co2_mt": co2, "share_of_world_pct": share})
    result.index.name = "block"
    return result


def driven_by(flows: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Share of each BRI region's industry emissions driven by each destination group.

    ``flows``: origin x destination regions, Mt CO2. ``regions``: the grouping (indexed by
    region code, with ``name``, ``bri``, ``group``). For every BRI origin region o with
    positive industry emissions and every group g: co2_mt = sum over d in g of E[o, d] and
    share_pct = 100 * co2_mt / sum_d E[o, d]. BRI regions without industry emissions (e.g.
    a dissolved country) are left out and logged. Long form, sorted by the group order of
    the grouping file, then region code, then destination group in file order.
    """
    destination_group = regions.loc[flows.columns, "group"].to_numpy()
    by_group = flows.T.groupby(destination_group, sort=False).sum().T
    order = group_order(regions)
    by_group = by_group.reindex(columns=[g for g in order if g in by_group.columns])
    bri_origins = [code for code in flows.index if regions.loc[code, "bri"]]
    totals = flows.loc[bri_origins].sum(axis=1)
    empty = sorted(totals.index[totals <= 0])
    if empty:
        log.warning("BRI regions without industry emissions, left out of driven_by: %s", empty)
    kept = totals.index[totals > 0]
    co2 = by_group.loc[kept]
    share = co2.div(totals.loc[kept], axis=0) * 100.0
    long = pd.DataFrame(
        {
            "region": np.repeat(kept.to_numpy(), co2.shape[1]),
            "destination_group": np.tile(co2.columns.to_numpy(), len(kept)),
            "co2_mt": co2.to_numpy().ravel(),
            "share_pct": share.to_numpy().ravel(),
        }
    )
    long.insert(1, "name", regions.loc[long["region"], "name"].to_numpy())
    long.insert(2, "group", regions.loc[long["region"], "group"].to_numpy())
    group_rank = {g: i for i, g in enumerate(order)}
    long = long.assign(
        _origin_rank=long["group"].map(group_rank),
        _destination_rank=long["destination_group"].map(group_rank),
    )
    long = long.sort_values(["_origin_rank", "region", "_destination_rank"], kind="stable")
    return long.drop(columns=["_origin_rank", "_destination_rank"]).reset_index(drop=True)


def driver_shares(driven: pd.DataFrame, driver_groups: Sequence[str]) -> pd.Series:
    """Per BRI region, percent of its industry emissions driven by ``driver_groups`` combined.

    ``driven``: the long frame of :func:`driven_by`. Indexed by region code, in its order.
    """
    selected = driven[driven["destination_group"].isin(list(driver_groups))]
    regions_in_order = list(dict.fromkeys(driven["region"]))
    shares = selected.groupby("region", sort=False)["share_pct"].sum()
    return shares.reindex(regions_in_order, fill_value=0.0).rename("driver_share_pct")


def combined_intensity_ratio(
    accounts: pd.DataFrame,
    members: Sequence[str],
    production_denominator: str = "value_added",
    consumption_denominator: str = "final_demand",
) -> float:
    """(sum PBA / sum production denominator) / (sum CBA / sum consumption denominator).

    ``accounts``: rows indexed by region or group with ``production_mt``, ``consumption_mt``
    and ``{denominator}_musd`` columns (Mt CO2, million USD); ``members``: the rows to
    combine (members missing from ``accounts`` are ignored). Dimensionless (the kg CO2 per USD
    units cancel). NaN when no member is present or a sum is zero.
    """
    rows = accounts.loc[[m for m in members if m in accounts.index]]
    if rows.empty:
        return float("nan")
    production = rows["production_mt"].sum() / rows[f"{production_denominator}_musd"].sum()
    consumption = rows["consumption_mt"].sum() / rows[f"{consumption_denominator}_musd"].sum()
    if not np.isfinite(production) or not consumption > 0:
        return float("nan")
    return float(production / consumption)


def intensity_ratios(
    accounts: pd.DataFrame,
    production_denominator: str = "value_added",
    consumption_denominator: str = "final_demand",
) -> pd.Series:
    """Per row: production intensity over consumption intensity (dimensionless)."""
    return pd.Series(
        {
            name: combined_intensity_ratio(
                accounts, [name], production_denominator, consumption_denominator
            )
            for name in accounts.index
        },
        name="production_to_consumption_intensity_ratio",
    )


def positive_net_export_share(net_exports: pd.Series, bri: pd.Series) -> float:
    """Percent of the world's positive net embodied exports (Mt CO2) that BRI rows supply.

    sum over BRI rows of max(NEE, 0) / sum over all rows of max(NEE, 0) * 100. ``bri``: bool
    per row of ``net_exports``. NaN when no row is a net exporter.
    """
    positive = net_exports.clip(lower=0.0)
    total = float(positive.sum())
    if total <= 0:
        return float("nan")
    return float(positive[bri.loc[net_exports.index].to_numpy()].sum() / total * 100.0)


def headline(
    region_accounts: pd.DataFrame,
    group_accounts: pd.DataFrame,
    flows: pd.DataFrame,
    regions: pd.DataFrame,
    driver_groups: Sequence[str],
    developed_groups: Sequence[str],
    paper_values: pd.DataFrame,
    production_denominator: str = "value_added",
    consumption_denominator: str = "final_demand",
) -> pd.DataFrame:
    """The three findings recomputed, one row per statistic, next to the paper's values.

    ``region_accounts``/``group_accounts``: accounts indexed by region / group (Mt CO2,
    million USD, with ``bri``); ``flows``: region flow matrix (Mt CO2); ``driver_groups``:
    destination groups of finding (c); ``developed_groups``: comparison groups of finding
    (a); ``paper_values``: :func:`read_paper_values`. Columns: ``finding``, ``statistic``,
    ``value``, ``unit``, ``paper_value``, ``paper_statement``, ``definition``, ``citation``.
    """
    bri_groups = [g for g in group_accounts.index if bool(group_accounts.loc[g, "bri"])]
    for key, configured in (("driver", driver_groups), ("developed", developed_groups)):
        absent = [g for g in configured if g not in group_accounts.index]
        if absent:
            log.warning(
                "%s groups without regions in the data (they count as zero): %s", key, absent
            )
    drivers = " + ".join(driver_groups)
    developed = " + ".join(developed_groups)
    denominators = (production_denominator, consumption_denominator)
    bri_ratio = combined_intensity_ratio(group_accounts, bri_groups, *denominators)
    developed_ratio = combined_intensity_ratio(group_accounts, developed_groups, *denominators)
    intensity = (
        f"(production-based CO2 / {production_denominator}) / "
        f"(consumption-based CO2 / {consumption_denominator})"
    )
    shares = driver_shares(driven_by(flows, regions), driver_groups)
    region_bri = regions.loc[region_accounts.index, "bri"].astype(bool)
    group_bri = group_accounts["bri"].astype(bool)
    driver_text = (
        f"share of the industry emissions of each BRI region (its row of the flow matrix) "
        f"driven by final demand of {drivers}"
    )
    rows = [
        ("a", "bri_intensity_ratio", bri_ratio, "ratio", f"{intensity} of the BRI groups combined"),
        (
            "a",
            "developed_intensity_ratio",
            developed_ratio,
            "ratio",
            f"{intensity} of the developed groups combined ({developed})",
        ),
        (
            "a",
            "bri_over_developed_gap",
            bri_ratio / developed_ratio,
            "ratio",
            "BRI intensity ratio divided by the developed intensity ratio (> 1: larger gap in BRI)",
        ),
        (
            "b",
            "bri_share_of_positive_net_exports_regions",
            positive_net_export_share(region_accounts["net_export_mt"], region_bri),
            "%",
            "BRI regions' share of the sum over regions of positive net embodied exports "
            "(production- minus consumption-based CO2)",
        ),
        (
            "b",
            "bri_share_of_positive_net_exports_groups",
            positive_net_export_share(group_accounts["net_export_mt"], group_bri),
            "%",
            "BRI groups' share of the sum over groups of positive net embodied exports",
        ),
        (
            "c",
            "driven_share_median",
            float(shares.median()),
            "%",
            f"median across {len(shares)} BRI regions of the {driver_text}",
        ),
        (
            "c",
            "driven_share_min",
            float(shares.min()),
            "%",
            f"minimum across BRI regions of the {driver_text}",
        ),
        (
            "c",
            "driven_share_max",
            float(shares.max()),
            "%",
            f"maximum across BRI regions of the {driver_text}",
        ),
        (
            "c",
            "driven_share_bri_combined",
            _combined_driver_share(flows, regions, driver_groups),
            "%",
            f"share of all BRI industry emissions driven by final demand of {drivers}",
        ),
    ]
    frame = pd.DataFrame(rows, columns=["finding", "statistic", "value", "unit", "definition"])
    paper = paper_values.reindex(frame["statistic"])
    frame["paper_value"] = paper["paper_value"].to_numpy()
    frame["paper_statement"] = paper["paper_statement"].fillna("").to_numpy()
    frame["citation"] = paper["citation"].fillna("").to_numpy()
    columns = [
        "finding",
        "statistic",
        "value",
        "unit",
        "paper_value",
        "paper_statement",
        "definition",
        "citation",
    ]
    return frame[columns]


def _combined_driver_share(
    flows: pd.DataFrame, regions: pd.DataFrame, driver_groups: Sequence[str]
) -> float:
    """Percent of all BRI industry emissions driven by final demand of ``driver_groups``."""
    bri_origins = [code for code in flows.index if regions.loc[code, "bri"]]
    drivers = [code for code in flows.columns if regions.loc[code, "group"] in driver_groups]
    total = float(flows.loc[bri_origins].to_numpy().sum())
    if total <= 0:
        return float("nan")
    return float(flows.loc[bri_origins, drivers].to_numpy().sum() / total * 100.0)
