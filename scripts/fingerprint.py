"""Rule fingerprint: a results folder gets the record of the configuration that makes it.

The rule runs when the record changes (another configuration, a changed configured file) or
is missing; the folder is emptied first, so it never mixes the outputs of two
configurations. Every rule that writes into the folder runs after it.
"""

import logging
from pathlib import Path

from bri_carbon.runtime import logs, scenario

logger = logging.getLogger("bri_carbon.fingerprint")


def main(smk) -> None:
    record_path = Path(smk.output.record)
    removed = scenario.renew_folder(record_path, smk.params.record)
    if removed:
        logger.info(
            "%s was made with another configuration (or by an older version of the "
            "workflow); removed before this run writes it anew: %s",
            record_path.parent,
            ", ".join(map(str, removed)),
        )
    logger.info(
        "fingerprint %s (%s folder)", smk.params.record["fingerprint"], smk.params.record["kind"]
    )


logs.run_rule(main, snakemake)
