"""Rule trends: headline findings and group accounts of every configured year."""

from pathlib import Path

import pandas as pd

from bri_carbon.core import trends
from bri_carbon.outputs import figures, tables, vintage_figures
from bri_carbon.runtime import logs
from bri_carbon.runtime.context import RunContext


def main(smk) -> None:
    years = [int(year) for year in smk.params.years]
    accounts = {
        year: tables.read_accounts(Path(path), "group")
        for year, path in zip(years, smk.input.accounts, strict=True)
    }
    flows = {
        year: pd.read_csv(path, keep_default_na=False)
        for year, path in zip(years, smk.input.flows, strict=True)
    }
    context = RunContext.of(smk.params.context)
    destinations = list(smk.params.destination_groups)
    headline = trends.headline_table(accounts, flows, destinations)
    tables.write_csv(headline, smk.output.headline, index=False)
    tables.write_csv(trends.group_series(accounts), smk.output.groups, index=False)
    fig = vintage_figures.shares_figure(headline, destinations, context.source, context.synthetic)
    figures.save(fig, smk.output.png, smk.output.pdf)


logs.run_rule(main, snakemake)
