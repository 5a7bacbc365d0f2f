"""Drivers-of-change stage: structural decomposition of embodied CO2 between two years."""


rule drivers:
    """Structural decomposition of the change in embodied CO2 between two years."""
    input:
        unpack(deflator_input),
        fingerprint=fingerprint_of(DRIVERS),
        base=HARMONIZED.replace("{year}", "{base}"),
        target=HARMONIZED.replace("{year}", "{target}"),
        regions=config["regions"],
    output:
        effects=f"{DRIVERS}/effects.csv",
        png=f"{DRIVERS}/effects.png",
        pdf=f"{DRIVERS}/effects.pdf",
        meta=f"{DRIVERS}/decomposition.json",
    params:
        compute_threads=config["compute_threads"],
        context=run_context,
        rtol=config["identity_rtol"],
    wildcard_constraints:
        base=r"\d{4}",
        target=r"\d{4}",
    log:
        f"{LOGS}drivers/{{source}}_{{base}}_{{target}}.log",
    benchmark:
        f"{LOGS}benchmarks/drivers/{{source}}_{{base}}_{{target}}.tsv"
    threads: config["compute_threads"]
    resources:
        mem_mb=mem_mb_for(1, native=True),
        runtime=60,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/drivers.py"
