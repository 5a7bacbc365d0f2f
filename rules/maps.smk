"""Maps stage: the region accounts of one source and year as a GeoPackage for GIS users.

Layer ``maps`` of results/{source}/{year}/maps/accounts.gpkg: the columns of accounts.csv
with the Natural Earth 1:110m polygons in EPSG:4326 (bri_carbon.outputs.gis).
"""


rule maps:
    """The region accounts of a source and year as a GeoPackage for GIS."""
    input:
        fingerprint=fingerprint_of(RESULT),
        accounts=rules.accounts.output.accounts,
        boundaries=config["natural_earth"]["shapefile"],
        iso3_fixes=config["natural_earth"]["iso3_fixes"],
    output:
        gpkg=f"{RESULT}/maps/accounts.gpkg",
    log:
        f"{LOGS}maps/{{source}}_{{year}}.log",
    benchmark:
        f"{LOGS}benchmarks/maps/{{source}}_{{year}}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/maps.py"
