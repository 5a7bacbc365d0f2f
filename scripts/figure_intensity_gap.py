"""Rule figure_intensity_gap: production vs consumption intensity per group (dumbbells)."""

import json
from pathlib import Path

from bri_carbon.outputs import figures, tables
from bri_carbon.runtime import logs


def main(smk) -> None:
    group_accounts = tables.read_accounts(Path(smk.input.accounts), "group")
    meta = json.loads(Path(smk.input.diagnostics).read_text())
    fig = figures.intensity_gap(
        group_accounts,
        list(smk.params.developed_groups),
        smk.wildcards.source,
        int(smk.wildcards.year),
        meta["synthetic"],
        smk.params.production_denominator,
        smk.params.consumption_denominator,
    )
    figures.save(fig, smk.output.png, smk.output.pdf)


logs.run_rule(main, snakemake)
