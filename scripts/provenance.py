"""Rule provenance: raw input hashes, dataset version, config, packages, git commit."""

import json
import os
from pathlib import Path

from bri_carbon.harmonize.account_inputs import read_attributes
from bri_carbon.outputs import provenance
from bri_carbon.runtime import atomic, logs


def main(smk) -> None:
    record = provenance.provenance_record(
        source=smk.wildcards.source,
        year=int(smk.wildcards.year),
        raw_dir=Path(smk.params.raw_dir),
        datasets_file=Path(smk.input.datasets) if smk.input.get("datasets") else None,
        config=smk.config,
        command_line=os.environ.get("BRI_CARBON_COMMAND_LINE", "unknown"),
        repository=Path(smk.scriptdir).parent,
        harmonized_attrs=read_attributes(Path(smk.input.dataset)),
        fingerprint=json.loads(Path(smk.input.fingerprint).read_text())["fingerprint"],
    )
    atomic.write_text(smk.output.provenance, json.dumps(record, indent=2, sort_keys=True) + "\n")


logs.run_rule(main, snakemake)
