"""Rule table_group_accounts: the group accounts as CSV, Markdown and LaTeX."""

import json
from pathlib import Path

import pandas as pd

from bri_carbon import logs, tables


def main(smk) -> None:
    group_accounts = pd.read_csv(smk.input.accounts, index_col="group")
    meta = json.loads(Path(smk.input.diagnostics).read_text())
    label = "synthetic data" if meta["synthetic"] else smk.wildcards.source
    caption = (
        f"Production- and consumption-based CO2 by group, {smk.wildcards.year} ({label}): "
        "Mt CO2, million USD, kg CO2 per USD"
    )
    tables.write_table_set(
        group_accounts,
        smk.output.csv,
        smk.output.md,
        smk.output.tex,
        caption=caption,
        label=f"tab:group-accounts-{smk.wildcards.source}-{smk.wildcards.year}",
    )


logs.run_rule(main, snakemake)
