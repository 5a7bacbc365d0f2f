"""Rule harmonize: map regions and sectors, convert units, write the netCDF dataset.

Inputs beyond the parsed system and the region codes, when the source needs them: a sector
``concordance`` (EXIOBASE) and the ``exchange_rates`` table (sources in EUR). A
``source_discrepancy.json`` next to the parsed system (Eora's ROW entry) is carried into
the dataset's attributes in million USD.
"""

import json
from pathlib import Path

import pandas as pd

from bri_carbon import eora26, eora26_layout, harmonized, logs, parsed


def main(smk) -> None:
    source, year = smk.wildcards.source, int(smk.wildcards.year)
    folder = Path(smk.input.system)
    system = parsed.load(folder)
    region_codes = pd.read_csv(smk.input.region_codes, keep_default_na=False)
    inputs = dict(smk.input.items())
    sector_map = None
    if "concordance" in inputs:
        path = Path(inputs["concordance"])
        sector_map = harmonized.read_concordance(path)
        harmonized.check_concordance(
            sector_map, list(system.get_sectors()), eora26_layout.SECTORS, path
        )
    rates_path = Path(inputs["exchange_rates"]) if "exchange_rates" in inputs else None
    money, attrs = harmonized.money_to_million_usd(
        str(system.unit.iloc[0, 0]),
        year,
        harmonized.read_exchange_rates(rates_path) if rates_path else None,
        rates_path,
    )
    discrepancy = folder / eora26.DISCREPANCY_FILE
    if discrepancy.exists():
        attrs |= harmonized.discrepancy_attrs(json.loads(discrepancy.read_text()))
    dataset = harmonized.harmonize(
        system,
        source=source,
        year=year,
        regions=harmonized.region_mapping(region_codes, source),
        sectors=eora26_layout.SECTORS,
        sector_map=sector_map,
        money_per_million=money,
        synthetic=source == "synthetic",
        attrs=attrs,
    )
    harmonized.write(dataset, Path(smk.output.dataset))


logs.run_rule(main, snakemake)
