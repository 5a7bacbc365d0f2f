"""The GeoPackage of the region accounts: written with pyogrio, read back as GIS tools do."""

from __future__ import annotations

import logging
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from bri_carbon.outputs import gis

from ..support.workflow import REPO

SHAPEFILE = REPO / "data" / "naturalearth_lowres" / "naturalearth_lowres.shp"


@pytest.fixture(scope="module")
def polygons() -> gpd.GeoDataFrame:
    fixes = gis.read_iso3_fixes(REPO / "data" / "naturalearth_iso3_fixes.csv")
    return gis.country_polygons(SHAPEFILE, fixes)


def _accounts() -> pd.DataFrame:
    """Four regions in the columns of accounts.csv; Singapore and the dissolved USSR have no
    1:110m polygon, Namibia's code NA must stay a code."""
    return pd.DataFrame(
        {
            "region": ["CHN", "NA", "SGP", "USR"],
            "name": ["China", "Namibia", "Singapore", "USSR"],
            "bri": [True, False, True, False],
            "group": ["East Asia", "Rest of world", "Southeast Asia", "CIS"],
            "production_mt": [9000.0, 4.0, 50.0, 0.0],
            "production_intensity_kg_per_usd": [0.9, 0.3, 0.2, np.nan],
        }
    )


def test_polygons_are_merged_per_fixed_code(polygons):
    assert polygons.crs.to_epsg() == 4326
    assert polygons.index.is_unique
    assert {"CYP", "SOM", "XKX", "FRA", "NOR", "NAM"} <= set(polygons.index)
    assert "CYN" not in polygons.index and "SOL" not in polygons.index


def test_geopackage_layer_has_the_accounts_columns_crs_and_rows(polygons, tmp_path, caplog):
    accounts = _accounts().replace({"region": {"NA": "NAM"}})
    layer, missing = gis.accounts_layer(accounts, polygons)
    assert missing == ["SGP", "USR"]
    with caplog.at_level(logging.WARNING):
        gis.log_missing(missing, accounts)
    assert "SGP (Singapore)" in caplog.text and "USR (USSR)" in caplog.text
    path = tmp_path / "maps" / "accounts.gpkg"
    gis.write_geopackage(layer, path)
    assert pyogrio.list_layers(path).tolist() == [["maps", "MultiPolygon"]]
    info = pyogrio.read_info(path, layer="maps")
    assert info["crs"] == "EPSG:4326" and info["features"] == len(accounts)
    assert list(info["fields"]) == list(accounts.columns)
    read = gpd.read_file(path, layer="maps")
    assert read.crs.to_epsg() == 4326
    assert read["region"].tolist() == accounts["region"].tolist()
    assert read["bri"].dtype == bool
    assert read.geometry.isna().tolist() == [False, False, True, True]
    assert np.isnan(read.loc[3, "production_intensity_kg_per_usd"])
    # China's polygon lies where China is (longitude, latitude in degrees).
    x0, y0, x1, y1 = read.geometry[0].bounds
    assert 70 < x0 < x1 < 140 and 15 < y0 < y1 < 55
    assert not list(tmp_path.glob("maps/.*"))  # no temporary file left behind


def test_a_code_like_na_stays_a_code(polygons):
    layer, missing = gis.accounts_layer(_accounts(), polygons)
    assert layer["region"].tolist()[1] == "NA"
    assert "NA" in missing  # Natural Earth calls Namibia NAM; NA has no polygon


def test_writing_the_same_layer_twice_gives_the_same_bytes(polygons, tmp_path):
    layer, _ = gis.accounts_layer(_accounts(), polygons)
    gis.write_geopackage(layer, tmp_path / "first.gpkg")
    time.sleep(1.1)  # GDAL's time stamps have a resolution of a second
    gis.write_geopackage(layer, tmp_path / "second.gpkg")
    first = (tmp_path / "first.gpkg").read_bytes()
    assert first == (tmp_path / "second.gpkg").read_bytes()
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") is None
