"""World maps from the shipped Natural Earth 1:110m boundaries, drawn with geopandas.

The country polygons are those of the GeoPackage (:func:`bri_carbon.outputs.gis.country_polygons`:
ISO3 codes fixed from ``data/naturalearth_iso3_fixes.csv``, merged per code, e.g. Northern
Cyprus into Cyprus), cut at :data:`SOUTH_LIMIT` (Antarctica lies south of it) and projected
by pyproj to the Equal Earth projection (Savric, Patterson & Jenny 2018; EPSG:8857, equal
area, metres). Regions of ``config/regions.csv`` without a polygon are reported by
:func:`join_regions`, so that callers can log them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
from matplotlib.axes import Axes

from bri_carbon.outputs import gis

log = logging.getLogger(__name__)

#: The maps' projection: WGS 84 / Equal Earth Greenwich (metres).
MAP_CRS = "EPSG:8857"
#: Southern edge of the maps (degrees of latitude); land south of it (Antarctica) is left out.
SOUTH_LIMIT = -58.0


def _to_map(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude (degrees, WGS 84) in :data:`MAP_CRS` (metres)."""
    transformer = pyproj.Transformer.from_crs(gis.CRS, MAP_CRS, always_xy=True)
    return transformer.transform(lon, lat)


def project(polygons: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``polygons`` (in :data:`bri_carbon.outputs.gis.CRS`) cut at :data:`SOUTH_LIMIT` and
    projected to :data:`MAP_CRS`; rows left empty by the cut are dropped."""
    cut = polygons.geometry.clip_by_rect(-180.0, SOUTH_LIMIT, 180.0, 90.0)
    kept = polygons.set_geometry(cut)[~cut.is_empty]
    return kept.to_crs(MAP_CRS)


def read_boundaries(shp_path: Path, iso3_fixes: pd.Series) -> gpd.GeoDataFrame:
    """The map's country polygons: one (multi)polygon per ISO3 code (the index), in
    :data:`MAP_CRS`, from the Natural Earth shapefile and its ISO3 fixes (``name -> iso3``)."""
    return project(gis.country_polygons(shp_path, iso3_fixes))


def join_regions(
    boundaries: gpd.GeoDataFrame, regions: pd.DataFrame
) -> tuple[list[str], list[str]]:
    """Split the region codes of ``regions`` (indexed by code) into drawn and missing.

    Returns (codes with a polygon, codes without one), each in the order of ``regions``.
    """
    drawn = [code for code in regions.index if code in boundaries.index]
    missing = [code for code in regions.index if code not in boundaries.index]
    return drawn, missing


def log_missing(missing: list[str], regions: pd.DataFrame, purpose: str) -> None:
    """Log every region of the grouping file that the boundaries cannot draw."""
    if missing:
        listed = ", ".join(f"{code} ({regions.loc[code, 'name']})" for code in missing)
        log.warning(
            "%s: %d regions have no 1:110m polygon, not drawn: %s", purpose, len(missing), listed
        )
    else:
        log.info("%s: every region has a polygon", purpose)


def boundaries_for(
    shp_path: Path, iso3_fixes_path: Path, regions: pd.DataFrame, purpose: str
) -> gpd.GeoDataFrame:
    """Read the boundaries with their ISO3 fixes and log the regions they cannot draw."""
    boundaries = read_boundaries(shp_path, gis.read_iso3_fixes(iso3_fixes_path))
    _, missing = join_regions(boundaries, regions)
    log_missing(missing, regions, purpose)
    return boundaries


def draw_countries(
    ax: Axes,
    boundaries: gpd.GeoDataFrame,
    colours: Mapping[str, object],
    background: str = "#eeeeee",
    edge: str = "white",
) -> None:
    """Fill each country of ``colours`` (ISO3 -> colour); all others in ``background``.

    Sets an equal aspect, the map extent and hides the axes frame.
    """
    coloured = boundaries.index.isin(list(colours))
    others = boundaries[~coloured]
    if len(others):
        others.plot(ax=ax, color=background, edgecolor=edge, linewidth=0.2)
    filled = boundaries[coloured]
    if len(filled):
        filled.plot(
            ax=ax, color=[colours[code] for code in filled.index], edgecolor=edge, linewidth=0.2
        )
    _frame(ax)


def outline_countries(ax: Axes, boundaries: gpd.GeoDataFrame, codes: Iterable[str]) -> None:
    """Outline the countries ``codes`` (those with a polygon) in black, unfilled."""
    outlined = boundaries[boundaries.index.isin(list(codes))]
    if len(outlined):
        outlined.plot(ax=ax, facecolor="none", edgecolor="black", linewidth=0.3)
        _no_axis_texts(ax)


def _extent() -> tuple[float, float, float, float]:
    """(x_min, x_max, y_min, y_max) of the maps in metres: the Equal Earth outline from
    :data:`SOUTH_LIMIT` to the pole with a margin of 1% across and 2% up and down."""
    x_max, _ = _to_map(np.array(180.0), np.array(0.0))
    _, y_min = _to_map(np.array(0.0), np.array(SOUTH_LIMIT))
    _, y_max = _to_map(np.array(0.0), np.array(90.0))
    return -float(x_max) * 1.01, float(x_max) * 1.01, float(y_min) * 1.02, float(y_max) * 1.02


def map_aspect() -> float:
    """Width over height of the map extent (dimensionless)."""
    x_min, x_max, y_min, y_max = _extent()
    return (x_max - x_min) / (y_max - y_min)


def _frame(ax: Axes) -> None:
    """Equal Earth outline as the map frame; no axes, ticks or grid."""
    lat = np.linspace(SOUTH_LIMIT, 90.0, 100)
    east_x, east_y = _to_map(np.full_like(lat, 180.0), lat)
    west_x, west_y = _to_map(np.full_like(lat, -180.0), lat[::-1])
    ax.plot(
        np.r_[east_x, west_x, east_x[:1]],
        np.r_[east_y, west_y, east_y[:1]],
        color="#bbbbbb",
        linewidth=0.5,
    )
    x_min, x_max, y_min, y_max = _extent()
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_aspect("equal")
    ax.set_axis_off()
    _no_axis_texts(ax)


def _no_axis_texts(ax: Axes) -> None:
    """Clear the texts of the (hidden) axes: the multiplier of the metre ticks (1e7) would
    still move the titles, and geopandas names the axes after the projection's (Easting,
    Northing)."""
    for axis in (ax.xaxis, ax.yaxis):
        axis.offsetText.set_visible(False)
        axis.set_label_text("")
