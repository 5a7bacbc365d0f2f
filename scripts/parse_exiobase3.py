"""Rule parse_exiobase3: parse an EXIOBASE 3 IOT archive with pymrio; cache CO2 and VA."""

from pathlib import Path

from bri_carbon import exiobase3, logs, parsed


def main(smk) -> None:
    system = exiobase3.parse_co2_system(
        Path(smk.input.archive),
        int(smk.wildcards.year),
        smk.params.system,
        smk.params.stressors,
    )
    parsed.save(system, Path(smk.output.system))


logs.run_rule(main, snakemake)
