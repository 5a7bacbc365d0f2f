"""The Natural Earth country polygons (geopandas with pyogrio), and the region accounts on
them as a GeoPackage for GIS users; the maps project the same polygons
(:mod:`bri_carbon.outputs.geography`).

One layer, :data:`LAYER`: the rows and columns of ``accounts.csv`` (``bri`` and ``group``
included) joined by ISO3 code to the shipped Natural Earth 1:110m country polygons, in
EPSG:4326 (longitude, latitude in degrees). Polygons are the records of the shapefile with
their ISO3 codes fixed from ``data/naturalearth_iso3_fixes.csv`` and merged per code (e.g.
Northern Cyprus into Cyprus), as the maps draw them. Regions without a polygon (too small for
1:110m, or aggregates such as Eora's ``USR``) keep their row with an empty geometry.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from bri_carbon.runtime.atomic import atomic_path
from bri_carbon.runtime.errors import WorkflowInputError

log = logging.getLogger(__name__)

#: Name of the GeoPackage layer.
LAYER = "maps"
#: Coordinate reference system of the layer: WGS 84 longitude and latitude (degrees).
CRS = "EPSG:4326"
#: The time GDAL writes into the GeoPackage's metadata tables (last_change of
#: gpkg_contents) instead of the clock, so that the same accounts give the same bytes.
FIXED_TIMESTAMP = "2000-01-01T00:00:00.000Z"


def read_iso3_fixes(path: Path) -> pd.Series:
    """``name -> iso3`` for Natural Earth records whose code is missing or non-standard."""
    try:
        fixes = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read Natural Earth ISO3 fixes {path}: {err}") from err
    if list(fixes.columns) != ["name", "iso3"]:
        raise WorkflowInputError(f"{path} must have the columns name,iso3")
    return fixes.set_index("name")["iso3"]


def country_polygons(shp_path: Path, iso3_fixes: pd.Series) -> gpd.GeoDataFrame:
    """Natural Earth country polygons merged per fixed ISO3 code, in :data:`CRS`.

    ``shp_path``: the ``.shp`` file; ``iso3_fixes``: ``name -> iso3`` for records whose code
    is missing or non-standard. Records that still have no three-letter code are left out
    and logged. Returns a frame indexed by ``iso3`` with one (multi)polygon each.
    """
    try:
        countries = gpd.read_file(shp_path, engine="pyogrio", columns=["name", "iso_a3"])
    except (OSError, pyogrio.errors.DataSourceError) as err:
        raise WorkflowInputError(f"cannot read the map boundaries {shp_path}: {err}") from err
    codes = [
        str(iso3_fixes.get(name, code))
        for name, code in zip(countries["name"], countries["iso_a3"], strict=True)
    ]
    countries = countries.assign(iso3=codes)
    valid = countries["iso3"].str.fullmatch(r"[A-Za-z]{3}")
    dropped = countries.loc[~valid, ["name", "iso3"]]
    for name, code in zip(dropped["name"], dropped["iso3"], strict=True):
        log.warning("boundary %r has no ISO3 code (%s); left out of the GeoPackage", name, code)
    merged = countries[valid].dissolve(by="iso3")[["geometry"]]
    if merged.crs is not None and pyproj.CRS(CRS).equals(merged.crs, ignore_axis_order=True):
        return merged.set_crs(CRS, allow_override=True)  # same datum and units: no transform
    return merged.to_crs(CRS)


def _multi(geometry: BaseGeometry | None) -> MultiPolygon | None:
    """Every polygon as a MultiPolygon, so that the layer has one geometry type."""
    if isinstance(geometry, Polygon):
        return MultiPolygon([geometry])
    return geometry


def accounts_layer(
    accounts: pd.DataFrame, polygons: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The rows of ``accounts`` (columns of ``accounts.csv``, ``region`` first) with the
    polygon of their ``region`` code; and the codes without a polygon (empty geometry).

    Units are those of the columns (Mt CO2, million USD, kg CO2 per USD); geometry in
    :data:`CRS`.
    """
    geometry = [_multi(polygons.geometry.get(code)) for code in accounts["region"]]
    missing = [
        code for code, shape in zip(accounts["region"], geometry, strict=True) if shape is None
    ]
    layer = gpd.GeoDataFrame(accounts.reset_index(drop=True), geometry=geometry, crs=CRS)
    return layer, missing


def log_missing(missing: list[str], accounts: pd.DataFrame) -> None:
    """Log the regions of the layer that have no polygon (their geometry is empty)."""
    names = accounts.set_index("region")["name"]
    if missing:
        listed = ", ".join(f"{code} ({names[code]})" for code in missing)
        log.warning(
            "GeoPackage: %d regions have no 1:110m polygon (empty geometry): %s",
            len(missing),
            listed,
        )
    else:
        log.info("GeoPackage: every region has a polygon")


def write_geopackage(
    layer: gpd.GeoDataFrame, path: str | os.PathLike[str], name: str = LAYER
) -> None:
    """Write ``layer`` as the layer ``name`` of a new GeoPackage ``path``, atomically.

    GDAL's time stamps are fixed to :data:`FIXED_TIMESTAMP` (config option
    ``OGR_CURRENT_DATE``, restored afterwards): writing the same layer twice gives the same
    bytes.
    """
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_TIMESTAMP})
    try:
        with atomic_path(path) as tmp, warnings.catch_warnings():
            # The temporary name ends in .part, not .gpkg, until it is renamed; GDAL's
            # warning about the extension does not apply to the file the user gets.
            warnings.filterwarnings("ignore", "The filename extension should be 'gpkg'")
            tmp.unlink()  # GDAL creates the GeoPackage itself
            pyogrio.write_dataframe(
                layer, tmp, layer=name, driver="GPKG", geometry_type="MultiPolygon"
            )
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
