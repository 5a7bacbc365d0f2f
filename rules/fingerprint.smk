"""Fingerprint stage: each results folder records the configuration that made it.

A results folder (one source and year, the trends, a drivers decomposition, a source
comparison) holds fingerprint.json: the settings that shape it, the sha256 of the files the
configuration names, and their fingerprint (bri_carbon.runtime.scenario). Every rule that
writes into the folder takes the record as input, so another configuration reruns all of
them, and the rule empties the folder first: a folder never mixes two configurations.
"""

from bri_carbon.runtime import scenario as bri_scenario


rule fingerprint:
    output:
        record=f"{RESULTS}{{folder}}/{bri_scenario.RECORD_NAME}",
    params:
        record=folder_record,
    wildcard_constraints:
        folder=bri_scenario.FOLDER.pattern,
    log:
        f"{LOGS}fingerprint/{{folder}}.log",
    benchmark:
        f"{LOGS}benchmarks/fingerprint/{{folder}}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/fingerprint.py"
