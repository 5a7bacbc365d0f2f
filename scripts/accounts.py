"""Rule accounts: regional PBA/CBA accounts, the flow matrix, diagnostics and the source's
discrepancy entry per region."""

import json
from pathlib import Path

from bri_carbon.core import accounts, grouping, intensities
from bri_carbon.harmonize.account_inputs import open_account_inputs
from bri_carbon.results import store
from bri_carbon.runtime import atomic, logs
from bri_carbon.sources import config_tables


def main(smk) -> None:
    regions = config_tables.read_regions(Path(smk.input.regions))
    with open_account_inputs(Path(smk.input.dataset), smk.params.excluded_categories) as inputs:
        grouping.check_coverage(regions, list(inputs.output_regions), Path(smk.input.regions))
        result = accounts.regional_accounts(
            inputs,
            rtol=float(smk.params.rtol),
            precision=smk.params.precision,
            threads=int(smk.params.compute_threads),
        )
    frame = intensities.with_intensities(
        store.accounts_frame(result),
        smk.params.production_denominator,
        smk.params.consumption_denominator,
    )
    frame = grouping.label_regions(frame, regions).sort_index()
    store.write_csv(frame, smk.output.accounts)
    store.write_csv(store.flows_long(store.flows_frame(result)), smk.output.flows, index=False)
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


logs.run_rule(main, snakemake)
