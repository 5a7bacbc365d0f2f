"""Rule compare_sources: the findings across databases, one year.

Group accounts (CSV, Markdown, LaTeX), every reading of the findings, the group flow
matrix on the regions all databases have, and the robustness readings of every database;
the first database of config key compare.sources is the reference of the differences.
"""

from pathlib import Path

from bri_carbon.core import compare, robustness
from bri_carbon.outputs import tables
from bri_carbon.results import store
from bri_carbon.runtime import logs
from bri_carbon.sources import config_tables


def main(smk) -> None:
    names, labels = list(smk.params.databases), list(smk.params.labels)
    year = smk.wildcards.year

    def per_database(paths, read):
        return {name: read(Path(path)) for name, path in zip(names, paths, strict=True)}

    table = compare.side_by_side(
        per_database(smk.input.accounts, lambda path: store.read_accounts(path, "group"))
    )
    caption = (
        f"Group accounts {year} of {', '.join(labels)}; relative difference to {labels[0]} "
        f"(d \u2212 {labels[0]}) / |{labels[0]}| in %; Mt CO2, billion current USD, "
        "kg CO2 per USD"
    )
    tables.write_table_set(
        table,
        tables.comparison_display(table, names, labels),
        smk.output.csv,
        smk.output.md,
        smk.output.tex,
        caption=caption,
        label=f"tab:compare-{year}",
    )
    headline = compare.headline_differences(per_database(smk.input.headline, store.read_headline))
    store.write_csv(headline, smk.output.headline, index=False)
    flows = compare.common_group_flows(
        per_database(smk.input.flows, store.read_flows),
        config_tables.read_regions(Path(smk.input.regions)),
    )
    store.write_csv(flows, smk.output.group_flows, index=False)
    store.write_csv(
        robustness.stacked([store.read_robustness(Path(path)) for path in smk.input.robustness]),
        smk.output.robustness,
        index=False,
    )


logs.run_rule(main, snakemake)
