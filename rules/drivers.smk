"""Drivers-of-change stage: structural decomposition of embodied CO2 between two years."""


rule drivers:
    input:
        unpack(deflator_input),
        base="resources/harmonized/{source}/{base}.nc",
        target="resources/harmonized/{source}/{target}.nc",
        regions=config["regions"],
    output:
        effects=report(
            "results/{source}/drivers/{base}_{target}/effects.csv",
            caption="../report/drivers_effects.rst",
            category="Drivers of change",
            subcategory="{source} {base}-{target}",
        ),
        png=report(
            "results/{source}/drivers/{base}_{target}/effects.png",
            caption="../report/drivers_effects.rst",
            category="Drivers of change",
            subcategory="{source} {base}-{target}",
        ),
        pdf="results/{source}/drivers/{base}_{target}/effects.pdf",
        meta="results/{source}/drivers/{base}_{target}/decomposition.json",
    params:
        rtol=config["identity_rtol"],
    wildcard_constraints:
        base=r"\d{4}",
        target=r"\d{4}",
    log:
        "logs/drivers/{source}_{base}_{target}.log",
    benchmark:
        "benchmarks/drivers/{source}_{base}_{target}.tsv"
    threads: 2
    resources:
        mem_mb=mem_mb_for(1, native=True),
        runtime=60,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/drivers.py"
