"""Made-up results of many years for the explorer's tests: accounts, flows, groups, blocks and
headline readings in the layouts of the workflow's CSV files (docs/outputs.md), generated in
code at any size (the size test uses Eora26's 189 regions and 27 years)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from bri_carbon.core.units import KG_PER_USD_PER_MT_PER_MUSD
from bri_carbon.outputs.explorer import YearTables
from bri_carbon.sources import config_tables

from .workflow import REPO

#: Readings per year of the made-up headline tables: more than the workflow writes today
#: (about 80), so that the size test leaves room for new readings.
HEADLINE_ROWS = 150


def grouping(count: int) -> pd.DataFrame:
    """The first ``count`` regions of config/regions.csv (indexed by ISO3: name, bri, group)."""
    regions = config_tables.read_regions(REPO / "config" / "regions.csv")
    assert len(regions) >= count, f"config/regions.csv has only {len(regions)} regions"
    return regions.iloc[:count]


def _accounts(rows: pd.DataFrame, rng: np.random.Generator, scale: float) -> pd.DataFrame:
    """Account columns at full precision (Mt CO2, million USD, kg CO2 per USD)."""
    size = len(rows)
    production = rng.lognormal(3.0, 2.0, size) * scale
    consumption = production * rng.lognormal(0.0, 0.3, size)
    value_added = rng.lognormal(10.0, 2.0, size) * scale
    final_demand = value_added * rng.lognormal(0.0, 0.1, size)
    frame = rows.copy()
    frame["production_mt"] = production
    frame["consumption_mt"] = consumption
    frame["household_direct_mt"] = production * 0.1
    frame["net_export_mt"] = production - consumption
    frame["primary_inputs_musd"] = value_added * 1.05
    frame["value_added_musd"] = value_added
    frame["final_demand_musd"] = final_demand
    frame["gross_output_musd"] = value_added * 1.8
    frame["production_intensity_kg_per_usd"] = (
        production / frame["primary_inputs_musd"] * KG_PER_USD_PER_MT_PER_MUSD
    )
    frame["consumption_intensity_kg_per_usd"] = (
        consumption / final_demand * KG_PER_USD_PER_MT_PER_MUSD
    )
    return frame


def _headline(year: int, rng: np.random.Generator) -> pd.DataFrame:
    statements = [
        "production-based carbon intensities of the Belt and Road regions are significantly "
        "higher than their consumption-based ones",
        "more than 95% of world net embodied carbon exports come from BR regions",
        "about 30% of the emissions of most BR regions are driven by US and European demand",
    ]
    rows = []
    for k in range(HEADLINE_ROWS):
        finding = "abc"[k % 3]
        rows.append(
            {
                "source": "synthetic",
                "year": year,
                "synthetic": "true",
                "finding": finding,
                "statistic": ["intensity_ratio", "positive_net_export_share", "driven_share"][
                    k % 3
                ],
                "level": ["group", "region", "block", "region_pair"][k % 4],
                "subject": f"Subject number {k}",
                "value": float(rng.uniform(0, 100)),
                "unit": ["ratio", "%", "Mt CO2", "kg CO2 per USD"][k % 4],
                "paper_value": 95.0 if k % 7 == 0 else np.nan,
                "paper_wording": "more than 95% (J. Geogr. Sci.)" if k % 7 == 0 else "",
                "paper_statement": statements[k % 3] if k < 3 else "",
                "definition": "a made-up definition of the reading, as long as a real one",
                "citation": "",
            }
        )
    return pd.DataFrame(rows).sort_values("finding", kind="stable").reset_index(drop=True)


def year_tables(regions: pd.DataFrame, year: int, seed: int = 0) -> YearTables:
    """One year of made-up results for ``regions`` (see :func:`grouping`), whose group sums
    and flow sums are consistent as in the workflow's files."""
    rng = np.random.default_rng([seed, year])
    accounts = _accounts(regions[["name", "bri", "group"]], rng, 1.0 + (year % 7) / 10)
    codes = list(accounts.index)
    matrix = rng.lognormal(-3.0, 3.0, (len(codes), len(codes)))
    matrix[np.diag_indices(len(codes))] *= 1e3
    flows = pd.DataFrame(matrix, index=codes, columns=codes)
    members = accounts["group"]
    group_flows = flows.groupby(members.to_numpy()).sum().T.groupby(members.to_numpy()).sum().T
    sums = accounts.drop(columns=["name", "group"]).groupby(members, sort=False).sum()
    sums["bri"] = accounts.groupby("group", sort=False)["bri"].all()
    sums["production_intensity_kg_per_usd"] = (
        sums["production_mt"] / sums["primary_inputs_musd"] * KG_PER_USD_PER_MT_PER_MUSD
    )
    sums["consumption_intensity_kg_per_usd"] = (
        sums["consumption_mt"] / sums["final_demand_musd"] * KG_PER_USD_PER_MT_PER_MUSD
    )
    total = float(flows.to_numpy().sum())
    blocks = pd.DataFrame(
        {
            "block": [
                "BRI domestic",
                "BRI to BRI across borders",
                "BRI to non-BRI",
                "non-BRI to BRI",
                "non-BRI to non-BRI",
            ],
            "co2_mt": [total * share for share in (0.37, 0.03, 0.07, 0.03, 0.5)],
        }
    )
    blocks["share_of_world_pct"] = blocks["co2_mt"] / total * 100
    return YearTables(
        accounts=accounts,
        flows=flows,
        group_accounts=sums,
        group_flows=group_flows,
        bri_blocks=blocks,
        headline=_headline(year, rng),
        provenance={
            "year": year,
            "dataset": {"version": "made-up results for the explorer's tests"},
            "git": {"commit": "0123456789abcdef0123456789abcdef01234567"},
        },
    )


def many_years(regions: pd.DataFrame, years: Sequence[int]) -> dict[int, YearTables]:
    """:func:`year_tables` for every year of ``years``."""
    return {year: year_tables(regions, year) for year in years}
