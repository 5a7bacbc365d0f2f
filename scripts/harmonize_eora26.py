"""Rule harmonize_eora26: an Eora26-layout archive (real or synthetic) to the native cache.

pymrio parses the archive (labels inside it or in indices.zip next to it); the CO2 row is
the first configured label the file has (config key stressors.eora26); Eora's ROW
discrepancy entry, which pymrio drops, is measured per sector and kept beside the data.
An error about a file copied from local_data also names that local file.
"""

from pathlib import Path

from bri_carbon.harmonize import harmonized
from bri_carbon.runtime import logs
from bri_carbon.sources import config_tables, eora26, eora26_layout, local_data


def main(smk) -> None:
    """Harmonize, naming the local_data file behind a broken copy in any input error."""
    raw = [Path(smk.input.archive), Path(smk.input.archive).with_name("indices.zip")]
    # An error about a copy from local_data names the local file to replace.
    with local_data.naming_origin(*raw):
        harmonize(smk)


def harmonize(smk) -> None:
    """Parse the Eora26-layout archive and write the harmonized dataset."""
    source, year = smk.wildcards.source, int(smk.wildcards.year)
    parsed = eora26.parse_co2_system(
        Path(smk.input.archive),
        year,
        [(label["stressor"], label["source"]) for label in smk.params.stressors],
    )
    region_codes = config_tables.read_region_codes(Path(smk.input.region_codes))
    dataset = harmonized.harmonize(
        parsed,
        source=source,
        year=year,
        regions=harmonized.region_mapping(region_codes, source),
        common_sectors=eora26_layout.SECTORS,
        synthetic=source == "synthetic",
    )
    harmonized.write(dataset, Path(smk.output.dataset))


logs.run_rule(main, snakemake)
