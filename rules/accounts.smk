"""Accounts stage: production- and consumption-based CO2 and the embodied flow matrix.

The engine (config key accounts.engine) decides the memory request: `lu` holds one n x n
matrix, `pymrio` about seven (bri_carbon.harmonize.pymrio_engine); a pymrio run whose
request exceeds what a job may use is refused before any job (check_accounts_engine in
rules/common/checks.smk).
"""

rule accounts:
    input:
        fingerprint=fingerprint_of(RESULT),
        dataset=HARMONIZED,
        regions=config["regions"],
    output:
        accounts=f"{RESULT}/accounts.csv",
        flows=f"{RESULT}/flows.csv",
        diagnostics=f"{RESULT}/diagnostics.json",
        discrepancy=f"{RESULT}/source_discrepancy.csv",
        sector_flows=f"{RESULT}/sector_flows.csv",
        no_inventories_accounts=f"{RESULT}/no_inventories/accounts.csv",
        no_inventories_flows=f"{RESULT}/no_inventories/flows.csv",
    params:
        compute_threads=config["compute_threads"],
        excluded_categories=lambda wildcards: excluded_categories(wildcards.source),
        inventory_categories=lambda wildcards: inventory_categories(wildcards.source),
        rtol=config["identity_rtol"],
        precision=config["leontief_precision"],
        engine=config["accounts"]["engine"],
        denominators=config["intensity"]["denominators"],
    log:
        f"{LOGS}accounts/{{source}}_{{year}}.log",
    benchmark:
        f"{LOGS}benchmarks/accounts/{{source}}_{{year}}.tsv"
    threads: config["compute_threads"]
    resources:
        mem_mb=mem_mb_for(ACCOUNTS_COPIES[config["accounts"]["engine"]], native=True, demand_copies=6),
        runtime=30,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/accounts.py"
