"""Figures stage: PNG (300 dpi) and PDF of each figure, tagged for the report."""


rule figure_net_exports:
    input:
        accounts="results/{source}/{year}/groups/accounts.csv",
        diagnostics="results/{source}/{year}/diagnostics.json",
    output:
        png=report(
            "results/{source}/{year}/figures/net_exports_by_group.png",
            caption="../report/net_exports_by_group.rst",
            category="Figures",
            subcategory="{source} {year}",
        ),
        pdf="results/{source}/{year}/figures/net_exports_by_group.pdf",
    log:
        "logs/figures/net_exports_{source}_{year}.log",
    benchmark:
        "benchmarks/figures/net_exports_{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/figure_net_exports.py"
