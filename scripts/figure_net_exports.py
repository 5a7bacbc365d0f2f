"""Rule figure_net_exports: bar chart of net embodied CO2 exports by group."""

import json
from pathlib import Path

import pandas as pd

from bri_carbon import figures, logs


def main(smk) -> None:
    group_accounts = pd.read_csv(smk.input.accounts, index_col="group")
    group_accounts["bri"] = group_accounts["bri"].astype(str).str.lower() == "true"
    meta = json.loads(Path(smk.input.diagnostics).read_text())
    fig = figures.net_exports_by_group(
        group_accounts, smk.wildcards.source, int(smk.wildcards.year), meta["synthetic"]
    )
    figures.save(fig, smk.output.png, smk.output.pdf)


logs.run_rule(main, snakemake)
