"""Provenance stage: what went into each source and year, and with which code."""

from bri_carbon.sources import databases as bri_databases


rule provenance:
    input:
        unpack(datasets_input),
        unpack(raw_inputs),
        fingerprint=fingerprint_of(RESULT),
        dataset=HARMONIZED,
    output:
        provenance=f"{RESULT}/provenance.json",
    params:
        raw_dir=lambda wildcards: raw_dir(wildcards.source),
        source=lambda wildcards: bri_databases.source_of(wildcards.source),
        config=lambda wildcards: database_config(wildcards.source),
    log:
        f"{LOGS}provenance/{{source}}_{{year}}.log",
    benchmark:
        f"{LOGS}benchmarks/provenance/{{source}}_{{year}}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/provenance.py"
