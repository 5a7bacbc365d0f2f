"""Trends stage: every headline reading and the group accounts across the configured years."""


rule trends:
    input:
        fingerprint=fingerprint_of(TRENDS),
        accounts=expand(rules.groups.output.accounts, year=config_years(), allow_missing=True),
        headline=expand(
            rules.findings.output.headline, year=config_years(), allow_missing=True
        ),
        robustness=expand(
            rules.findings.output.robustness, year=config_years(), allow_missing=True
        ),
    output:
        headline=f"{TRENDS}/headline.csv",
        robustness=f"{TRENDS}/robustness.csv",
        groups=f"{TRENDS}/groups.csv",
        png=f"{TRENDS}/bri_net_export_shares.png",
        pdf=f"{TRENDS}/bri_net_export_shares.pdf",
    params:
        context=run_context,
        years=config_years(),
        driver_groups=config["findings"]["driver_groups"],
    log:
        f"{LOGS}trends/{{source}}.log",
    benchmark:
        f"{LOGS}benchmarks/trends/{{source}}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/trends.py"
