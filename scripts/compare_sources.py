"""Rule compare_sources: group accounts of one year from two sources, side by side."""

from pathlib import Path

from bri_carbon.core import compare
from bri_carbon.outputs import tables
from bri_carbon.runtime import logs


def main(smk) -> None:
    names = (smk.wildcards.source_a, smk.wildcards.source_b)
    table = compare.side_by_side(
        tables.read_accounts(Path(smk.input.accounts_a), "group"),
        tables.read_accounts(Path(smk.input.accounts_b), "group"),
        names,
    )
    caption = (
        f"Group accounts {smk.wildcards.year}: {names[0]} vs {names[1]}, relative difference "
        f"({names[1]} - {names[0]}) / |{names[0]}|; Mt CO2, million current USD, kg CO2 per USD"
    )
    tables.write_table_set(
        table,
        smk.output.csv,
        smk.output.md,
        smk.output.tex,
        caption=caption,
        label=f"tab:compare-{names[0]}-{names[1]}-{smk.wildcards.year}",
    )


logs.run_rule(main, snakemake)
