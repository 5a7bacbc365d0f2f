"""Map projection and the join of the shipped Natural Earth boundaries to config/regions.csv."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from bri_carbon.outputs import geography
from bri_carbon.sources import config_tables

from ..support.workflow import REPO

SHAPEFILE = REPO / "data" / "naturalearth_lowres" / "naturalearth_lowres.shp"
#: Regions of config/regions.csv too small for 1:110m, and aggregates without a territory
#: (data/naturalearth_lowres/README.md, "Coverage against config/regions.csv").
EXPECTED_MISSING = {
    "HKG", "MAC", "SGP", "MDV", "BHR", "AND", "LIE", "MCO", "MLT", "SMR", "ABW", "ATG",
    "BMU", "BRB", "CPV", "CYM", "MUS", "PYF", "STP", "SYC", "VGB", "WSM",
    "USR", "ANT", "WA", "WL", "WE", "WF", "WM", "XAM", "XEU", "XAF", "XAS",
}  # fmt: skip


@pytest.fixture(scope="module")
def boundaries() -> geography.Boundaries:
    fixes = geography.read_iso3_fixes(REPO / "data" / "naturalearth_iso3_fixes.csv")
    return geography.read_boundaries(SHAPEFILE, fixes)


def _area(x: np.ndarray, y: np.ndarray) -> float:
    return 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))


def test_equal_earth_known_points_and_equal_area():
    x, y = geography.equal_earth(np.array([0.0, 180.0, 0.0]), np.array([0.0, 0.0, 90.0]))
    assert x[0] == pytest.approx(0.0) and y[0] == pytest.approx(0.0)
    assert x[1] == pytest.approx(2.70663, abs=1e-4)  # half width of the Equal Earth map
    assert y[2] == pytest.approx(1.31733, abs=1e-4)  # pole line
    # Equal area: a 1 x 1 degree cell at latitude phi has area proportional to cos(phi).
    areas = {}
    for lat in (0.0, 60.0):
        lon = np.array([10.0, 11.0, 11.0, 10.0])
        lats = np.array([lat, lat, lat + 1.0, lat + 1.0])
        areas[lat] = _area(*geography.equal_earth(lon, lats))
    expected = (np.sin(np.radians(61)) - np.sin(np.radians(60))) / np.sin(np.radians(1))
    assert areas[60.0] / areas[0.0] == pytest.approx(expected, rel=1e-3)


def test_every_region_is_drawn_or_reported_missing(boundaries):
    regions = config_tables.read_regions(REPO / "config" / "regions.csv")
    drawn, missing = geography.join_regions(boundaries, regions)
    assert sorted(drawn + missing) == sorted(regions.index)
    assert set(missing) == EXPECTED_MISSING
    for code in ("CHN", "RUS", "USA", "FRA", "NOR", "IDN"):
        assert code in drawn


def test_iso3_fixes_merge_records(boundaries):
    # Northern Cyprus and Somaliland are merged into Cyprus and Somalia; Kosovo gets XKX.
    assert "CYN" not in boundaries.paths and "SOL" not in boundaries.paths
    assert "XKX" in boundaries.paths
    cyprus_rings = int(np.sum(boundaries.paths["CYP"].codes == 1))  # MOVETO per ring
    assert cyprus_rings >= 2
    # Antarctica lies south of the map and is left out.
    assert "ATA" not in boundaries.paths


def test_missing_regions_are_logged(boundaries, caplog):
    regions = config_tables.read_regions(REPO / "config" / "regions.csv")
    _, missing = geography.join_regions(boundaries, regions)
    with caplog.at_level(logging.WARNING):
        geography.log_missing(missing, regions, "test map")
    assert "SGP (Singapore)" in caplog.text
    assert f"{len(EXPECTED_MISSING)} regions" in caplog.text
