"""Rule maps: the region accounts joined to the Natural Earth polygons, as a GeoPackage."""

from pathlib import Path

from bri_carbon.outputs import gis
from bri_carbon.results import store
from bri_carbon.runtime import logs


def main(smk) -> None:
    accounts = store.read_accounts(Path(smk.input.accounts), "region").reset_index()
    polygons = gis.country_polygons(
        Path(smk.input.boundaries), gis.read_iso3_fixes(Path(smk.input.iso3_fixes))
    )
    layer, missing = gis.accounts_layer(accounts, polygons)
    gis.log_missing(missing, accounts)
    gis.write_geopackage(layer, smk.output.gpkg)


logs.run_rule(main, snakemake)
