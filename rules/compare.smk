"""Comparison stage: the findings across databases, one year at a time.

The databases of config key compare.sources (sources, or sources in a release:
exiobase3@3.8.2) are each computed for the year; this rule puts their group accounts, the
readings of the findings (also under the robustness variants) and the group flows side by
side, the first database being the reference of the differences. A new source takes part
by its name alone.
"""

from bri_carbon.sources import databases as bri_databases


rule compare_sources:
    """Group accounts, flows and findings of one year from two sources side by side."""
    input:
        fingerprint=fingerprint_of(COMPARE),
        accounts=compared_files(rules.groups.output.accounts),
        headline=compared_files(rules.findings.output.headline),
        flows=compared_files(rules.accounts.output.flows),
        robustness=compared_files(rules.findings.output.robustness),
        regions=config["regions"],
    output:
        csv=f"{COMPARE}/group_accounts.csv",
        md=f"{COMPARE}/group_accounts.md",
        tex=f"{COMPARE}/group_accounts.tex",
        headline=f"{COMPARE}/headline.csv",
        group_flows=f"{COMPARE}/group_flows.csv",
        robustness=f"{COMPARE}/robustness.csv",
    params:
        databases=COMPARED,
        labels=[bri_databases.label(config, database) for database in COMPARED],
    log:
        f"{LOGS}compare_sources/{{year}}.log",
    benchmark:
        f"{LOGS}benchmarks/compare_sources/{{year}}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/compare_sources.py"
