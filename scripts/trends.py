"""Rule trends: every headline reading, its robustness variants and the group accounts of
every configured year."""

from pathlib import Path

from bri_carbon.core import robustness, trends
from bri_carbon.outputs import figures, vintage_figures
from bri_carbon.results import store
from bri_carbon.runtime import logs
from bri_carbon.runtime.context import RunContext


def main(smk) -> None:
    years = [int(year) for year in smk.params.years]
    accounts = {
        year: store.read_accounts(Path(path), "group")
        for year, path in zip(years, smk.input.accounts, strict=True)
    }
    headlines = {
        year: store.read_headline(Path(path))
        for year, path in zip(years, smk.input.headline, strict=True)
    }
    context = RunContext.of(smk.params.context)
    series = trends.headline_series(headlines)
    store.write_csv(series, smk.output.headline, index=False)
    store.write_csv(trends.group_series(accounts), smk.output.groups, index=False)
    store.write_csv(
        robustness.stacked([store.read_robustness(Path(path)) for path in smk.input.robustness]),
        smk.output.robustness,
        index=False,
    )
    fig = vintage_figures.shares_figure(
        trends.figure_series(series),
        list(smk.params.driver_groups),
        context.source,
        context.synthetic,
    )
    figures.save(fig, smk.output.png, smk.output.pdf)


logs.run_rule(main, snakemake)
