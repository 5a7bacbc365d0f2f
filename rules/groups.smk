"""Groups stage: accounts and flows summed to the BRI and non-BRI groups of regions.csv."""


rule groups:
    input:
        fingerprint=fingerprint_of(RESULT),
        accounts=rules.accounts.output.accounts,
        flows=rules.accounts.output.flows,
        regions=config["regions"],
    output:
        accounts=f"{RESULT}/groups/accounts.csv",
        flows=f"{RESULT}/groups/flows.csv",
    params:
        denominators=config["intensity"]["denominators"],
    log:
        f"{LOGS}groups/{{source}}_{{year}}.log",
    benchmark:
        f"{LOGS}benchmarks/groups/{{source}}_{{year}}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/groups.py"
