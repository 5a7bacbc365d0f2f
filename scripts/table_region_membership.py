"""Rule table_region_membership: the groups and their member regions in the data."""

import json
from pathlib import Path

from bri_carbon.outputs import tables
from bri_carbon.runtime import logs
from bri_carbon.sources import config_tables


def main(smk) -> None:
    regions = config_tables.read_regions(Path(smk.input.regions))
    accounts = tables.read_accounts(Path(smk.input.accounts), "region")
    meta = json.loads(Path(smk.input.diagnostics).read_text())
    caption = tables.table_caption(
        "Region membership of the groups",
        smk.wildcards.source,
        int(smk.wildcards.year),
        meta["synthetic"],
        "regions of the data per group of the grouping file",
    )
    tables.write_table_set(
        tables.region_membership(regions, list(accounts.index)),
        smk.output.csv,
        smk.output.md,
        smk.output.tex,
        caption=caption,
        label=f"tab:region-membership-{smk.wildcards.source}-{smk.wildcards.year}",
        align=r"llrp{0.6\linewidth}",
    )


logs.run_rule(main, snakemake)
