"""Rule figure_flows_chord: chord diagram of the embodied CO2 flows between groups."""

import json
from pathlib import Path

from bri_carbon.outputs import chord, figures, tables
from bri_carbon.runtime import logs


def main(smk) -> None:
    group_accounts = tables.read_accounts(Path(smk.input.accounts), "group")
    flows = tables.read_flows(Path(smk.input.flows))
    order = list(group_accounts.index)
    meta = json.loads(Path(smk.input.diagnostics).read_text())
    fig = chord.flows_chord(
        flows.loc[order, order],
        group_accounts["bri"],
        smk.wildcards.source,
        int(smk.wildcards.year),
        meta["synthetic"],
    )
    figures.save(fig, smk.output.png, smk.output.pdf)


logs.run_rule(main, snakemake)
