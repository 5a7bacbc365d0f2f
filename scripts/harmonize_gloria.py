"""Rule harmonize_gloria: one GLORIA year (release 059 or 060) to the native cache.

The three release files are read in a stream (T is never held whole) with the construct of
pymrio's parse_gloria; the CO2 row is config key stressors.gloria; regions without any entry
are dropped and reported (bri_carbon.harmonize.gloria_year). An error about a file copied
from local_data also names that local file.
"""

from pathlib import Path

import pyarrow

from bri_carbon.harmonize import gloria_year
from bri_carbon.runtime import logs
from bri_carbon.sources import config_tables, gloria, local_data


def main(smk) -> None:
    """Harmonize, naming the local_data file behind a broken copy in any input error."""
    raw = [Path(smk.input.mrio), Path(smk.input.satellites), Path(smk.input.readme)]
    with local_data.naming_origin(*raw):
        harmonize(smk)


def harmonize(smk) -> None:
    """Read the year's files and write the harmonized dataset."""
    # pyarrow's parsing threads: as many as the job's cores (besides the inflating thread).
    pyarrow.set_cpu_count(max(1, int(smk.threads)))
    files = gloria.ReleaseFiles(
        version=int(smk.params.version),
        year=int(smk.wildcards.year),
        mrio=Path(smk.input.mrio),
        satellites=Path(smk.input.satellites),
        readme=Path(smk.input.readme),
    )
    concordance = Path(smk.input.concordance)
    regions = config_tables.region_code_mapping(Path(smk.input.region_codes), "gloria")
    gloria_year.read_year(
        files,
        Path(smk.output.dataset),
        output_regions=regions,
        common_sectors=config_tables.read_concordance(concordance),
        concordance_path=concordance,
        head=smk.params.stressor["head"],
        indicator=smk.params.stressor["indicator"],
    )


logs.run_rule(main, snakemake)
