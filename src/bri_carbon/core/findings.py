"""Belt and Road decomposition of the embodied flows and the paper's three headline findings.

Inputs are the region results of the accounts stage: the flow matrix E (origin x destination
region, Mt CO2; E[o, d] = industry emissions in o driven by final demand of d) and the region
accounts (Mt CO2, million USD). BRI flags and groups come only from ``config/regions.csv``
(see :mod:`bri_carbon.core.grouping`).

The paper's abstracts (Han, Yao, Liu & Dunford 2018, J. Geogr. Sci.; Yao, Han & Liu 2018,
Acta Geographica Sinica) state three findings in words that admit several readings;
:func:`headline` computes every reading of :mod:`bri_carbon.core.readings`, one row per
statistic, ``level`` (what is summed or compared: ``region``, ``group``, ``block`` (a union
of groups, or the world), ``region_pair``, ``group_pair``) and ``subject`` (the group, block
or summary the row is about), each with its formula in ``definition``, and attaches the
abstracts' values and wordings (:mod:`bri_carbon.core.paper`). This module also splits the
flow matrix into the BRI blocks, the emissions of each BRI region by destination group and
the sector hot spots.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from bri_carbon.core import grouping, intensities, paper, readings
from bri_carbon.core.grouping import group_order
from bri_carbon.runtime.errors import WorkflowInputError

log = logging.getLogger(__name__)

#: Columns of the headline table (headline.csv adds source, year and synthetic in front).
HEADLINE_COLUMNS = (
    "finding",
    "statistic",
    "level",
    "subject",
    "value",
    "unit",
    "paper_value",
    "paper_wording",
    "paper_statement",
    "definition",
    "citation",
)
#: Levels of the headline readings, and the subject of the paper's table that matches every
#: subject (both defined in :mod:`bri_carbon.core.paper`).
LEVELS = paper.LEVELS
ANY_SUBJECT = paper.ANY_SUBJECT

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


def driven_by_groups(driven: pd.DataFrame) -> pd.DataFrame:
    """The industry CO2 of each BRI group split by destination group, from :func:`driven_by`.

    ``driven``: the long frame of :func:`driven_by` (one row per BRI region and destination
    group, Mt CO2). For every origin group G and destination group g: co2_mt = sum over the
    regions r of G of co2_mt[r, g] (Mt CO2) and share_pct = 100 * co2_mt / sum over g of
    co2_mt[G, g] (percent of G's industry emissions). Long form ``group``,
    ``destination_group``, ``co2_mt``, ``share_pct`` in the order of ``driven``.
    """
    summed = (
        driven.groupby(["group", "destination_group"], sort=False)["co2_mt"].sum().reset_index()
    )
    totals = summed.groupby("group", sort=False)["co2_mt"].transform("sum")
    summed["share_pct"] = 100.0 * summed["co2_mt"] / totals.where(totals > 0)
    return summed


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
    production_denominator: str = "primary_inputs",
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
    production_denominator: str = "primary_inputs",
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


def subjects_of(
    region_accounts: pd.DataFrame,
    group_accounts: pd.DataFrame,
    regions: pd.DataFrame,
    developed_groups: Sequence[str],
    without_regions: Sequence[str] = (),
    us_eu28: Sequence[str] = (),
) -> readings.Subjects:
    """Who the readings are about (:class:`bri_carbon.core.readings.Subjects`), from the
    regions of the data, the grouping file and config keys ``findings.developed_groups``,
    ``findings.without_regions`` and ``findings.us_eu28`` (missing regions are logged)."""
    codes = list(region_accounts.index)
    bri_codes = [c for c in codes if bool(regions.loc[c, "bri"])]
    bri_sets = {"BRI": bri_codes}
    left_out = [c for c in without_regions if c in set(bri_codes)]
    if left_out:
        bri_sets[f"BRI without {', '.join(left_out)}"] = [
            c for c in bri_codes if c not in set(left_out)
        ]
    absent = sorted(set(us_eu28) - set(codes))
    if absent:
        log.warning("regions of the US + EU28 list not in the data (left out): %s", absent)
    return readings.Subjects(
        bri=bri_sets,
        bri_groups=[g for g in group_accounts.index if bool(group_accounts.loc[g, "bri"])],
        developed=[c for c in codes if regions.loc[c, "group"] in set(developed_groups)],
        developed_groups=list(developed_groups),
        us_eu28=[c for c in codes if c in set(us_eu28)],
        left_out=left_out,
    )


def headline(
    region_accounts: pd.DataFrame,
    group_accounts: pd.DataFrame,
    flows: pd.DataFrame,
    regions: pd.DataFrame,
    drivers: Sequence[str] | readings.Drivers,
    developed_groups: Sequence[str],
    paper_values: pd.DataFrame,
    pair: str = "primary_inputs",
    without_regions: Sequence[str] = (),
    us_eu28: Sequence[str] = (),
) -> pd.DataFrame:
    """Every reading of the three findings, one row per statistic, level and subject, next
    to the paper's values.

    ``region_accounts``/``group_accounts``: accounts indexed by region / group (Mt CO2,
    million USD, with ``bri``); ``flows``: region flow matrix (Mt CO2); ``drivers``: the
    destination groups of finding (c) (config key ``findings.driver_groups``) or a
    :class:`bri_carbon.core.readings.Drivers`; ``developed_groups``: the comparison groups of
    finding (a); ``paper_values``: the paper's values (:mod:`bri_carbon.core.paper`);
    ``pair``: the intensity denominators (:data:`bri_carbon.core.intensities.DENOMINATOR_PAIRS`);
    ``without_regions``: region codes left out of the "BRI without ..." variant (none: no
    variant); ``us_eu28``: the region codes of the United States and the EU28 of 2015.
    Columns: :data:`HEADLINE_COLUMNS`.
    """
    if not isinstance(drivers, readings.Drivers):
        drivers = readings.Drivers.of_groups(drivers, regions, list(flows.columns))
    for key, configured in (("driver", drivers.groups), ("developed", developed_groups)):
        absent = [g for g in configured if g not in group_accounts.index]
        if absent:
            log.warning(
                "%s groups without regions in the data (they count as zero): %s", key, absent
            )
    subjects = subjects_of(
        region_accounts, group_accounts, regions, developed_groups, without_regions, us_eu28
    )
    found = [
        *readings.finding_a(
            region_accounts, group_accounts, subjects, intensities.denominators(pair)
        ),
        *readings.finding_b(
            region_accounts, group_accounts, flows, grouping.group_flows(flows, regions), subjects
        ),
        *readings.finding_c(region_accounts, flows, regions, drivers, subjects),
    ]
    frame = pd.DataFrame([vars(r) for r in found])
    return paper.attach(frame, paper_values)[list(HEADLINE_COLUMNS)]


def sector_hotspots(sector_flows: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Which common sectors of each group carry its embodied CO2 to each destination group.

    ``sector_flows``: long form ``origin`` (region), ``sector``, ``destination_group``,
    ``co2_mt`` (solved at the source's resolution, summed to common sectors afterwards);
    ``regions``: the grouping. Returns ``origin_group``, ``sector``, ``destination_group``,
    ``co2_mt`` and ``share_pct`` = 100 x co2_mt / the whole flow from the origin group to the
    destination group, in grouping-file order of both groups and the given sector order.
    """
    origin_group = regions.loc[sector_flows["origin"], "group"].to_numpy()
    sectors = list(dict.fromkeys(sector_flows["sector"]))
    summed = (
        sector_flows.assign(origin_group=origin_group)
        .groupby(["origin_group", "destination_group", "sector"], sort=False)["co2_mt"]
        .sum()
    )
    totals = summed.groupby(level=["origin_group", "destination_group"], sort=False).transform(
        "sum"
    )
    share = 100.0 * summed / totals.where(totals > 0)
    result = pd.DataFrame({"co2_mt": summed, "share_pct": share}).reset_index()
    rank = {g: i for i, g in enumerate(group_order(regions))}
    sector_rank = {s: i for i, s in enumerate(sectors)}
    result = result.assign(
        _origin=result["origin_group"].map(rank),
        _destination=result["destination_group"].map(rank),
        _sector=result["sector"].map(sector_rank),
    ).sort_values(["_origin", "_destination", "_sector"], kind="stable")
    columns = ["origin_group", "sector", "destination_group", "co2_mt", "share_pct"]
    return result[columns].reset_index(drop=True)
