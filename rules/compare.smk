"""Comparison stage: the results of one year from two sources side by side."""


rule compare_sources:
    input:
        fingerprint=fingerprint_of(COMPARE),
        accounts_a=of_source(rules.groups.output.accounts, "a"),
        accounts_b=of_source(rules.groups.output.accounts, "b"),
        headline_a=of_source(rules.findings.output.headline, "a"),
        headline_b=of_source(rules.findings.output.headline, "b"),
        flows_a=of_source(rules.accounts.output.flows, "a"),
        flows_b=of_source(rules.accounts.output.flows, "b"),
        robustness_a=of_source(rules.findings.output.robustness, "a"),
        robustness_b=of_source(rules.findings.output.robustness, "b"),
        regions=config["regions"],
    output:
        csv=f"{COMPARE}/group_accounts.csv",
        md=f"{COMPARE}/group_accounts.md",
        tex=f"{COMPARE}/group_accounts.tex",
        headline=f"{COMPARE}/headline.csv",
        group_flows=f"{COMPARE}/group_flows.csv",
        robustness=f"{COMPARE}/robustness.csv",
    wildcard_constraints:
        source_a="|".join(SOURCES),
        source_b="|".join(SOURCES),
    params:
    log:
        f"{LOGS}compare_sources/{{year}}_{{source_a}}_vs_{{source_b}}.log",
    benchmark:
        f"{LOGS}benchmarks/compare_sources/{{year}}_{{source_a}}_vs_{{source_b}}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/compare_sources.py"
