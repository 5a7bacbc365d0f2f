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
    params:
        production_denominator=config["intensity"]["production_denominator"],
        consumption_denominator=config["intensity"]["consumption_denominator"],
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


rule table_region_membership:
    input:
        accounts="results/{source}/{year}/accounts.csv",
        diagnostics="results/{source}/{year}/diagnostics.json",
        regions=config["regions"],
    output:
        csv=report(
            "results/{source}/{year}/tables/region_membership.csv",
            caption="../report/region_membership.rst",
            category="Tables",
            subcategory="{source} {year}",
        ),
        md="results/{source}/{year}/tables/region_membership.md",
        tex="results/{source}/{year}/tables/region_membership.tex",
    log:
        "logs/tables/region_membership_{source}_{year}.log",
    benchmark:
        "benchmarks/tables/region_membership_{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/table_region_membership.py"


rule table_group_flows:
    input:
        accounts="results/{source}/{year}/groups/accounts.csv",
        flows="results/{source}/{year}/groups/flows.csv",
        diagnostics="results/{source}/{year}/diagnostics.json",
    output:
        csv=report(
            "results/{source}/{year}/tables/group_flows.csv",
            caption="../report/group_flows.rst",
            category="Tables",
            subcategory="{source} {year}",
        ),
        md="results/{source}/{year}/tables/group_flows.md",
        tex="results/{source}/{year}/tables/group_flows.tex",
    log:
        "logs/tables/group_flows_{source}_{year}.log",
    benchmark:
        "benchmarks/tables/group_flows_{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/table_group_flows.py"


rule table_headline:
    input:
        headline="results/{source}/{year}/groups/headline.csv",
        diagnostics="results/{source}/{year}/diagnostics.json",
    output:
        csv=report(
            "results/{source}/{year}/tables/headline.csv",
            caption="../report/headline.rst",
            category="Tables",
            subcategory="{source} {year}",
        ),
        md="results/{source}/{year}/tables/headline.md",
        tex="results/{source}/{year}/tables/headline.tex",
    log:
        "logs/tables/headline_{source}_{year}.log",
    benchmark:
        "benchmarks/tables/headline_{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/table_headline.py"
