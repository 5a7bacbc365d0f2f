"""Trends stage: headline findings and group accounts across all configured years."""


rule trends:
    input:
        accounts=expand("results/{{source}}/{year}/groups/accounts.csv", year=config_years()),
        flows=expand("results/{{source}}/{year}/groups/flows.csv", year=config_years()),
        diagnostics=expand("results/{{source}}/{year}/diagnostics.json", year=config_years()),
    output:
        headline="results/{source}/trends/headline.csv",
        groups="results/{source}/trends/groups.csv",
        png=report(
            "results/{source}/trends/bri_net_export_shares.png",
            caption="../report/trends.rst",
            category="Trends",
            subcategory="{source}",
        ),
        pdf="results/{source}/trends/bri_net_export_shares.pdf",
    params:
        years=config_years(),
        destination_groups=config["headline"]["driver_groups"],
    log:
        "logs/trends/{source}.log",
    benchmark:
        "benchmarks/trends/{source}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/trends.py"
