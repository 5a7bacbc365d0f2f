"""Rule compare_sources: the results of one year from two sources side by side.

Group accounts (CSV, Markdown, LaTeX), every headline reading, the group flow matrix on the
regions both sources have, and the robustness readings of both sources.
"""

from pathlib import Path

import pandas as pd

from bri_carbon.core import compare, robustness
from bri_carbon.outputs import tables
from bri_carbon.runtime import logs
from bri_carbon.sources import config_tables


def main(smk) -> None:
    names = (smk.wildcards.source_a, smk.wildcards.source_b)
    table = compare.side_by_side(
        tables.read_accounts(Path(smk.input.accounts_a), "group"),
        tables.read_accounts(Path(smk.input.accounts_b), "group"),
        names,
    )
    caption = (
        f"Group accounts {smk.wildcards.year}: {names[0]} vs {names[1]}, relative difference "
        f"({names[1]} \u2212 {names[0]}) / |{names[0]}| in %; Mt CO2, billion current USD, "
        "kg CO2 per USD"
    )
    tables.write_table_set(
        table,
        tables.comparison_display(table, names),
        smk.output.csv,
        smk.output.md,
        smk.output.tex,
        caption=caption,
        label=f"tab:compare-{names[0]}-{names[1]}-{smk.wildcards.year}",
    )
    headline = compare.headline_differences(
        tables.read_headline(Path(smk.input.headline_a)),
        tables.read_headline(Path(smk.input.headline_b)),
        names,
    )
    tables.write_csv(headline, smk.output.headline, index=False)
    flows = compare.common_group_flows(
        tables.read_flows(Path(smk.input.flows_a)),
        tables.read_flows(Path(smk.input.flows_b)),
        config_tables.read_regions(Path(smk.input.regions)),
        names,
    )
    tables.write_csv(flows, smk.output.group_flows, index=False)
    tables.write_csv(
        robustness.stacked(
            [
                pd.read_csv(path, keep_default_na=False, na_values={"value": [""]})
                for path in (smk.input.robustness_a, smk.input.robustness_b)
            ]
        ),
        smk.output.robustness,
        index=False,
    )


logs.run_rule(main, snakemake)
