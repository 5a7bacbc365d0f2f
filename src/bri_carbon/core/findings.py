"""Belt and Road decomposition of the embodied flows and the paper's three headline findings.

Inputs are the region results of the accounts stage: the flow matrix E (origin x destination
region, Mt CO2; E[o, d] = industry emissions in o driven by final demand of d) and the region
accounts (Mt CO2, million USD). BRI flags and groups come only from ``config/regions.csv``
(see :mod:`bri_carbon.core.grouping`).

The paper's abstracts (Han, Yao, Liu & Dunford 2018; Yao, Han & Liu 2018) state three
findings in words that admit several readings; :func:`headline` computes every plausible
reading, one row per statistic, ``level`` (what is summed or compared: ``region``,
``group``, ``block`` (a union of groups, or the world), ``region_pair``, ``group_pair``) and
``subject`` (the group, block or summary the row is about):

- (a) "production-based carbon intensities of BR regions are far higher than their
  consumption-based ones, much more so than in developed countries": ``intensity_ratio`` =
  (PBA / VA) / (CBA / FD), ``emission_ratio`` = PBA / CBA (the ratio without the money:
  intensity_ratio = emission_ratio x FD / VA, so the intensity ratio mixes in the trade
  balance) and ``intensity_difference_kg_per_usd`` = PBA / VA - CBA / FD, for each BRI group,
  each developed group, the BRI groups combined, the developed groups combined and the world
  (where PBA = CBA, so the emission ratio is 1 and the intensity ratio is FD / VA);
  ``intensity_ratio_gap`` = BRI intensity ratio / developed intensity ratio.
- (b) "more than 95% of world net embodied carbon exports come from BR regions":
  ``positive_net_export_share`` = 100 x the BRI part of the sum of positive net embodied
  exports, where net exports are PBA - CBA of each region (level ``region``) or group
  (``group``), or the net flow E[i, j] - E[j, i] of each ordered pair of regions
  (``region_pair``) or groups (``group_pair``); ``net_embodied_exports_mt`` of the BRI block.
- (c) "consumption in the US and Europe induces about 30% of the carbon emissions in most BR
  regions": ``driven_share`` = 100 x E[S, D] / E[S, all] for the driver groups D and each BRI
  group S, the BRI block, and (level ``region``) the median, minimum and maximum over BRI
  regions; ``bri_groups_within_25_35_pct`` counts the BRI groups whose driven share is within
  25-35%; ``export_share_to_drivers`` = 100 x E[S, D] / E[S, outside S], the drivers' part of
  each BRI group's (or the BRI block's) embodied exports; ``driver_consumption_from_bri`` =
  100 x E[B, d] / CBA_d, the part of each driver group's (and of all drivers') consumption-based
  emissions emitted in BRI regions.

Every (b) and (c) reading that sums BRI regions is repeated without the regions of config key
``findings.without_regions`` (default China, whose weight dominates BRI aggregates), as the
subject "BRI without CHN".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bri_carbon.core import grouping
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
    "paper_statement",
    "definition",
    "citation",
)
#: Levels of the headline readings.
LEVELS = ("region", "group", "block", "region_pair", "group_pair")
#: The driven-share band of finding (c): "about 30%".
DRIVEN_BAND_PCT = (25.0, 35.0)
#: Subject of the paper-values table that matches every subject of a statistic and level.
ANY_SUBJECT = "*"

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


@dataclass(frozen=True)
class Reading:
    """One row of the headline table (see the module docstring for the statistics)."""

    finding: str
    statistic: str
    level: str
    subject: str
    value: float
    unit: str
    definition: str


def _share(numerator: float, denominator: float) -> float:
    """100 x numerator / denominator, NaN when the denominator is not positive."""
    return float(100.0 * numerator / denominator) if denominator > 0 else float("nan")


def pair_positive_net_export_share(flows: pd.DataFrame, exporters: Sequence[str]) -> float:
    """Percent of the positive bilateral net flows that ``exporters`` send.

    ``flows``: origin x destination (regions or groups, same labels in both), Mt CO2. The
    net flow of the ordered pair (i, j) is E[i, j] - E[j, i]; its positive part counts for
    exporter i. 100 x sum over i in ``exporters`` / sum over all i. NaN without net flows.
    """
    values = flows.to_numpy(dtype=float)
    positive = np.clip(values - values.T, 0.0, None)
    rows = np.isin(flows.index.to_numpy(), list(exporters))
    return _share(float(positive[rows].sum()), float(positive.sum()))


def _combined(accounts: pd.DataFrame, members: Sequence[str]) -> pd.Series:
    """The account columns summed over ``members`` (rows missing from ``accounts`` skipped)."""
    return accounts.loc[[m for m in members if m in accounts.index]].sum(numeric_only=True)


def _intensity_readings(
    accounts: pd.DataFrame,
    level: str,
    subject: str,
    members: Sequence[str],
    denominators: tuple[str, str],
) -> list[Reading]:
    """Finding (a) for one subject: intensity ratio, emission ratio, intensity difference."""
    production, consumption = denominators
    total = _combined(accounts, members)
    pba, cba = float(total.get("production_mt", 0.0)), float(total.get("consumption_mt", 0.0))
    money_p = float(total.get(f"{production}_musd", 0.0))
    money_c = float(total.get(f"{consumption}_musd", 0.0))
    intensity_p = pba / money_p * 1e3 if money_p > 0 else float("nan")
    intensity_c = cba / money_c * 1e3 if money_c > 0 else float("nan")
    ratio = intensity_p / intensity_c if intensity_c > 0 else float("nan")
    what = (
        f"of {subject}" if level != "block" else f"of the {subject} groups ({' + '.join(members)})"
    )
    return [
        Reading(
            "a",
            "intensity_ratio",
            level,
            subject,
            ratio,
            "ratio",
            f"(production-based CO2 / {production}) / (consumption-based CO2 / {consumption}) "
            f"{what}",
        ),
        Reading(
            "a",
            "emission_ratio",
            level,
            subject,
            pba / cba if cba > 0 else float("nan"),
            "ratio",
            f"production-based CO2 / consumption-based CO2 {what}; the intensity ratio is this "
            f"times {consumption} / {production}",
        ),
        Reading(
            "a",
            "intensity_difference_kg_per_usd",
            level,
            subject,
            intensity_p - intensity_c,
            "kg CO2 per USD",
            f"production-based minus consumption-based intensity {what}",
        ),
    ]


def finding_a(
    group_accounts: pd.DataFrame,
    bri_groups: Sequence[str],
    developed_groups: Sequence[str],
    denominators: tuple[str, str],
) -> list[Reading]:
    """Finding (a) per BRI group, per developed group, for both blocks and the world."""
    readings: list[Reading] = []
    for group in [*bri_groups, *[g for g in developed_groups if g in group_accounts.index]]:
        readings += _intensity_readings(group_accounts, "group", group, [group], denominators)
    blocks = {
        "BRI": list(bri_groups),
        "developed": list(developed_groups),
        "world": list(group_accounts.index),
    }
    for subject, members in blocks.items():
        readings += _intensity_readings(group_accounts, "block", subject, members, denominators)
    ratio = {r.subject: r.value for r in readings if r.statistic == "intensity_ratio"}
    readings.append(
        Reading(
            "a",
            "intensity_ratio_gap",
            "block",
            "BRI over developed",
            ratio["BRI"] / ratio["developed"] if ratio["developed"] > 0 else float("nan"),
            "ratio",
            "intensity ratio of the BRI groups combined / that of the developed groups "
            "combined (> 1: the gap between the two intensities is larger in BRI)",
        )
    )
    return readings


def finding_b(
    region_accounts: pd.DataFrame,
    group_accounts: pd.DataFrame,
    region_flows: pd.DataFrame,
    group_flows: pd.DataFrame,
    bri_sets: dict[str, list[str]],
    bri_groups: Sequence[str],
) -> list[Reading]:
    """Finding (b): the BRI share of positive net embodied exports at four levels, and the
    net embodied exports of the BRI block. ``bri_sets``: subject -> BRI region codes (the
    BRI regions, and the variant without the configured regions)."""
    readings: list[Reading] = []
    regional = region_accounts["net_export_mt"].clip(lower=0.0)
    grouped = group_accounts["net_export_mt"].clip(lower=0.0)
    for subject, codes in bri_sets.items():
        readings.append(
            Reading(
                "b",
                "positive_net_export_share",
                "region",
                subject,
                _share(float(regional.reindex(codes).sum()), float(regional.sum())),
                "%",
                f"{subject} regions' share of the sum over regions of positive net embodied "
                "exports (production- minus consumption-based CO2)",
            )
        )
        readings.append(
            Reading(
                "b",
                "positive_net_export_share",
                "region_pair",
                subject,
                pair_positive_net_export_share(region_flows, codes),
                "%",
                f"{subject} regions' share of the positive net flows E[i, j] - E[j, i] over "
                "all ordered pairs of regions",
            )
        )
        readings.append(
            Reading(
                "b",
                "net_embodied_exports_mt",
                "block",
                subject,
                float(region_accounts["net_export_mt"].reindex(codes).sum()),
                "Mt CO2",
                f"net embodied exports (PBA - CBA) of the {subject} regions",
            )
        )
    readings.append(
        Reading(
            "b",
            "positive_net_export_share",
            "group",
            "BRI",
            _share(float(grouped.reindex(list(bri_groups)).sum()), float(grouped.sum())),
            "%",
            "BRI groups' share of the sum over groups of positive net embodied exports",
        )
    )
    readings.append(
        Reading(
            "b",
            "positive_net_export_share",
            "group_pair",
            "BRI",
            pair_positive_net_export_share(group_flows, bri_groups),
            "%",
            "BRI groups' share of the positive net flows E[G, H] - E[H, G] over all ordered "
            "pairs of groups",
        )
    )
    return readings


def finding_c(
    region_accounts: pd.DataFrame,
    flows: pd.DataFrame,
    regions: pd.DataFrame,
    driver_groups: Sequence[str],
    bri_sets: dict[str, list[str]],
    bri_groups: Sequence[str],
) -> list[Reading]:
    """Finding (c): shares of BRI emissions driven by the driver groups, of BRI exports going
    to them, and of the drivers' consumption-based emissions emitted in BRI."""
    drivers = " + ".join(driver_groups)
    driver_codes = [c for c in flows.columns if regions.loc[c, "group"] in set(driver_groups)]
    members = {g: [c for c in flows.index if regions.loc[c, "group"] == g] for g in bri_groups}
    readings: list[Reading] = []

    def driven(subject: str, level: str, codes: list[str]) -> Reading:
        rows = flows.loc[codes]
        return Reading(
            "c",
            "driven_share",
            level,
            subject,
            _share(float(rows[driver_codes].to_numpy().sum()), float(rows.to_numpy().sum())),
            "%",
            f"share of the industry emissions of {subject} (its rows of the flow matrix) "
            f"driven by final demand of {drivers}",
        )

    def exported(subject: str, level: str, codes: list[str]) -> Reading:
        outside = [c for c in flows.columns if c not in set(codes)]
        rows = flows.loc[codes]
        to_drivers = [c for c in driver_codes if c not in set(codes)]
        return Reading(
            "c",
            "export_share_to_drivers",
            level,
            subject,
            _share(float(rows[to_drivers].to_numpy().sum()), float(rows[outside].to_numpy().sum())),
            "%",
            f"share of the embodied exports of {subject} (its industry emissions driven by "
            f"final demand elsewhere) that final demand of {drivers} drives",
        )

    for group, codes in members.items():
        readings += [driven(group, "group", codes), exported(group, "group", codes)]
    within = [
        r.subject
        for r in readings
        if r.statistic == "driven_share" and DRIVEN_BAND_PCT[0] <= r.value <= DRIVEN_BAND_PCT[1]
    ]
    readings.append(
        Reading(
            "c",
            "bri_groups_within_25_35_pct",
            "group",
            "BRI groups",
            float(len(within)),
            "groups",
            f"number of the {len(members)} BRI groups whose driven share is within 25-35% "
            f"({', '.join(within) or 'none'})",
        )
    )
    for subject, codes in bri_sets.items():
        readings += [driven(subject, "block", codes), exported(subject, "block", codes)]
    shares = driver_shares(driven_by(flows, regions), driver_groups)
    for subject, value in (
        ("median", shares.median()),
        ("min", shares.min()),
        ("max", shares.max()),
    ):
        readings.append(
            Reading(
                "c",
                "driven_share",
                "region",
                subject,
                float(value),
                "%",
                f"{subject} across {len(shares)} BRI regions of the share of each region's "
                f"industry emissions driven by final demand of {drivers}",
            )
        )
    consumption = region_accounts["consumption_mt"]
    targets = {g: [c for c in driver_codes if regions.loc[c, "group"] == g] for g in driver_groups}
    targets[drivers] = driver_codes
    for target, codes in targets.items():
        level = "group" if target in set(driver_groups) and len(driver_groups) > 1 else "block"
        for subject, bri_codes in bri_sets.items():
            readings.append(
                Reading(
                    "c",
                    "driver_consumption_from_bri",
                    level,
                    target if subject == "BRI" else f"{target} ({subject})",
                    _share(
                        float(flows.loc[bri_codes, codes].to_numpy().sum()),
                        float(consumption.reindex(codes).sum()),
                    ),
                    "%",
                    f"share of the consumption-based emissions of {target} emitted in "
                    f"{subject} regions",
                )
            )
    return readings


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
    without_regions: Sequence[str] = (),
) -> pd.DataFrame:
    """Every reading of the three findings, one row per statistic, level and subject, next
    to the paper's values.

    ``region_accounts``/``group_accounts``: accounts indexed by region / group (Mt CO2,
    million USD, with ``bri``); ``flows``: region flow matrix (Mt CO2); ``driver_groups``:
    destination groups of finding (c); ``developed_groups``: comparison groups of finding
    (a); ``paper_values``: the paper's values by (statistic, level, subject; subject ``*``
    for every subject); ``without_regions``: region codes left out of the "BRI without ..."
    variant (none: no variant). Columns: :data:`HEADLINE_COLUMNS`.
    """
    bri_groups = [g for g in group_accounts.index if bool(group_accounts.loc[g, "bri"])]
    for key, configured in (("driver", driver_groups), ("developed", developed_groups)):
        absent = [g for g in configured if g not in group_accounts.index]
        if absent:
            log.warning(
                "%s groups without regions in the data (they count as zero): %s", key, absent
            )
    bri_codes = [c for c in region_accounts.index if bool(regions.loc[c, "bri"])]
    bri_sets = {"BRI": bri_codes}
    left_out = [c for c in without_regions if c in set(bri_codes)]
    if left_out:
        bri_sets[f"BRI without {', '.join(left_out)}"] = [
            c for c in bri_codes if c not in set(left_out)
        ]
    group_flows = grouping.group_flows(flows, regions)
    readings = [
        *finding_a(
            group_accounts,
            bri_groups,
            developed_groups,
            (production_denominator, consumption_denominator),
        ),
        *finding_b(region_accounts, group_accounts, flows, group_flows, bri_sets, bri_groups),
        *finding_c(region_accounts, flows, regions, driver_groups, bri_sets, bri_groups),
    ]
    frame = pd.DataFrame([vars(r) for r in readings])
    return with_paper_values(frame, paper_values)[list(HEADLINE_COLUMNS)]


def with_paper_values(frame: pd.DataFrame, paper_values: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (statistic, level, subject, ...) with ``paper_value``, ``paper_statement``
    and ``citation`` from ``paper_values`` (columns statistic, level, subject, paper_value,
    paper_statement, citation; subject :data:`ANY_SUBJECT` matches every subject). A row of
    the paper's table that matches no reading is an error: the table names a reading that
    does not exist."""
    keys = ["statistic", "level", "subject"]
    exact = paper_values[paper_values["subject"] != ANY_SUBJECT]
    general = paper_values[paper_values["subject"] == ANY_SUBJECT].drop(columns="subject")
    columns = ["paper_value", "paper_statement", "citation"]
    merged = frame.merge(exact[[*keys, *columns]], on=keys, how="left")
    fallback = frame.merge(general[[*keys[:2], *columns]], on=keys[:2], how="left")
    for column in columns:
        merged[column] = merged[column].where(merged[column].notna(), fallback[column])
    matched = paper_values.apply(
        lambda row: (
            (frame["statistic"] == row["statistic"])
            & (frame["level"] == row["level"])
            & ((row["subject"] == ANY_SUBJECT) | (frame["subject"] == row["subject"]))
        ).any(),
        axis=1,
    )
    if not matched.all():
        unknown = paper_values.loc[~matched, keys].to_dict("records")
        raise WorkflowInputError(
            f"the paper's values name readings that the findings do not compute: {unknown}; "
            f"the statistics are {sorted(set(frame['statistic']))} at levels {list(LEVELS)}."
        )
    merged["paper_statement"] = merged["paper_statement"].fillna("")
    merged["citation"] = merged["citation"].fillna("")
    return merged


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
