"""Parse stage: pymrio reads the raw tables once; CO2 and value added are cached as parquet."""


rule parse_eora26:
    input:
        unpack(parse_eora26_inputs),
    output:
        system=directory("resources/parsed/{source}/{year}"),
    params:
        stressor=config["stressors"]["eora26"]["stressor"],
        stressor_source=config["stressors"]["eora26"]["source"],
    wildcard_constraints:
        source="synthetic|eora26",
    log:
        "logs/parse/{source}_{year}.log",
    benchmark:
        "benchmarks/parse/{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_for(4),
        runtime=30,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/parse_eora26.py"


rule parse_exiobase3:
    input:
        archive=exiobase3_archive(),
    output:
        system=directory("resources/parsed/{source}/{year}"),
    params:
        system=config["exiobase3"]["system"],
        stressors=config["stressors"]["exiobase3"],
    wildcard_constraints:
        source="exiobase3",
    log:
        "logs/parse/{source}_{year}.log",
    benchmark:
        "benchmarks/parse/{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_for(12),
        runtime=60,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/parse_exiobase3.py"
