"""Rule provenance: raw input hashes, dataset version, config, packages, git commit."""

import json
import os
from pathlib import Path

from bri_carbon.harmonize.account_inputs import read_attributes
from bri_carbon.outputs import provenance
from bri_carbon.runtime import atomic, logs
from bri_carbon.sources import databases, datasets


def main(smk) -> None:
    source, year = smk.params.source, int(smk.wildcards.year)
    table = Path(smk.input.datasets) if smk.input.get("datasets") else None
    # The run's configuration in the release of this folder's database (exiobase3@3.10.2).
    config = databases.database_config(smk.config, smk.wildcards.source)
    record = provenance.provenance_record(
        source=source,
        year=year,
        raw_dir=Path(smk.params.raw_dir),
        dataset=datasets.describe(source, table, config, year),
        config=config,
        command_line=os.environ.get("BRI_CARBON_COMMAND_LINE", "unknown"),
        repository=Path(smk.scriptdir).parent,
        harmonized_attrs=read_attributes(Path(smk.input.dataset)),
        fingerprint=json.loads(Path(smk.input.fingerprint).read_text())["fingerprint"],
        raw_names=smk.params.raw_names,
    )
    atomic.write_text(smk.output.provenance, json.dumps(record, indent=2, sort_keys=True) + "\n")


logs.run_rule(main, snakemake)
