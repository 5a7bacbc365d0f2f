"""Rule table_group_accounts: the group accounts as CSV, Markdown and LaTeX."""

import json
from pathlib import Path

from bri_carbon.core import findings
from bri_carbon.outputs import tables
from bri_carbon.runtime import logs


def main(smk) -> None:
    group_accounts = tables.read_accounts(Path(smk.input.accounts), "group")
    ratios = findings.intensity_ratios(
        group_accounts, smk.params.production_denominator, smk.params.consumption_denominator
    )
    group_accounts[ratios.name] = ratios
    meta = json.loads(Path(smk.input.diagnostics).read_text())
    caption = tables.table_caption(
        "Production- and consumption-based CO2 by group",
        smk.wildcards.source,
        int(smk.wildcards.year),
        meta["synthetic"],
        "Mt CO2, million USD, kg CO2 per USD; last column: production over consumption intensity",
    )
    tables.write_table_set(
        group_accounts,
        smk.output.csv,
        smk.output.md,
        smk.output.tex,
        caption=caption,
        label=f"tab:group-accounts-{smk.wildcards.source}-{smk.wildcards.year}",
        fit_width=True,
    )


logs.run_rule(main, snakemake)
