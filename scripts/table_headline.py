"""Rule table_headline: the three findings recomputed next to the paper's values."""

import json
from pathlib import Path

import pandas as pd

from bri_carbon.outputs import tables
from bri_carbon.runtime import logs


def main(smk) -> None:
    headline = pd.read_csv(
        smk.input.headline, keep_default_na=False, na_values={"value": [""], "paper_value": [""]}
    )
    meta = json.loads(Path(smk.input.diagnostics).read_text())
    caption = tables.table_caption(
        "Headline findings recomputed and the paper's values",
        smk.wildcards.source,
        int(smk.wildcards.year),
        meta["synthetic"],
        "percent or dimensionless ratio (column unit)",
    )
    tables.write_table_set(
        tables.headline_display(headline),
        smk.output.csv,
        smk.output.md,
        smk.output.tex,
        caption=caption,
        label=f"tab:headline-{smk.wildcards.source}-{smk.wildcards.year}",
        align=r"llrrlp{0.25\linewidth}p{0.3\linewidth}",
        fit_width=True,
    )


logs.run_rule(main, snakemake)
