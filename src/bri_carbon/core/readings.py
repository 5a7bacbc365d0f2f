"""Every reading of the paper's three findings, one :class:`Reading` per statistic, level and
subject (the rows of ``groups/headline.csv``; :func:`bri_carbon.core.findings.headline`
assembles them and attaches the paper's values).

Inputs: region and group accounts (``production_mt`` PBA, ``consumption_mt`` CBA,
``net_export_mt`` NEE = PBA - CBA, the ``*_musd`` denominators; Mt CO2, million USD) and the
region flow matrix E (origin x destination, Mt CO2: industry CO2 emitted in the origin and
driven by final demand of the destination). Notation: B = the BRI regions, Dev = the regions
of the developed groups (config key ``findings.developed_groups``), D = the driver regions of
finding (c) (:class:`Drivers`), C = the regions left out of "BRI without ..." (config key
``findings.without_regions``). Shares are percent.

(a) "production-based carbon intensities ... significantly higher than ... consumption-based
ones, and ... differences ... much larger than in developed countries":
``intensity_ratio``, ``emission_ratio`` and ``intensity_difference_kg_per_usd`` per group and
block (B, Dev, world), ``intensity_ratio_gap`` and ``emission_ratio_gap`` (B over Dev), and
``regions_intensity_ratio_above_one`` (``_pct``): how many BRI (developed) regions have an
intensity ratio above 1.

(b) "more than 95% (up to 95%) of ... net embodied carbon exports" from BRI regions:
``positive_net_export_share`` over regions, groups, region pairs and group pairs,
``positive_net_export_share_bri_developed`` (the world of B and Dev only),
``net_flow_to_developed_share`` (net flow B -> Dev over Dev's net imports),
``gross_export_share`` and ``net_embodied_exports_mt``.

(c) "consumption in the United States and European Union countries induce about 30% of the
carbon emissions in most BR regions" / "about 30% of the consumption-based emissions are from
developed countries": ``driven_share`` (D's share of the industry CO2 of each BRI group, of
B, and over BRI regions), ``driven_share_all_developed`` (Dev as drivers),
``driven_share_us_eu28`` (the United States and the EU28 of 2015 as drivers),
``driven_share_pba`` (D's part of PBA, household direct included), ``bri_groups_within_25_35_pct``,
``export_share_to_drivers``, ``driver_consumption_from_bri``,
``consumption_share_from_developed`` (the part of B's CBA emitted in Dev) and
``developed_share_of_world_cba``.

In every driven share the driving regions never include the origin region itself (a BRI
region that is also an EU member does not drive its own emissions). "BRI without C" rows
keep C in the world's total (subject ``BRI without C``) and, for the shares of (b), leave its
terms out of the total as well (subject ``BRI without C, world without C``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bri_carbon.core.units import KG_PER_USD_PER_MT_PER_MUSD

log = logging.getLogger(__name__)

#: The driven-share band of finding (c): "about 30%".
DRIVEN_BAND_PCT = (25.0, 35.0)


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


@dataclass(frozen=True)
class Drivers:
    """The regions whose final demand drives finding (c): ``label`` (in definitions and
    subjects), their region ``codes`` and, when they are whole groups of the grouping file,
    those ``groups`` (then :func:`finding_c` also reads each group apart)."""

    label: str
    codes: tuple[str, ...]
    groups: tuple[str, ...] = ()

    @classmethod
    def of_groups(cls, groups: Sequence[str], regions: pd.DataFrame, codes: Sequence[str]):
        """The regions among ``codes`` (those of the data) that belong to ``groups``."""
        members = set(regions.loc[regions["group"].isin(list(groups))].index)
        return cls(" + ".join(groups), tuple(c for c in codes if c in members), tuple(groups))


@dataclass(frozen=True)
class Subjects:
    """Who the readings are about: ``bri`` (subject -> BRI region codes: the BRI regions and
    the variant without ``left_out``), ``bri_groups``, ``developed`` (the regions of the
    developed groups), ``developed_groups``, ``us_eu28`` (the United States and the EU28
    regions of the data) and ``left_out`` (the regions of "BRI without ...")."""

    bri: dict[str, list[str]]
    bri_groups: list[str]
    developed: list[str]
    developed_groups: list[str]
    us_eu28: list[str]
    left_out: list[str]

    @property
    def without_label(self) -> str:
        """``, world without C`` for the subject whose world total leaves C out too."""
        return f", world without {', '.join(self.left_out)}"


def _share(numerator: float, denominator: float) -> float:
    """100 x numerator / denominator, NaN when the denominator is not positive."""
    return float(100.0 * numerator / denominator) if denominator > 0 else float("nan")


def _combined(accounts: pd.DataFrame, members: Sequence[str]) -> pd.Series:
    """The account columns summed over ``members`` (rows missing from ``accounts`` skipped)."""
    return accounts.loc[[m for m in members if m in accounts.index]].sum(numeric_only=True)


def _intensities(total: pd.Series, denominators: tuple[str, str]) -> tuple[float, float]:
    """(PBA / production denominator, CBA / consumption denominator), kg CO2 per USD."""
    production, consumption = denominators
    money_p = float(total.get(f"{production}_musd", 0.0))
    money_c = float(total.get(f"{consumption}_musd", 0.0))
    pba, cba = float(total.get("production_mt", 0.0)), float(total.get("consumption_mt", 0.0))
    unit = KG_PER_USD_PER_MT_PER_MUSD
    return (
        pba / money_p * unit if money_p > 0 else float("nan"),
        cba / money_c * unit if money_c > 0 else float("nan"),
    )


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
    intensity_p, intensity_c = _intensities(total, denominators)
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


def region_intensity_ratios(
    region_accounts: pd.DataFrame, denominators: tuple[str, str]
) -> pd.Series:
    """Per region: (PBA / production denominator) / (CBA / consumption denominator); NaN
    where a denominator or CBA is not positive."""
    production, consumption = denominators
    money_p = region_accounts[f"{production}_musd"]
    money_c = region_accounts[f"{consumption}_musd"]
    intensity_p = region_accounts["production_mt"] / money_p.where(money_p > 0)
    intensity_c = region_accounts["consumption_mt"] / money_c.where(money_c > 0)
    return (intensity_p / intensity_c.where(intensity_c > 0)).rename("intensity_ratio")


def _regions_above_one(
    ratios: pd.Series, subject: str, codes: Sequence[str], production: str
) -> list[Reading]:
    """How many of ``codes`` have a ratio above 1, as a count and a percentage of those
    whose ratio is defined."""
    values = ratios.reindex(list(codes))
    defined = values.dropna()
    above = int((defined > 1.0).sum())
    missing = len(values) - len(defined)
    note = f"; {missing} regions without both intensities left out" if missing else ""
    what = (
        f"{subject} regions whose (production-based CO2 / {production}) / (consumption-based "
        f"CO2 / final_demand) is above 1"
    )
    return [
        Reading(
            "a",
            "regions_intensity_ratio_above_one",
            "region",
            subject,
            float(above),
            "regions",
            f"number of the {len(defined)} {what}{note}",
        ),
        Reading(
            "a",
            "regions_intensity_ratio_above_one_pct",
            "region",
            subject,
            _share(above, len(defined)),
            "%",
            f"percentage of the {len(defined)} {what}{note}",
        ),
    ]


def finding_a(
    region_accounts: pd.DataFrame,
    group_accounts: pd.DataFrame,
    subjects: Subjects,
    denominators: tuple[str, str],
) -> list[Reading]:
    """Finding (a) per BRI group, per developed group, for both blocks and the world, and
    the BRI and developed regions with an intensity ratio above 1."""
    readings: list[Reading] = []
    developed_groups = [g for g in subjects.developed_groups if g in group_accounts.index]
    for group in [*subjects.bri_groups, *developed_groups]:
        readings += _intensity_readings(group_accounts, "group", group, [group], denominators)
    blocks = {
        "BRI": list(subjects.bri_groups),
        "developed": list(subjects.developed_groups),
        "world": list(group_accounts.index),
    }
    for subject, members in blocks.items():
        readings += _intensity_readings(group_accounts, "block", subject, members, denominators)
    for statistic, what in (("intensity_ratio", "intensity"), ("emission_ratio", "emission")):
        ratio = {
            r.subject: r.value for r in readings if r.statistic == statistic and r.level == "block"
        }
        readings.append(
            Reading(
                "a",
                f"{statistic}_gap",
                "block",
                "BRI over developed",
                ratio["BRI"] / ratio["developed"] if ratio["developed"] > 0 else float("nan"),
                "ratio",
                f"{what} ratio of the BRI groups combined / that of the developed groups "
                "combined (> 1: production exceeds consumption more in BRI)",
            )
        )
    ratios = region_intensity_ratios(region_accounts, denominators)
    readings += _regions_above_one(ratios, "BRI", subjects.bri["BRI"], denominators[0])
    readings += _regions_above_one(ratios, "developed", subjects.developed, denominators[0])
    return readings


def _terms_share(terms: pd.Series, members: Sequence[str], left_out: Sequence[str] = ()) -> float:
    """100 x the ``members``' part of the sum of ``terms`` (one term per region), the terms
    of ``left_out`` taken out of the total."""
    total = float(terms.drop(index=[c for c in left_out if c in terms.index]).sum())
    return _share(float(terms.reindex(list(members)).fillna(0.0).sum()), total)


def pair_terms(flows: pd.DataFrame) -> pd.Series:
    """Per exporter i: sum over j of max(E[i, j] - E[j, i], 0), its positive net flows."""
    values = flows.to_numpy(dtype=float)
    positive = np.clip(values - values.T, 0.0, None)
    return pd.Series(positive.sum(axis=1), index=flows.index)


def pair_positive_net_export_share(flows: pd.DataFrame, exporters: Sequence[str]) -> float:
    """Percent of the positive bilateral net flows that ``exporters`` send.

    ``flows``: origin x destination (regions or groups, same labels in both), Mt CO2. The
    net flow of the ordered pair (i, j) is E[i, j] - E[j, i]; its positive part counts for
    exporter i. 100 x sum over i in ``exporters`` / sum over all i. NaN without net flows.
    """
    return _terms_share(pair_terms(flows), exporters)


def finding_b(
    region_accounts: pd.DataFrame,
    group_accounts: pd.DataFrame,
    flows: pd.DataFrame,
    group_flows: pd.DataFrame,
    subjects: Subjects,
) -> list[Reading]:
    """Finding (b): the BRI share of the net embodied exports, read six ways, and the net
    embodied exports of the BRI block (see the module docstring)."""
    net = region_accounts["net_export_mt"]
    positive = net.clip(lower=0.0)
    world_of_two = [c for c in positive.index if c in set(subjects.bri["BRI"] + subjects.developed)]
    developed = set(subjects.developed)
    outside = [c for c in flows.index if c not in developed]
    values = flows.to_numpy(dtype=float)
    dev = np.isin(flows.columns.to_numpy(), list(developed))
    to_developed = pd.Series(
        values[:, dev].sum(axis=1) - values[dev, :].sum(axis=0)
        if dev.any()
        else np.zeros(len(flows)),
        index=flows.index,
    ).loc[outside]
    gross = pd.Series(values.sum(axis=1) - np.diag(values), index=flows.index)
    shares = (
        (
            "positive_net_export_share",
            "region",
            positive,
            "{who} share of the sum over regions of positive net embodied exports (PBA - CBA)",
        ),
        (
            "positive_net_export_share",
            "region_pair",
            pair_terms(flows),
            "{who} share of the positive net flows E[i, j] - E[j, i] over all ordered pairs of "
            "regions (counted for the exporter i)",
        ),
        (
            "positive_net_export_share_bri_developed",
            "region",
            positive.loc[world_of_two],
            "{who} share of the sum of positive net embodied exports (PBA - CBA) over the "
            "regions of the BRI and the developed groups only",
        ),
        (
            "net_flow_to_developed_share",
            "block",
            to_developed,
            "{who} share of the developed regions' net embodied imports, the sum over the "
            "other regions o of E[o, Dev] - E[Dev, o]",
        ),
        (
            "gross_export_share",
            "region",
            gross,
            "{who} share of the world's gross embodied exports, the sum over regions o of "
            "E[o, d] for d != o",
        ),
    )
    readings: list[Reading] = []
    for subject, codes in subjects.bri.items():
        variants = [(subject, [])]
        if subject != "BRI":
            variants.append((subject + subjects.without_label, subjects.left_out))
        for statistic, level, terms, text in shares:
            for name, left_out in variants:
                members = [c for c in codes if c in terms.index]
                world = f", without the terms of {', '.join(left_out)}" if left_out else ""
                readings.append(
                    Reading(
                        "b",
                        statistic,
                        level,
                        name,
                        _terms_share(terms, members, left_out),
                        "%",
                        text.format(who=f"the {subject} regions'") + world,
                    )
                )
        readings.append(
            Reading(
                "b",
                "net_embodied_exports_mt",
                "block",
                subject,
                float(net.reindex(codes).sum()),
                "Mt CO2",
                f"net embodied exports (PBA - CBA) of the {subject} regions",
            )
        )
    grouped = group_accounts["net_export_mt"].clip(lower=0.0)
    readings.append(
        Reading(
            "b",
            "positive_net_export_share",
            "group",
            "BRI",
            _terms_share(grouped, subjects.bri_groups),
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
            pair_positive_net_export_share(group_flows, subjects.bri_groups),
            "%",
            "BRI groups' share of the positive net flows E[G, H] - E[H, G] over all ordered "
            "pairs of groups",
        )
    )
    return readings


def _driven_by_row(flows: pd.DataFrame, origins: Sequence[str], drivers: Sequence[str]):
    """(E[o, D \\ o] per origin o, E[o, all] per origin o) as arrays (Mt CO2)."""
    rows = flows.loc[list(origins)]
    values = rows.to_numpy(dtype=float)
    mask = np.isin(rows.columns.to_numpy(), list(drivers))[None, :] & (
        rows.index.to_numpy()[:, None] != rows.columns.to_numpy()[None, :]
    )
    return np.where(mask, values, 0.0).sum(axis=1), values.sum(axis=1)


def driven(flows: pd.DataFrame, origins: Sequence[str], drivers: Sequence[str]) -> float:
    """E[origins, drivers] without each origin's own final demand (Mt CO2)."""
    return float(_driven_by_row(flows, origins, drivers)[0].sum())


def region_driven_shares(
    flows: pd.DataFrame, origins: Sequence[str], drivers: Sequence[str]
) -> pd.Series:
    """Per origin region with positive industry CO2: 100 x E[o, D \\ o] / E[o, all]."""
    numerator, totals = _driven_by_row(flows, origins, drivers)
    kept = totals > 0
    return pd.Series(
        100.0 * numerator[kept] / totals[kept], index=np.asarray(list(origins))[kept], dtype=float
    )


def finding_c(
    region_accounts: pd.DataFrame,
    flows: pd.DataFrame,
    regions: pd.DataFrame,
    drivers: Drivers,
    subjects: Subjects,
) -> list[Reading]:
    """Finding (c): shares of BRI emissions driven by the drivers (and by the developed
    regions, and by the United States and the EU28), of BRI exports going to them, of the
    drivers' and BRI consumption-based emissions by where they are emitted."""
    label = drivers.label
    members = {
        g: [c for c in flows.index if regions.loc[c, "group"] == g] for g in subjects.bri_groups
    }
    readings: list[Reading] = []

    def driven_share(subject: str, level: str, codes: list[str]) -> Reading:
        return Reading(
            "c",
            "driven_share",
            level,
            subject,
            _share(driven(flows, codes, drivers.codes), float(flows.loc[codes].to_numpy().sum())),
            "%",
            f"share of the industry emissions of {subject} (its rows of the flow matrix) "
            f"driven by final demand of {label} (each region's own demand excluded)",
        )

    def exported(subject: str, level: str, codes: list[str]) -> Reading:
        outside = [c for c in flows.columns if c not in set(codes)]
        rows = flows.loc[codes]
        to_drivers = [c for c in drivers.codes if c not in set(codes)]
        return Reading(
            "c",
            "export_share_to_drivers",
            level,
            subject,
            _share(float(rows[to_drivers].to_numpy().sum()), float(rows[outside].to_numpy().sum())),
            "%",
            f"share of the embodied exports of {subject} (its industry emissions driven by "
            f"final demand elsewhere) that final demand of {label} drives",
        )

    for group, codes in members.items():
        readings += [driven_share(group, "group", codes), exported(group, "group", codes)]
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
            f"({', '.join(within) or 'none'}); the project's reading of 'about 30% ... in most "
            "BR regions' as most BRI groups near 30%",
        )
    )
    pba = region_accounts["production_mt"]
    cba = region_accounts["consumption_mt"]
    developed_label = " + ".join(subjects.developed_groups)
    for subject, codes in subjects.bri.items():
        industry = float(flows.loc[codes].to_numpy().sum())
        readings += [driven_share(subject, "block", codes), exported(subject, "block", codes)]
        readings += [
            Reading(
                "c",
                "driven_share_all_developed",
                "block",
                subject,
                _share(driven(flows, codes, subjects.developed), industry),
                "%",
                f"share of the industry emissions of the {subject} regions (their rows of the "
                f"flow matrix) driven by final demand of all developed groups ({developed_label})",
            ),
            Reading(
                "c",
                "driven_share_us_eu28",
                "block",
                subject,
                _share(driven(flows, codes, subjects.us_eu28), industry),
                "%",
                f"share of the industry emissions of the {subject} regions driven by final "
                "demand of the United States and the 28 EU member states of 2015 (each region's "
                "own demand excluded)",
            ),
            Reading(
                "c",
                "driven_share_pba",
                "block",
                subject,
                _share(driven(flows, codes, drivers.codes), float(pba.reindex(codes).sum())),
                "%",
                f"industry emissions of the {subject} regions driven by final demand of {label} "
                "/ their production-based emissions (household direct emissions included)",
            ),
            Reading(
                "c",
                "consumption_share_from_developed",
                "block",
                subject,
                _share(
                    float(flows.loc[subjects.developed, codes].to_numpy().sum()),
                    float(cba.reindex(codes).sum()),
                ),
                "%",
                f"share of the consumption-based emissions of the {subject} regions (household "
                "direct emissions included) emitted in the regions of the developed groups "
                f"({developed_label})",
            ),
        ]
    readings.append(
        Reading(
            "c",
            "developed_share_of_world_cba",
            "block",
            "developed",
            _share(float(cba.reindex(subjects.developed).sum()), float(cba.sum())),
            "%",
            f"share of the world's consumption-based emissions that is the developed groups' "
            f"({developed_label})",
        )
    )
    origins = subjects.bri["BRI"]
    for statistic, driving, what in (
        ("driven_share", drivers.codes, label),
        ("driven_share_us_eu28", subjects.us_eu28, "the United States and the EU28 of 2015"),
    ):
        shares = region_driven_shares(flows, origins, driving)
        empty = sorted(set(origins) - set(shares.index))
        if empty and statistic == "driven_share":
            log.warning("BRI regions without industry emissions, left out of %s: %s", what, empty)
        summaries = (("median", shares.median()), ("min", shares.min()), ("max", shares.max()))
        for subject, value in summaries if statistic == "driven_share" else summaries[:1]:
            readings.append(
                Reading(
                    "c",
                    statistic,
                    "region",
                    subject,
                    float(value),
                    "%",
                    f"{subject} across {len(shares)} BRI regions of the share of each region's "
                    f"industry emissions driven by final demand of {what} (its own excluded)",
                )
            )
    targets = {
        g: [c for c in drivers.codes if regions.loc[c, "group"] == g] for g in drivers.groups
    }
    targets[label] = list(drivers.codes)
    for target, codes in targets.items():
        level = "group" if target in set(drivers.groups) and len(drivers.groups) > 1 else "block"
        if level == "block" and target != label:
            continue
        for subject, bri_codes in subjects.bri.items():
            readings.append(
                Reading(
                    "c",
                    "driver_consumption_from_bri",
                    level,
                    target if subject == "BRI" else f"{target} ({subject})",
                    _share(
                        float(flows.loc[bri_codes, codes].to_numpy().sum()),
                        float(cba.reindex(codes).sum()),
                    ),
                    "%",
                    f"share of the consumption-based emissions of {target} emitted in "
                    f"{subject} regions",
                )
            )
    return readings
