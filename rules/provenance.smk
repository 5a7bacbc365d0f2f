"""Provenance stage: what went into each source and year, and with which code."""


rule provenance:
    input:
        unpack(datasets_input),
        unpack(raw_inputs),
        dataset=HARMONIZED,
    output:
        provenance=f"{RESULT}/provenance.json",
    params:
        content=content_of(*bri_config_check.configured_files(config)),
        raw_dir="resources/raw/{source}",
        config=config,
    log:
        "logs/provenance/{source}_{year}.log",
    benchmark:
        "logs/benchmarks/provenance/{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/provenance.py"
