"""Rule figure_net_exports: bar chart of net embodied CO2 exports by group."""

import json
from pathlib import Path

import pandas as pd

from bri_carbon.outputs import figures, tables
from bri_carbon.runtime import logs


def main(smk) -> None:
    group_accounts = tables.read_accounts(Path(smk.input.accounts), "group")
    headline = pd.read_csv(smk.input.headline, index_col="statistic")
    meta = json.loads(Path(smk.input.diagnostics).read_text())
    region_share = headline.loc["bri_share_of_positive_net_exports_regions"]
    fig = figures.net_exports_by_group(
        group_accounts,
        smk.wildcards.source,
        int(smk.wildcards.year),
        meta["synthetic"],
        region_share=float(region_share["value"]),
        paper_share=None
        if pd.isna(region_share["paper_value"])
        else float(region_share["paper_value"]),
    )
    figures.save(fig, smk.output.png, smk.output.pdf)


logs.run_rule(main, snakemake)
