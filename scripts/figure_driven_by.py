"""Rule figure_driven_by: share of each BRI region's emissions driven by each group."""

import json
from pathlib import Path

import pandas as pd

from bri_carbon.core import grouping
from bri_carbon.outputs import figures
from bri_carbon.runtime import logs
from bri_carbon.sources import config_tables


def main(smk) -> None:
    regions = config_tables.read_regions(Path(smk.input.regions))
    driven = pd.read_csv(smk.input.driven_by, keep_default_na=False, dtype={"region": str})
    headline = pd.read_csv(smk.input.headline, index_col="statistic")
    meta = json.loads(Path(smk.input.diagnostics).read_text())
    paper_median = headline.loc["driven_share_median", "paper_value"]
    order = grouping.group_order(regions)
    bri_groups = [g for g in order if regions.loc[regions["group"] == g, "bri"].all()]
    fig = figures.driven_by_shares(
        driven,
        list(smk.params.driver_groups),
        order,
        bri_groups,
        smk.wildcards.source,
        int(smk.wildcards.year),
        meta["synthetic"],
        None if pd.isna(paper_median) else float(paper_median),
    )
    figures.save(fig, smk.output.png, smk.output.pdf)


logs.run_rule(main, snakemake)
