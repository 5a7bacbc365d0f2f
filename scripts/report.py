"""Rule report: the run's findings, figures and tables in one self-contained HTML file.

The inputs are named by kind, year and name (rules/report.smk); bri_carbon.outputs.report
reads them, renders the page and this script writes it.
"""

from pathlib import Path

from bri_carbon.outputs import report
from bri_carbon.runtime import atomic, logs
from bri_carbon.runtime.context import RunContext


def inputs_of(smk) -> report.Inputs:
    years = tuple(int(year) for year in smk.params.years)
    named = {key: Path(path) for key, path in smk.input.items()}
    drivers = tuple(smk.params.drivers) if smk.params.drivers else None
    compared = tuple(smk.params.compare) if smk.params.compare else None

    def per_year(kind: str) -> dict[int, Path] | None:
        return {year: named[f"{kind}_{year}"] for year in years} if compared else None

    return report.Inputs(
        years=years,
        figures={y: {n: named[f"figure_{y}_{n}"] for n in smk.params.figures} for y in years},
        tables={y: {n: named[f"table_{y}_{n}"] for n in smk.params.tables} for y in years},
        headline={year: named[f"headline_{year}"] for year in years},
        provenance={year: named[f"provenance_{year}"] for year in years},
        diagnostics={year: named[f"diagnostics_{year}"] for year in years},
        trends=(named["trends_headline"], named["trends_figure"]) if len(years) > 1 else None,
        drivers=drivers,
        drivers_files=(named["drivers_effects"], named["drivers_figure"]) if drivers else None,
        compared=compared,
        comparison=per_year("comparison"),
        comparison_headline=per_year("comparison_headline"),
        compared_labels=tuple(smk.params.compare_labels) if compared else None,
    )


def main(smk) -> None:
    context = RunContext.of(smk.params.context)
    page = report.build(
        inputs_of(smk),
        context.source,
        context.synthetic,
        list(smk.params.driver_groups),
        list(smk.params.developed_groups),
        smk.params.run_name,
    )
    atomic.write_text(smk.output.html, report.render(page))


logs.run_rule(main, snakemake)
