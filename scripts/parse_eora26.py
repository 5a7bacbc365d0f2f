"""Rule parse_eora26: parse an Eora26 archive with pymrio; cache CO2 and value added."""

from pathlib import Path

from bri_carbon import eora26, logs, parsed


def main(smk) -> None:
    system = eora26.parse_co2_system(
        Path(smk.input.archive),
        int(smk.wildcards.year),
        smk.params.stressor,
        smk.params.stressor_source,
    )
    parsed.save(system, Path(smk.output.system))


logs.run_rule(main, snakemake)
