"""Rule harmonize_exiobase3: an EXIOBASE 3 IOT archive to the native cache.

The archive is read once (bri_carbon.sources.exiobase3_reader): Z streams in row blocks
parsed on the rule's threads straight into the cache; the configured CO2 rows (config key
stressors.exiobase3) are summed into one row (each must name exactly one row); money in EUR
is converted to USD with the year's rate of the exchange-rate table; the sector concordance
is checked against the data and kept beside it (it applies to sector-level results, never
to the system). An error about a file copied from local_data also names that local file.
"""

from pathlib import Path

from bri_carbon.harmonize import harmonized
from bri_carbon.runtime import logs
from bri_carbon.sources import config_tables, eora26_layout, exiobase3_reader, local_data


def main(smk) -> None:
    """Harmonize, naming the local_data file behind a broken copy in any input error."""
    # An error about a copy from local_data names the local file to replace.
    with local_data.naming_origin(Path(smk.input.archive)):
        harmonize(smk)


def harmonize(smk) -> None:
    """Read the EXIOBASE 3 archive into the native cache."""
    source, year = smk.params.source, int(smk.wildcards.year)
    tables = exiobase3_reader.read_exiobase3(
        Path(smk.input.archive),
        year,
        smk.params.system,
        smk.params.stressors,
        threads=smk.threads,
    )
    concordance_path = Path(smk.input.concordance)
    sector_map = config_tables.read_concordance(concordance_path)
    harmonized.check_concordance(
        sector_map, list(tables.sectors), eora26_layout.SECTORS, concordance_path
    )
    rates_path = Path(smk.input.exchange_rates)
    money, attrs = harmonized.money_to_million_usd(
        tables.money_unit, year, config_tables.read_exchange_rates(rates_path), rates_path
    )
    regions = config_tables.region_code_mapping(Path(smk.input.region_codes), source)
    harmonized.write_source_year(
        tables,
        Path(smk.output.dataset),
        source=source,
        year=year,
        regions=regions,
        common_sectors=eora26_layout.SECTORS,
        sector_map=sector_map,
        money_per_million=money,
        attrs=attrs,
    )


logs.run_rule(main, snakemake)
