"""Rule table: one of the paper's four tables (wildcard ``table``) as CSV, Markdown, LaTeX.

Each function reads the inputs its table needs (rules/tables.smk, TABLE_INPUTS) and returns
the frame, its caption (title and units) and the layout options of the Markdown and LaTeX
versions.
"""

from pathlib import Path
from typing import Any

import pandas as pd

from bri_carbon.core import findings
from bri_carbon.outputs import tables
from bri_carbon.runtime import logs
from bri_carbon.runtime.context import RunContext
from bri_carbon.sources import config_tables

#: (frame, title, units, layout options of tables.write_table_set)
TableParts = tuple[pd.DataFrame, str, str, dict[str, Any]]


def region_membership(smk) -> TableParts:
    regions = config_tables.read_regions(Path(smk.input.regions))
    accounts = tables.read_accounts(Path(smk.input.accounts), "region")
    return (
        tables.region_membership(regions, list(accounts.index)),
        "Region membership of the groups",
        "regions of the data per group of the grouping file",
        {"align": r"llrp{0.6\linewidth}"},
    )


def group_accounts(smk) -> TableParts:
    accounts = tables.read_accounts(Path(smk.input.group_accounts), "group")
    ratios = findings.intensity_ratios(
        accounts, smk.params.production_denominator, smk.params.consumption_denominator
    )
    accounts[ratios.name] = ratios
    return (
        accounts,
        "Production- and consumption-based CO2 by group",
        "Mt CO2, million USD, kg CO2 per USD; last column: production over consumption intensity",
        {"fit_width": True},
    )


def group_flows(smk) -> TableParts:
    accounts = tables.read_accounts(Path(smk.input.group_accounts), "group")
    flows = tables.read_flows(Path(smk.input.group_flows))
    order = list(accounts.index)
    return (
        tables.flow_matrix_with_totals(flows.loc[order, order]),
        "Embodied CO2 flows between groups (rows: where emitted; columns: whose final demand)",
        "Mt CO2, industry emissions (household direct emissions excluded)",
        {"digits": 1, "fit_width": True},
    )


def headline(smk) -> TableParts:
    return (
        tables.headline_display(tables.read_headline(Path(smk.input.headline))),
        "Headline findings: every reading recomputed, next to the paper's statement",
        "units per row",
        {"align": r"lp{0.3\linewidth}p{0.25\linewidth}lrlr", "fit_width": True},
    )


TABLES = {
    "region_membership": region_membership,
    "group_accounts": group_accounts,
    "group_flows": group_flows,
    "headline": headline,
}


def main(smk) -> None:
    context = RunContext.of(smk.params.context)
    name = smk.wildcards.table
    frame, title, units, layout = TABLES[name](smk)
    tables.write_table_set(
        frame,
        smk.output.csv,
        smk.output.md,
        smk.output.tex,
        caption=tables.table_caption(title, context.source, context.year, context.synthetic, units),
        label=f"tab:{name.replace('_', '-')}-{context.source}-{context.year}",
        **layout,
    )


logs.run_rule(main, snakemake)
