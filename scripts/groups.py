"""Rule groups: accounts and flows summed to the groups of the region grouping file."""

from pathlib import Path

from bri_carbon.core import grouping, intensities
from bri_carbon.results import store
from bri_carbon.runtime import logs
from bri_carbon.sources import config_tables


def main(smk) -> None:
    regions = config_tables.read_regions(Path(smk.input.regions))
    region_accounts = store.read_accounts(Path(smk.input.accounts), "region")
    flows = store.read_flows(Path(smk.input.flows))
    grouping.check_coverage(regions, list(region_accounts.index), Path(smk.input.regions))
    summed = grouping.group_accounts(region_accounts, regions)
    summed = intensities.with_intensities(summed, smk.params.denominators)
    store.write_csv(summed, smk.output.accounts)
    store.write_csv(
        store.flows_long(grouping.group_flows(flows, regions)), smk.output.flows, index=False
    )


logs.run_rule(main, snakemake)
