"""The maps' boundaries: the shipped Natural Earth polygons in Equal Earth (EPSG:8857) and their
join to config/regions.csv."""

from __future__ import annotations

import logging

import geopandas as gpd
import matplotlib.colors
import pyogrio
import pyproj
import pytest

from bri_carbon.outputs import figures, geography, gis
from bri_carbon.sources import config_tables

from ..support.workflow import REPO

SHAPEFILE = REPO / "data" / "naturalearth_lowres" / "naturalearth_lowres.shp"
#: Regions of config/regions.csv too small for 1:110m, and aggregates without a territory
#: (data/naturalearth_lowres/README.md, "Coverage against config/regions.csv").
EXPECTED_MISSING = {
    "HKG", "MAC", "SGP", "MDV", "BHR", "AND", "LIE", "MCO", "MLT", "SMR", "ABW", "ATG",
    "BMU", "BRB", "CPV", "CYM", "MUS", "PYF", "STP", "SYC", "VGB", "WSM",
    "USR", "ANT", "WA", "WL", "WE", "WF", "WM",
}  # fmt: skip


@pytest.fixture(scope="module")
def boundaries() -> gpd.GeoDataFrame:
    fixes = gis.read_iso3_fixes(REPO / "data" / "naturalearth_iso3_fixes.csv")
    return geography.read_boundaries(SHAPEFILE, fixes)


def test_the_maps_are_equal_area_in_equal_earth(boundaries):
    """Each country's area on the map is its area on the WGS 84 ellipsoid (Karney's geodesic
    polygon area of the Natural Earth outline), to 0.5%: the Equal Earth projection keeps
    areas, which a conformal one (Web Mercator: Norway 9 times too large) does not."""
    assert boundaries.crs.to_epsg() == 8857
    natural_earth = pyogrio.read_dataframe(SHAPEFILE)
    geod = pyproj.Geod(ellps="WGS84")
    for name, code in [("France", "FRA"), ("Norway", "NOR"), ("Brazil", "BRA"), ("Japan", "JPN")]:
        outline = natural_earth.loc[natural_earth["name"] == name, "geometry"].iloc[0]
        on_earth = abs(geod.geometry_area_perimeter(outline)[0])  # m2
        assert boundaries.geometry[code].area == pytest.approx(on_earth, rel=5e-3), code


def test_the_map_frame_is_the_equal_earth_outline(boundaries):
    """The frame drawn around each map: equator over central meridian of the Equal Earth
    outline, 2.70663 / 1.31733 on the sphere (Savric, Patterson & Jenny 2018)."""
    fig = figures.new_figure(figures.DOUBLE_COLUMN_MM, 100.0)
    ax = fig.add_subplot()
    geography.draw_countries(ax, boundaries, {"FRA": "red"})
    (frame,) = ax.lines
    x, y = frame.get_data()
    assert x.max() / y.max() == pytest.approx(2.70663 / 1.31733, rel=1e-3)
    assert x.min() == pytest.approx(-x.max())
    # France filled in its colour, every other country (one outline each) in the background
    background, filled = ax.collections
    assert len(filled.get_paths()) == 1
    assert filled.get_facecolor().tolist() == [[1.0, 0.0, 0.0, 1.0]]
    assert len(background.get_paths()) == len(boundaries) - 1
    assert {tuple(colour) for colour in background.get_facecolor()} == {
        matplotlib.colors.to_rgba("#eeeeee")
    }
    figures.plt.close(fig)


def test_every_region_is_drawn_or_reported_missing(boundaries):
    regions = config_tables.read_regions(REPO / "config" / "regions.csv")
    drawn, missing = geography.join_regions(boundaries, regions)
    assert sorted(drawn + missing) == sorted(regions.index)
    assert set(missing) == EXPECTED_MISSING
    for code in ("CHN", "RUS", "USA", "FRA", "NOR", "IDN"):
        assert code in drawn


def test_iso3_fixes_merge_records(boundaries):
    # Northern Cyprus and Somaliland are merged into Cyprus and Somalia; Kosovo gets XKX.
    assert "CYN" not in boundaries.index and "SOL" not in boundaries.index
    assert "XKX" in boundaries.index
    natural_earth = pyogrio.read_dataframe(SHAPEFILE).to_crs(geography.MAP_CRS)
    parts = natural_earth.loc[natural_earth["name"].isin(["Cyprus", "N. Cyprus"])]
    assert len(parts) == 2
    assert boundaries.geometry["CYP"].area == pytest.approx(parts.area.sum(), rel=1e-6)
    # Antarctica lies south of the map and is left out.
    assert "ATA" not in boundaries.index


def test_missing_regions_are_logged(boundaries, caplog):
    regions = config_tables.read_regions(REPO / "config" / "regions.csv")
    _, missing = geography.join_regions(boundaries, regions)
    with caplog.at_level(logging.WARNING):
        geography.log_missing(missing, regions, "test map")
    assert "SGP (Singapore)" in caplog.text
    assert f"{len(EXPECTED_MISSING)} regions" in caplog.text
