"""Rule synthetic_world: write the deterministic synthetic world as an Eora26 zip."""

from pathlib import Path

import pandas as pd

from bri_carbon.runtime import logs
from bri_carbon.sources import config_tables, synthetic


def main(smk) -> None:
    region_codes = config_tables.read_region_codes(Path(smk.input.region_codes))
    region_codes = region_codes[region_codes["source"] == "eora26"]
    iso3_fixes = pd.read_csv(smk.input.iso3_fixes, keep_default_na=False)
    natural_earth = synthetic.read_natural_earth_economies(
        Path(smk.input.natural_earth), iso3_fixes
    )
    economies = synthetic.economies_table(region_codes, natural_earth, smk.params.countries)
    world = synthetic.make_world(economies, int(smk.wildcards.year), int(smk.params.seed))
    synthetic.write_eora26_zip(world, Path(smk.output.archive))


logs.run_rule(main, snakemake)
