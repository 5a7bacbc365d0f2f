"""Rule findings: BRI blocks, shares driven by each destination group, headline findings."""

from pathlib import Path

from bri_carbon.core import findings, grouping
from bri_carbon.results import store
from bri_carbon.runtime import logs
from bri_carbon.runtime.context import RunContext
from bri_carbon.sources import config_tables


def main(smk) -> None:
    regions = config_tables.read_regions(Path(smk.input.regions))
    region_accounts = store.read_accounts(Path(smk.input.accounts), "region")
    group_accounts = store.read_accounts(Path(smk.input.group_accounts), "group")
    flows = store.read_flows(Path(smk.input.flows))
    grouping.check_coverage(regions, list(region_accounts.index), Path(smk.input.regions))
    findings.check_groups(smk.params.driver_groups, regions, "findings.driver_groups")
    findings.check_groups(smk.params.developed_groups, regions, "findings.developed_groups")
    paper_values = config_tables.read_paper_values(Path(smk.input.paper_values))
    store.write_csv(findings.bri_blocks(flows, regions["bri"]), smk.output.bri_blocks)
    store.write_csv(findings.driven_by(flows, regions), smk.output.driven_by, index=False)
    store.write_csv(
        findings.sector_hotspots(store.read_sector_flows(Path(smk.input.sector_flows)), regions),
        smk.output.sector_hotspots,
        index=False,
    )
    headline = findings.headline(
        region_accounts,
        group_accounts,
        flows,
        regions,
        smk.params.driver_groups,
        smk.params.developed_groups,
        paper_values,
        smk.params.production_denominator,
        smk.params.consumption_denominator,
        smk.params.without_regions,
    )
    context = RunContext.of(smk.params.context)
    headline.insert(0, "synthetic", context.synthetic)
    headline.insert(0, "year", context.year)
    headline.insert(0, "source", context.source)
    store.write_csv(headline, smk.output.headline, index=False)


logs.run_rule(main, snakemake)
