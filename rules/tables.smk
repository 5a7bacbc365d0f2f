"""Tables stage: each table as CSV, Markdown and LaTeX (booktabs)."""


rule table_group_accounts:
    input:
        accounts="results/{source}/{year}/groups/accounts.csv",
        diagnostics="results/{source}/{year}/diagnostics.json",
    output:
        csv=report(
            "results/{source}/{year}/tables/group_accounts.csv",
            caption="../report/group_accounts.rst",
            category="Tables",
            subcategory="{source} {year}",
        ),
        md="results/{source}/{year}/tables/group_accounts.md",
        tex="results/{source}/{year}/tables/group_accounts.tex",
    log:
        "logs/tables/group_accounts_{source}_{year}.log",
    benchmark:
        "benchmarks/tables/group_accounts_{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/table_group_accounts.py"
