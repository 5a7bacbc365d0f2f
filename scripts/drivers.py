"""Rule drivers: structural decomposition of the change in embodied CO2 between two years."""

import json
from pathlib import Path

import pandas as pd

from bri_carbon.core import drivers, grouping
from bri_carbon.harmonize import harmonized
from bri_carbon.outputs import figures, tables
from bri_carbon.runtime import atomic, logs


def main(smk) -> None:
    base_year, target_year = int(smk.wildcards.base), int(smk.wildcards.target)
    base = harmonized.read(Path(smk.input.base))
    target = harmonized.read(Path(smk.input.target))
    regions = grouping.read_regions(Path(smk.input.regions))
    grouping.check_coverage(regions, list(base["region"].to_numpy()), Path(smk.input.regions))
    price_index = None
    if smk.input.get("deflator"):
        deflator = pd.read_csv(smk.input.deflator)
        price_index = deflator.set_index("year")["index"]
    ratios = drivers.price_ratios(price_index, base_year, target_year)
    decomposition = drivers.decompose_flows(base, target, *ratios)
    table = drivers.effects_table(decomposition, regions, rtol=float(smk.params.rtol))
    tables.write_csv(table, smk.output.effects, index=False)
    synthetic = bool(base.attrs.get("synthetic", 0)) or bool(target.attrs.get("synthetic", 0))
    fig = drivers.effects_figure(table, smk.wildcards.source, (base_year, target_year), synthetic)
    figures.save(fig, smk.output.png, smk.output.pdf)
    prices = "constant prices of the base year" if price_index is not None else "current prices"
    meta = {"base": base_year, "target": target_year, "prices": prices, "factors": drivers.FACTORS}
    atomic.write_text(smk.output.meta, json.dumps(meta, indent=2) + "\n")


logs.run_rule(main, snakemake)
