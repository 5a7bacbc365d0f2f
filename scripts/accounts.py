"""Rule accounts: regional PBA/CBA accounts, the flow matrix, diagnostics and the source's
discrepancy entry per region, with the engine of config key accounts.engine (lu or pymrio);
the accounts and flows without changes in inventories and valuables (for
groups/robustness.csv)."""

import json
import sys
from pathlib import Path

from bri_carbon.core import accounts, grouping, intensities, leontief, plausibility
from bri_carbon.harmonize.account_inputs import open_account_inputs
from bri_carbon.results import store
from bri_carbon.runtime import atomic, logs
from bri_carbon.sources import config_tables


def solver(engine: str, inputs):
    """The Leontief engine of config key accounts.engine (pymrio imported only for it)."""
    if engine == "pymrio":
        from bri_carbon.harmonize.pymrio_engine import PymrioSolver

        return PymrioSolver(inputs.regions, inputs.sectors)
    return leontief.embodied_emissions


def main(smk) -> None:
    regions = config_tables.read_regions(Path(smk.input.regions))
    with open_account_inputs(
        Path(smk.input.dataset), smk.params.excluded_categories, smk.params.inventory_categories
    ) as inputs:
        grouping.check_coverage(regions, list(inputs.output_regions), Path(smk.input.regions))
        result = accounts.regional_accounts(
            inputs,
            rtol=float(smk.params.rtol),
            precision=smk.params.precision,
            threads=int(smk.params.compute_threads),
            solve=solver(smk.params.engine, inputs),
        )
    variant = result.variants.get(accounts.NO_INVENTORIES, result)
    for found, target, flows in (
        (result, smk.output.accounts, smk.output.flows),
        (variant, smk.output.no_inventories_accounts, smk.output.no_inventories_flows),
    ):
        frame = intensities.with_intensities(store.accounts_frame(found), smk.params.denominators)
        store.write_csv(grouping.label_regions(frame, regions).sort_index(), target)
        store.write_csv(store.flows_long(store.flows_frame(found)), flows, index=False)
    store.write_csv(store.discrepancy_frame(result), smk.output.discrepancy)
    store.write_csv(
        grouping.sector_flows_by_group(
            result.sector_flows, result.regions, result.sectors, regions
        ),
        smk.output.sector_flows,
        index=False,
    )
    atomic.write_text(
        smk.output.diagnostics, json.dumps(result.diagnostics, indent=2, sort_keys=True) + "\n"
    )
    # The job's stderr is the user's terminal in a local run (a cluster job's output file
    # otherwise): warnings about the table's magnitudes and the intensity basis show there.
    for warning in plausibility.run_warnings(result.diagnostics):
        print(
            f"WARNING ({smk.rule} {smk.wildcards.source} {smk.wildcards.year}): {warning}",
            file=sys.stderr,
        )


logs.run_rule(main, snakemake)
