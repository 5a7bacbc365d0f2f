"""Rule parse_eora26: parse an Eora26 archive with pymrio; cache CO2 and value added.

The size of Eora's ROW discrepancy row and column, which pymrio drops, is written next to
the cached system (``source_discrepancy.json``, thousand USD).
"""

import json
from pathlib import Path

from bri_carbon import atomic, eora26, logs, parsed


def main(smk) -> None:
    archive, year = Path(smk.input.archive), int(smk.wildcards.year)
    system = eora26.parse_co2_system(archive, year, smk.params.stressor, smk.params.stressor_source)
    parsed.save(system, Path(smk.output.system))
    atomic.write_text(
        Path(smk.output.system) / eora26.DISCREPANCY_FILE,
        json.dumps(eora26.discrepancy(archive, year), indent=2, sort_keys=True) + "\n",
    )


logs.run_rule(main, snakemake)
