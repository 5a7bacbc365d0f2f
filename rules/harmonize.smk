"""Harmonize stage: each raw table is read once, straight into the native cache.

One job per source and year streams the upstream archive (bri_carbon.sources.eora26_reader,
exiobase3_reader; Z in row blocks parsed on both of the job's threads), keeps the CO2 row and
the value added, relabels the source's regions (data/region_codes.csv) and sectors (the
concordance, kept beside the data), converts units and writes the netCDF file
(bri_carbon.harmonize.cache) that the accounts map without a copy. Regions and sectors stay
as the source has them: the Leontief system is solved at that resolution, and results are
aggregated afterwards.
"""

from bri_carbon.sources import databases as bri_databases


rule harmonize_eora26:
    """Read an Eora26-layout archive once into the native dataset (netCDF)."""
    input:
        unpack(eora26_archive_inputs),
        region_codes=config["region_codes"],
    output:
        dataset=HARMONIZED,
    params:
        content=content_of("region_codes"),
        stressors=eora26_stressors(),
    wildcard_constraints:
        source="synthetic|eora26",
    log:
        f"{RESOURCE_LOGS}harmonize/{{source}}_{{year}}.log",
    benchmark:
        f"{RESOURCE_LOGS}benchmarks/harmonize/{{source}}_{{year}}.tsv"
    threads: 2
    resources:
        mem_mb=mem_mb_for(0, base_mb=700, table_copies=2),
        runtime=30,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/harmonize_eora26.py"


rule harmonize_exiobase3:
    """Read an EXIOBASE 3 archive once into the native dataset (netCDF)."""
    input:
        archive=exiobase3_archive_input,
        region_codes=config["region_codes"],
        concordance=exiobase3_concordance(),
        exchange_rates=config["exchange_rates"],
    output:
        dataset=HARMONIZED,
    params:
        content=content_of("region_codes", "exchange_rates", paths=[exiobase3_concordance()]),
        source="exiobase3",
        version=lambda wildcards: bri_databases.release_of(config, wildcards.source),
        system=config["exiobase3"]["system"],
        stressors=config["stressors"]["exiobase3"],
    wildcard_constraints:
        source=bri_databases.pattern(["exiobase3"]),
    log:
        f"{RESOURCE_LOGS}harmonize/{{source}}_{{year}}.log",
    benchmark:
        f"{RESOURCE_LOGS}benchmarks/harmonize/{{source}}_{{year}}.tsv"
    threads: 2
    resources:
        mem_mb=mem_mb_for(0, base_mb=1100, table_copies=2),
        runtime=60,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/harmonize_exiobase3.py"


rule harmonize_gloria:
    """One GLORIA year to the native cache, T streamed (never held whole)."""
    input:
        unpack(gloria_inputs),
        region_codes=config["region_codes"],
        concordance=GLORIA_CONCORDANCE,
    output:
        dataset=HARMONIZED,
    params:
        content=content_of("region_codes", paths=[GLORIA_CONCORDANCE]),
        version=lambda wildcards: int(bri_databases.release_of(config, wildcards.source)),
        stressor=config["stressors"]["gloria"],
    wildcard_constraints:
        source=bri_databases.pattern(["gloria"]),
    log:
        f"{RESOURCE_LOGS}harmonize/{{source}}_{{year}}.log",
    benchmark:
        f"{RESOURCE_LOGS}benchmarks/harmonize/{{source}}_{{year}}.tsv"
    threads: 2
    resources:
        mem_mb=gloria_read_mb,
        runtime=60,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/harmonize_gloria.py"
