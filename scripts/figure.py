"""Rule figure: one of the paper's six figures (wildcard ``figure``), PNG and PDF.

Each function reads the inputs its figure needs (rules/figures.smk, FIGURE_INPUTS) and
returns the figure drawn by bri_carbon.outputs.
"""

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from bri_carbon.core import grouping
from bri_carbon.outputs import chord, figures, geography, maps, tables
from bri_carbon.runtime import logs
from bri_carbon.runtime.context import RunContext
from bri_carbon.sources import config_tables


def _boundaries(smk, purpose: str):
    regions = config_tables.read_regions(Path(smk.input.regions))
    boundaries = geography.boundaries_for(
        Path(smk.input.boundaries), Path(smk.input.iso3_fixes), regions, purpose
    )
    return regions, boundaries


def _paper_value(headline: pd.DataFrame, statistic: str) -> float | None:
    value = headline.loc[statistic, "paper_value"]
    return None if pd.isna(value) else float(value)


def study_area(smk, context: RunContext) -> Figure:
    regions, boundaries = _boundaries(smk, "study area")
    accounts = tables.read_accounts(Path(smk.input.accounts), "region")
    return maps.study_area(
        boundaries, regions.loc[accounts.index], context.source, context.year, context.synthetic
    )


def intensity_maps(smk, context: RunContext) -> Figure:
    _, boundaries = _boundaries(smk, "intensity maps")
    accounts = tables.read_accounts(Path(smk.input.accounts), "region")
    return maps.intensity_maps(
        boundaries, accounts, context.source, context.year, context.synthetic
    )


def intensity_gap(smk, context: RunContext) -> Figure:
    return figures.intensity_gap(
        tables.read_accounts(Path(smk.input.group_accounts), "group"),
        list(smk.params.developed_groups),
        context.source,
        context.year,
        context.synthetic,
        smk.params.production_denominator,
        smk.params.consumption_denominator,
    )


def flows_chord(smk, context: RunContext) -> Figure:
    group_accounts = tables.read_accounts(Path(smk.input.group_accounts), "group")
    flows = tables.read_flows(Path(smk.input.group_flows))
    order = list(group_accounts.index)
    return chord.flows_chord(
        flows.loc[order, order],
        group_accounts["bri"],
        context.source,
        context.year,
        context.synthetic,
    )


def net_exports_by_group(smk, context: RunContext) -> Figure:
    headline = pd.read_csv(smk.input.headline, index_col="statistic")
    statistic = "bri_share_of_positive_net_exports_regions"
    return figures.net_exports_by_group(
        tables.read_accounts(Path(smk.input.group_accounts), "group"),
        context.source,
        context.year,
        context.synthetic,
        region_share=float(headline.loc[statistic, "value"]),
        paper_share=_paper_value(headline, statistic),
    )


def driven_by(smk, context: RunContext) -> Figure:
    regions = config_tables.read_regions(Path(smk.input.regions))
    driven = pd.read_csv(smk.input.driven_by, keep_default_na=False, dtype={"region": str})
    headline = pd.read_csv(smk.input.headline, index_col="statistic")
    order = grouping.group_order(regions)
    bri_groups = [g for g in order if regions.loc[regions["group"] == g, "bri"].all()]
    return figures.driven_by_shares(
        driven,
        list(smk.params.driver_groups),
        order,
        bri_groups,
        context.source,
        context.year,
        context.synthetic,
        _paper_value(headline, "driven_share_median"),
    )


FIGURES = {
    "study_area": study_area,
    "intensity_maps": intensity_maps,
    "intensity_gap": intensity_gap,
    "flows_chord": flows_chord,
    "net_exports_by_group": net_exports_by_group,
    "driven_by": driven_by,
}


def main(smk) -> None:
    fig = FIGURES[smk.wildcards.figure](smk, RunContext.of(smk.params.context))
    figures.save(fig, smk.output.png, smk.output.pdf)


logs.run_rule(main, snakemake)
