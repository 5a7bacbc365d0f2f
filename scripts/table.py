"""Rule table: one of the paper's four tables (wildcard ``table``) as CSV, Markdown, LaTeX.

Each function reads the inputs its table needs (rules/tables.smk, TABLE_INPUTS) and returns
the frame the CSV holds at full precision; bri_carbon.outputs.tables shows it (DISPLAYS) with
human headers, units and rounded numbers in the Markdown and LaTeX versions.
"""

from pathlib import Path

import pandas as pd

from bri_carbon.core import findings, intensities
from bri_carbon.outputs import tables
from bri_carbon.results import store
from bri_carbon.runtime import logs
from bri_carbon.runtime.context import RunContext
from bri_carbon.sources import config_tables


def region_membership(smk) -> pd.DataFrame:
    regions = config_tables.read_regions(Path(smk.input.regions))
    accounts = store.read_accounts(Path(smk.input.accounts), "region")
    return tables.region_membership(regions, list(accounts.index))


def group_accounts(smk) -> pd.DataFrame:
    accounts = store.read_accounts(Path(smk.input.group_accounts), "group")
    ratios = findings.intensity_ratios(accounts, *intensities.denominators(smk.params.denominators))
    accounts[ratios.name] = ratios
    return accounts


def group_flows(smk) -> pd.DataFrame:
    accounts = store.read_accounts(Path(smk.input.group_accounts), "group")
    flows = store.read_flows(Path(smk.input.group_flows))
    order = list(accounts.index)
    return tables.flow_matrix_with_totals(flows.loc[order, order])


def headline(smk) -> pd.DataFrame:
    return tables.headline_table(store.read_headline(Path(smk.input.headline)))


TABLES = {
    "region_membership": region_membership,
    "group_accounts": group_accounts,
    "group_flows": group_flows,
    "headline": headline,
}


def main(smk) -> None:
    context = RunContext.of(smk.params.context)
    name = smk.wildcards.table
    frame = TABLES[name](smk)
    title, units = tables.TABLE_TITLES[name]
    tables.write_table_set(
        frame,
        tables.DISPLAYS[name](frame),
        smk.output.csv,
        smk.output.md,
        smk.output.tex,
        caption=tables.table_caption(title, context.source, context.year, context.synthetic, units),
        label=f"tab:{name.replace('_', '-')}-{context.source}-{context.year}",
    )


logs.run_rule(main, snakemake)
