"""Rule findings: BRI blocks, shares driven by each destination group, headline findings and
every headline reading under the robustness variants."""

from pathlib import Path

from bri_carbon.core import findings, grouping, intensities, robustness
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
    us_eu28 = config_tables.read_region_list(Path(smk.input.us_eu28), "findings.us_eu28")
    store.write_csv(findings.bri_blocks(flows, regions["bri"]), smk.output.bri_blocks)
    store.write_csv(findings.driven_by(flows, regions), smk.output.driven_by, index=False)
    store.write_csv(
        findings.sector_hotspots(store.read_sector_flows(Path(smk.input.sector_flows)), regions),
        smk.output.sector_hotspots,
        index=False,
    )
    options = dict(
        pair=smk.params.denominators,
        without_regions=smk.params.without_regions,
        us_eu28=us_eu28,
    )

    def readings(region_accounts, group_accounts, flows, drivers):
        return findings.headline(
            region_accounts,
            group_accounts,
            flows,
            regions,
            drivers,
            smk.params.developed_groups,
            paper_values,
            **options,
        )

    def without_inventories():
        accounts = store.read_accounts(Path(smk.input.no_inventories_accounts), "region")
        grouped = intensities.with_intensities(
            grouping.group_accounts(accounts, regions), smk.params.denominators
        )
        variant_flows = store.read_flows(Path(smk.input.no_inventories_flows))
        return readings(accounts, grouped, variant_flows, smk.params.driver_groups)

    headline = readings(region_accounts, group_accounts, flows, smk.params.driver_groups)
    variants = {"no_inventories": without_inventories}
    drivers = robustness.driver_variants(
        list(smk.params.developed_groups), regions, list(flows.columns), us_eu28
    )
    for name, driver_set in drivers.items():
        variants[name] = lambda found=driver_set: readings(
            region_accounts, group_accounts, flows, found
        )
    table = robustness.robustness_table(headline, variants)
    context = RunContext.of(smk.params.context)
    for frame in (headline, table):
        frame.insert(0, "synthetic", context.synthetic)
        frame.insert(0, "year", context.year)
        frame.insert(0, "source", context.source)
    store.write_csv(headline, smk.output.headline, index=False)
    store.write_csv(table, smk.output.robustness, index=False)


logs.run_rule(main, snakemake)
