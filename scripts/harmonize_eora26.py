"""Rule harmonize_eora26: an Eora26-layout archive (real or synthetic) to the native cache.

The archive is read once (labels inside it or in indices.zip next to it): its tables stream
straight into the cache, Z in row blocks parsed on the rule's threads
(bri_carbon.sources.eora26_reader); the CO2 row is the first configured label the file has
(config key stressors.eora26); Eora's ROW discrepancy entry is left out of the system and
kept per sector beside it. An error about a file copied from local_data also names that
local file.
"""

from pathlib import Path

from bri_carbon.harmonize import harmonized
from bri_carbon.runtime import logs
from bri_carbon.sources import config_tables, eora26_layout, eora26_reader, local_data


def main(smk) -> None:
    """Harmonize, naming the local_data file behind a broken copy in any input error."""
    raw = [Path(smk.input.archive), Path(smk.input.archive).with_name("indices.zip")]
    # An error about a copy from local_data names the local file to replace.
    with local_data.naming_origin(*raw):
        harmonize(smk)


def harmonize(smk) -> None:
    """Read the Eora26-layout archive into the native cache."""
    source, year = smk.wildcards.source, int(smk.wildcards.year)
    tables = eora26_reader.read_eora26(
        Path(smk.input.archive),
        year,
        [(label["stressor"], label["source"]) for label in smk.params.stressors],
        threads=smk.threads,
    )
    regions = config_tables.region_code_mapping(Path(smk.input.region_codes), source)
    harmonized.write_source_year(
        tables,
        Path(smk.output.dataset),
        source=source,
        year=year,
        regions=regions,
        common_sectors=eora26_layout.SECTORS,
        synthetic=source == "synthetic",
    )


logs.run_rule(main, snakemake)
