"""Rule fingerprint: a results folder gets the record of the configuration that makes it.

The rule runs when a setting or a configured file that shapes the folder changes (its
params, one short digest per setting) or the record is missing. Every rule that writes into
the folder runs after it; rule publish replaces the published folder whole.
"""

import json
import logging

from bri_carbon.runtime import atomic, logs, scenario
from bri_carbon.runtime.config_check import configured_digests
from bri_carbon.sources import databases

logger = logging.getLogger("bri_carbon.fingerprint")


def main(smk) -> None:
    folder = smk.wildcards.folder
    kind = scenario.folder_kind(folder)
    settings = databases.folder_config(smk.config, folder)
    record = scenario.folder_record(settings, kind, configured_digests(smk.config))
    atomic.write_text(
        smk.output.record, json.dumps(record, indent=2, sort_keys=True, default=str) + "\n"
    )
    logger.info("fingerprint %s (%s folder)", record["fingerprint"], kind)


logs.run_rule(main, snakemake)
