"""Provenance stage: what went into each source and year, and with which code.

The configuration it records is the run's (snakemake.config in the script) in the release of
the folder's database (bri_carbon.sources.databases.database_config), not a param: its
settings reach the rule through the folder's fingerprint, and a param would put the whole
configuration, twice, into a dry run's reason.
"""

from bri_carbon.sources import databases as bri_databases


rule provenance:
    """Record the input sha256s, dataset, configuration, packages and commit of a year."""
    input:
        unpack(datasets_input),
        unpack(raw_inputs),
        fingerprint=fingerprint_of(RESULT),
        dataset=HARMONIZED,
    output:
        provenance=f"{RESULT}/provenance.json",
    params:
        raw_dir=lambda wildcards: raw_dir(wildcards.source),
        raw_names=shared_raw_names,
        source=lambda wildcards: bri_databases.source_of(wildcards.source),
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
