"""Rule harmonize: map regions and sectors, convert units, write the netCDF dataset."""

from pathlib import Path

import pandas as pd

from bri_carbon import eora26_layout, harmonized, logs, parsed


def main(smk) -> None:
    source = smk.wildcards.source
    system = parsed.load(Path(smk.input.system))
    region_codes = pd.read_csv(smk.input.region_codes, keep_default_na=False)
    dataset = harmonized.harmonize(
        system,
        source=source,
        year=int(smk.wildcards.year),
        regions=harmonized.region_mapping(region_codes, source),
        sectors=eora26_layout.SECTORS,
        synthetic=source == "synthetic",
    )
    harmonized.write(dataset, Path(smk.output.dataset))


logs.run_rule(main, snakemake)
