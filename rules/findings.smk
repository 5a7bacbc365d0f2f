"""Findings stage: the paper's three headline findings next to the paper's values, every
reading under the robustness variants, the BRI blocks of the flow matrix and the shares of
each BRI region's emissions by destination group."""


rule findings:
    input:
        fingerprint=fingerprint_of(RESULT),
        accounts=rules.accounts.output.accounts,
        flows=rules.accounts.output.flows,
        sector_flows=rules.accounts.output.sector_flows,
        group_accounts=rules.groups.output.accounts,
        regions=config["regions"],
        paper_values=config["findings"]["paper_values"],
        us_eu28=config["findings"]["us_eu28"],
        no_inventories_accounts=rules.accounts.output.no_inventories_accounts,
        no_inventories_flows=rules.accounts.output.no_inventories_flows,
    output:
        bri_blocks=f"{RESULT}/groups/bri_blocks.csv",
        driven_by=f"{RESULT}/groups/driven_by.csv",
        sector_hotspots=f"{RESULT}/groups/sector_hotspots.csv",
        headline=f"{RESULT}/groups/headline.csv",
        robustness=f"{RESULT}/groups/robustness.csv",
    params:
        context=run_context,
        driver_groups=config["findings"]["driver_groups"],
        developed_groups=config["findings"]["developed_groups"],
        without_regions=config["findings"]["without_regions"],
        denominators=config["intensity"]["denominators"],
    log:
        f"{LOGS}findings/{{source}}_{{year}}.log",
    benchmark:
        f"{LOGS}benchmarks/findings/{{source}}_{{year}}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/findings.py"
