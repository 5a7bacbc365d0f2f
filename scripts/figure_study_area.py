"""Rule figure_study_area: world map of the Belt and Road groups of the data's regions."""

import json
from pathlib import Path

from bri_carbon.outputs import figures, geography, maps, tables
from bri_carbon.runtime import logs
from bri_carbon.sources import config_tables


def main(smk) -> None:
    regions = config_tables.read_regions(Path(smk.input.regions))
    boundaries = geography.boundaries_for(
        Path(smk.input.boundaries), Path(smk.input.iso3_fixes), regions, "study area"
    )
    accounts = tables.read_accounts(Path(smk.input.accounts), "region")
    meta = json.loads(Path(smk.input.diagnostics).read_text())
    fig = maps.study_area(
        boundaries,
        regions.loc[accounts.index],
        smk.wildcards.source,
        int(smk.wildcards.year),
        meta["synthetic"],
    )
    figures.save(fig, smk.output.png, smk.output.pdf)


logs.run_rule(main, snakemake)
