"""Harmonize stage: ISO3 regions x the 26 common sectors, output units, netCDF."""


rule harmonize:
    input:
        unpack(harmonize_tables),
        system="resources/parsed/{source}/{year}",
        region_codes=config["region_codes"],
    output:
        dataset="resources/harmonized/{source}/{year}.nc",
    log:
        "logs/harmonize/{source}_{year}.log",
    benchmark:
        "benchmarks/harmonize/{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_for(4),
        runtime=20,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/harmonize.py"
