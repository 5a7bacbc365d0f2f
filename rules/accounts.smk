"""Accounts stage: production- and consumption-based CO2 and the embodied flow matrix.

The engine (config key accounts.engine) decides the memory request: `lu` holds one n x n
matrix, `pymrio` about seven (bri_carbon.harmonize.pymrio_engine); a pymrio run whose
request exceeds what a job may use is refused before any job (check_accounts_engine).
"""

import os as bri_os

def job_memory_limit():
    """(MB, what sets it) a job may use: --resources mem_mb when given, else the machine's
    memory for a local run; (None, "") on a cluster without --resources mem_mb."""
    given = workflow.global_resources.get("mem_mb")
    if given is not None and given.value is not None:
        return int(given.value), "--resources mem_mb"
    if workflow.local_exec:
        memory = bri_os.sysconf("SC_PAGE_SIZE") * bri_os.sysconf("SC_PHYS_PAGES")
        return int(memory / 2**20), "the machine's memory"
    return None, ""


def check_accounts_engine():
    """Refuse config key accounts.engine: pymrio before any job when its memory request for a
    source of the run exceeds what a job may use (one paragraph, no traceback)."""
    if config["accounts"]["engine"] != "pymrio":
        return
    limit, origin = job_memory_limit()
    if limit is None:
        return
    sources = [config["source"], *config["compare"]["sources"]]
    for source in dict.fromkeys(sources):
        need = mem_mb_for(ACCOUNTS_COPIES["pymrio"], source=source, native=True)(None)
        if need > limit:
            n = system_size(source, native=True)
            raise bri_errors.WorkflowInputError(
                f"config key accounts.engine is pymrio, whose calc_all holds about "
                f"{ACCOUNTS_COPIES['pymrio']:g} dense n x n matrices: for {source} (n = {n}) "
                f"the accounts job needs {need} MB, more than the {limit} MB a job may use "
                f"({origin}). Use the default engine (accounts: {{engine: lu}}, about "
                f"{mem_mb_for(ACCOUNTS_COPIES['lu'], source=source, native=True)(None)} MB), "
                "or run where a job may use more memory (docs/performance.md)."
            )


with bri_errors.stop_on_input_error(logger.error):
    check_accounts_engine()


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
    params:
        compute_threads=config["compute_threads"],
        excluded_categories=lambda wildcards: excluded_categories(wildcards.source),
        rtol=config["identity_rtol"],
        precision=config["leontief_precision"],
        engine=config["accounts"]["engine"],
        production_denominator=config["intensity"]["production_denominator"],
        consumption_denominator=config["intensity"]["consumption_denominator"],
    log:
        f"{LOGS}accounts/{{source}}_{{year}}.log",
    benchmark:
        f"{LOGS}benchmarks/accounts/{{source}}_{{year}}.tsv"
    threads: config["compute_threads"]
    resources:
        mem_mb=mem_mb_for(ACCOUNTS_COPIES[config["accounts"]["engine"]], native=True),
        runtime=30,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/accounts.py"
