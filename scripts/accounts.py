"""Rule accounts: regional PBA/CBA accounts, the flow matrix and diagnostics."""

import json
from pathlib import Path

from bri_carbon import accounts, atomic, grouping, harmonized, logs, tables


def main(smk) -> None:
    dataset = harmonized.read(Path(smk.input.dataset), lazy=True)
    regions = grouping.read_regions(Path(smk.input.regions))
    grouping.check_coverage(regions, list(dataset["region"].to_numpy()), Path(smk.input.regions))
    result = accounts.regional_accounts(dataset, rtol=float(smk.params.rtol))
    frame = accounts.with_intensities(
        result.accounts, smk.params.production_denominator, smk.params.consumption_denominator
    )
    frame = grouping.label_regions(frame, regions).sort_index()
    tables.write_csv(frame, smk.output.accounts)
    tables.write_csv(tables.flows_long(result.flows), smk.output.flows, index=False)
    atomic.write_text(
        smk.output.diagnostics, json.dumps(result.diagnostics, indent=2, sort_keys=True) + "\n"
    )


logs.run_rule(main, snakemake)
