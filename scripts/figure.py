"""Rule figure: one figure (wildcard ``figure``) of one source and year, PNG and PDF.

Each function reads the inputs its figure needs (rules/figures.smk, FIGURE_INPUTS) and
returns the figure drawn by bri_carbon.outputs.
"""

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from bri_carbon.core import findings, grouping, intensities
from bri_carbon.outputs import chord, figures, geography, maps, robustness_figure
from bri_carbon.results import store
from bri_carbon.runtime import logs
from bri_carbon.runtime.context import RunContext
from bri_carbon.sources import config_tables


def _boundaries(smk, purpose: str):
    regions = config_tables.read_regions(Path(smk.input.regions))
    boundaries = geography.boundaries_for(
        Path(smk.input.boundaries), Path(smk.input.iso3_fixes), regions, purpose
    )
    return regions, boundaries


def study_area(smk, context: RunContext) -> Figure:
    regions, boundaries = _boundaries(smk, "study area")
    accounts = store.read_accounts(Path(smk.input.accounts), "region")
    in_data = [code for code in regions.index if code in accounts.index]
    return maps.study_area(
        boundaries, regions.loc[in_data], context.source, context.year, context.synthetic
    )


def intensity_maps(smk, context: RunContext) -> Figure:
    _, boundaries = _boundaries(smk, "intensity maps")
    accounts = store.read_accounts(Path(smk.input.accounts), "region")
    return maps.intensity_maps(
        boundaries, accounts, context.source, context.year, context.synthetic
    )


def intensity_gap(smk, context: RunContext) -> Figure:
    return figures.intensity_gap(
        store.read_accounts(Path(smk.input.group_accounts), "group"),
        list(smk.params.developed_groups),
        context.source,
        context.year,
        context.synthetic,
        *intensities.denominators(smk.params.denominators),
    )


def flows_chord(smk, context: RunContext) -> Figure:
    group_accounts = store.read_accounts(Path(smk.input.group_accounts), "group")
    flows = store.read_flows(Path(smk.input.group_flows))
    order = list(group_accounts.index)
    return chord.flows_chord(
        flows.loc[order, order],
        group_accounts["bri"],
        context.source,
        context.year,
        context.synthetic,
    )


def net_exports_by_group(smk, context: RunContext) -> Figure:
    headline = store.read_headline(Path(smk.input.headline))
    reading = ("positive_net_export_share", "region", "BRI")
    return figures.net_exports_by_group(
        store.read_accounts(Path(smk.input.group_accounts), "group"),
        context.source,
        context.year,
        context.synthetic,
        region_share=store.headline_reading(headline, *reading)[0],
        paper_wording=store.paper_wording(headline, *reading),
    )


def _bri_groups(regions: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(every group, the BRI groups), in the order of the grouping file."""
    order = grouping.group_order(regions)
    return order, [g for g in order if regions.loc[regions["group"] == g, "bri"].all()]


def _driven(smk) -> pd.DataFrame:
    return pd.read_csv(smk.input.driven_by, keep_default_na=False, dtype={"region": str})


def driven_by(smk, context: RunContext) -> Figure:
    order, bri_groups = _bri_groups(config_tables.read_regions(Path(smk.input.regions)))
    headline = store.read_headline(Path(smk.input.headline))
    shown = findings.driven_by_groups(_driven(smk))
    reading = ("driven_share", "group", str(shown["group"].iloc[0]))
    return figures.driven_by_shares(
        shown,
        list(smk.params.driver_groups),
        order,
        bri_groups,
        context.source,
        context.year,
        context.synthetic,
        store.headline_reading(headline, *reading)[1],
        store.paper_wording(headline, *reading),
    )


def driven_by_regions(smk, context: RunContext) -> Figure:
    order, bri_groups = _bri_groups(config_tables.read_regions(Path(smk.input.regions)))
    headline = store.read_headline(Path(smk.input.headline))
    return figures.driven_by_regions(
        _driven(smk),
        list(smk.params.driver_groups),
        order,
        bri_groups,
        context.source,
        context.year,
        context.synthetic,
        store.headline_reading(headline, "driven_share", "region", "median")[1],
        store.paper_wording(headline, "driven_share", "region", "median"),
    )


def sector_hotspots(smk, context: RunContext) -> Figure:
    _, bri_groups = _bri_groups(config_tables.read_regions(Path(smk.input.regions)))
    hotspots = pd.read_csv(smk.input.sector_hotspots, keep_default_na=False)
    return figures.sector_hotspots(
        hotspots,
        bri_groups,
        list(smk.params.driver_groups),
        context.source,
        context.year,
        context.synthetic,
    )


def robustness(smk, context: RunContext) -> Figure:
    return robustness_figure.robustness_figure(
        store.read_robustness(Path(smk.input.robustness)),
        store.read_headline(Path(smk.input.headline)),
        context.source,
        context.year,
        context.synthetic,
    )


FIGURES = {
    "study_area": study_area,
    "intensity_maps": intensity_maps,
    "intensity_gap": intensity_gap,
    "flows_chord": flows_chord,
    "net_exports_by_group": net_exports_by_group,
    "driven_by": driven_by,
    "driven_by_regions": driven_by_regions,
    "sector_hotspots": sector_hotspots,
    "robustness": robustness,
}


def main(smk) -> None:
    fig = FIGURES[smk.wildcards.figure](smk, RunContext.of(smk.params.context))
    figures.save(fig, smk.output.png, smk.output.pdf)


logs.run_rule(main, snakemake)
