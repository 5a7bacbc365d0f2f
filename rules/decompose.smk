"""Decompose stage: BRI blocks of the flow matrix, shares driven by destination groups, and
the paper's three headline findings next to the paper's values."""


rule decompose:
    input:
        accounts="results/{source}/{year}/accounts.csv",
        flows="results/{source}/{year}/flows.csv",
        group_accounts="results/{source}/{year}/groups/accounts.csv",
        diagnostics="results/{source}/{year}/diagnostics.json",
        regions=config["regions"],
        paper_values=config["headline"]["paper_values"],
    output:
        bri_blocks=report(
            "results/{source}/{year}/groups/bri_blocks.csv",
            caption="../report/bri_blocks.rst",
            category="Decomposition",
            subcategory="{source} {year}",
        ),
        driven_by="results/{source}/{year}/groups/driven_by.csv",
        headline=report(
            "results/{source}/{year}/groups/headline.csv",
            caption="../report/headline_csv.rst",
            category="Decomposition",
            subcategory="{source} {year}",
        ),
    params:
        driver_groups=config["headline"]["driver_groups"],
        developed_groups=config["headline"]["developed_groups"],
        production_denominator=config["intensity"]["production_denominator"],
        consumption_denominator=config["intensity"]["consumption_denominator"],
    log:
        "logs/decompose/{source}_{year}.log",
    benchmark:
        "benchmarks/decompose/{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/decompose.py"
