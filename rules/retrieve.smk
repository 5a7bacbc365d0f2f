"""Retrieve stage: raw upstream files under resources/raw/{source}/.

The synthetic world is made locally in the exact Eora26 release layout.
"""


rule synthetic_world:
    input:
        region_codes=config["region_codes"],
        natural_earth=config["synthetic"]["natural_earth"],
        iso3_fixes=config["synthetic"]["natural_earth_iso3_fixes"],
    output:
        archive="resources/raw/synthetic/Eora26_{year}_bp.zip",
    params:
        countries=config["synthetic"]["countries"],
        seed=config["synthetic"]["seed"],
    log:
        "logs/synthetic_world/{year}.log",
    benchmark:
        "benchmarks/synthetic_world/{year}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_for(4, source="synthetic"),
        runtime=20,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/synthetic_world.py"
