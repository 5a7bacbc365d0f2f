"""Rule drivers: structural decomposition of the change in embodied CO2 between two years."""

import json
from pathlib import Path

from bri_carbon.core import drivers, grouping
from bri_carbon.harmonize.account_inputs import open_account_inputs
from bri_carbon.outputs import figures, vintage_figures
from bri_carbon.results import store
from bri_carbon.runtime import atomic, logs
from bri_carbon.runtime.context import RunContext
from bri_carbon.sources import config_tables


def main(smk) -> None:
    base_year, target_year = int(smk.wildcards.base), int(smk.wildcards.target)
    regions = config_tables.read_regions(Path(smk.input.regions))
    price_index = (
        config_tables.read_price_index(Path(smk.input.deflator))
        if smk.input.get("deflator")
        else None
    )
    ratios = drivers.price_ratios(price_index, base_year, target_year)
    with (
        open_account_inputs(Path(smk.input.base)) as base,
        open_account_inputs(Path(smk.input.target)) as target,
    ):
        grouping.check_coverage(regions, list(base.output_regions), Path(smk.input.regions))
        decomposition = drivers.decompose_flows(base, target, *ratios)
    table = drivers.effects_table(decomposition, regions, rtol=float(smk.params.rtol))
    store.write_csv(table, smk.output.effects, index=False)
    context = RunContext.of(smk.params.context)
    fig = vintage_figures.effects_figure(
        table, context.source, (base_year, target_year), context.synthetic
    )
    figures.save(fig, smk.output.png, smk.output.pdf)
    prices = "constant prices of the base year" if price_index is not None else "current prices"
    meta = {"base": base_year, "target": target_year, "prices": prices, "factors": drivers.FACTORS}
    atomic.write_text(smk.output.meta, json.dumps(meta, indent=2) + "\n")


logs.run_rule(main, snakemake)
