"""Rule compare_sources: the results of one year from two sources side by side.

Group accounts (CSV, Markdown, LaTeX), every headline reading, the group flow matrix on the
regions both sources have, and the robustness readings of both sources.
"""

from pathlib import Path

from bri_carbon.core import compare, robustness
from bri_carbon.outputs import tables
from bri_carbon.results import store
from bri_carbon.runtime import logs
from bri_carbon.sources import config_tables


def main(smk) -> None:
    names = (smk.wildcards.source_a, smk.wildcards.source_b)
    table = compare.side_by_side(
        store.read_accounts(Path(smk.input.accounts_a), "group"),
        store.read_accounts(Path(smk.input.accounts_b), "group"),
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
        store.read_headline(Path(smk.input.headline_a)),
        store.read_headline(Path(smk.input.headline_b)),
        names,
    )
    store.write_csv(headline, smk.output.headline, index=False)
    flows = compare.common_group_flows(
        store.read_flows(Path(smk.input.flows_a)),
        store.read_flows(Path(smk.input.flows_b)),
        config_tables.read_regions(Path(smk.input.regions)),
        names,
    )
    store.write_csv(flows, smk.output.group_flows, index=False)
    store.write_csv(
        robustness.stacked(
            [
                store.read_robustness(Path(path))
                for path in (smk.input.robustness_a, smk.input.robustness_b)
            ]
        ),
        smk.output.robustness,
        index=False,
    )


logs.run_rule(main, snakemake)
