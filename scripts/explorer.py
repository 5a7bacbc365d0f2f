"""Rule explorer: every region, year and flow of one source in one offline HTML page.

The inputs are named by kind and year (rules/explorer.smk); bri_carbon.outputs.explorer reads
them and renders the page, bri_carbon.outputs.explorer_map draws the map, this script writes.
"""

import logging
from pathlib import Path

from bri_carbon.outputs import explorer, explorer_map, geography, gis
from bri_carbon.runtime import atomic, logs
from bri_carbon.runtime.context import RunContext

log = logging.getLogger("bri_carbon.explorer")


def year_files(smk, year: str) -> explorer.YearFiles:
    return explorer.YearFiles(
        **{
            field: Path(smk.input[f"{field}_{year}"])
            for field in explorer.YearFiles.__annotations__
        }
    )


def main(smk) -> None:
    context = RunContext.of(smk.params.context)
    boundaries = geography.read_boundaries(
        Path(smk.input.boundaries), gis.read_iso3_fixes(Path(smk.input.iso3_fixes))
    )
    shapes = explorer_map.map_shapes(boundaries)
    years = {int(year): explorer.read_year(year_files(smk, year)) for year in smk.params.years}
    data = explorer.explorer_data(
        years, shapes, context.source, context.synthetic, smk.params.run_name
    )
    missing = explorer.not_on_map(data)
    if missing:
        log.warning(
            "%d regions have no 1:110m polygon (listed under the map): %s",
            len(missing),
            ", ".join(missing),
        )
    page = explorer.render(data, shapes)
    atomic.write_text(smk.output.html, page)
    log.info(
        "%d years, %d regions, map %d bytes, page %d bytes",
        len(years),
        len(data["regions"]["codes"]),
        explorer_map.path_bytes(shapes),
        len(page.encode("utf-8")),
    )


logs.run_rule(main, snakemake)
