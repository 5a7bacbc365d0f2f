"""Rule table_group_flows: the origin x destination group flow matrix with totals."""

import json
from pathlib import Path

from bri_carbon.outputs import tables
from bri_carbon.runtime import logs


def main(smk) -> None:
    group_accounts = tables.read_accounts(Path(smk.input.accounts), "group")
    flows = tables.read_flows(Path(smk.input.flows))
    order = list(group_accounts.index)
    meta = json.loads(Path(smk.input.diagnostics).read_text())
    caption = tables.table_caption(
        "Embodied CO2 flows between groups (rows: where emitted; columns: whose final demand)",
        smk.wildcards.source,
        int(smk.wildcards.year),
        meta["synthetic"],
        "Mt CO2, industry emissions (household direct emissions excluded)",
    )
    tables.write_table_set(
        tables.flow_matrix_with_totals(flows.loc[order, order]),
        smk.output.csv,
        smk.output.md,
        smk.output.tex,
        caption=caption,
        label=f"tab:group-flows-{smk.wildcards.source}-{smk.wildcards.year}",
        digits=1,
        fit_width=True,
    )


logs.run_rule(main, snakemake)
