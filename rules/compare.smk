"""Comparison stage: group accounts of one year from two sources side by side."""


rule compare_sources:
    input:
        accounts_a="results/{source_a}/{year}/groups/accounts.csv",
        accounts_b="results/{source_b}/{year}/groups/accounts.csv",
    output:
        csv=report(
            "results/compare/{year}/{source_a}_vs_{source_b}/group_accounts.csv",
            caption="../report/compare_sources.rst",
            category="Source comparison",
            subcategory="{year}",
        ),
        md="results/compare/{year}/{source_a}_vs_{source_b}/group_accounts.md",
        tex="results/compare/{year}/{source_a}_vs_{source_b}/group_accounts.tex",
    wildcard_constraints:
        source_a="|".join(SOURCES),
        source_b="|".join(SOURCES),
    log:
        "logs/compare_sources/{year}_{source_a}_vs_{source_b}.log",
    benchmark:
        "benchmarks/compare_sources/{year}_{source_a}_vs_{source_b}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/compare_sources.py"
