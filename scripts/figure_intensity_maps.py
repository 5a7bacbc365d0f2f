"""Rule figure_intensity_maps: production- and consumption-based intensity maps."""

import json
from pathlib import Path

from bri_carbon import figure_maps, figures, grouping, logs, maps, tables


def main(smk) -> None:
    regions = grouping.read_regions(Path(smk.input.regions))
    boundaries = maps.boundaries_for(
        Path(smk.input.boundaries), Path(smk.input.iso3_fixes), regions, "intensity maps"
    )
    accounts = tables.read_accounts(Path(smk.input.accounts), "region")
    meta = json.loads(Path(smk.input.diagnostics).read_text())
    fig = figure_maps.intensity_maps(
        boundaries, accounts, smk.wildcards.source, int(smk.wildcards.year), meta["synthetic"]
    )
    figures.save(fig, smk.output.png, smk.output.pdf)


logs.run_rule(main, snakemake)
