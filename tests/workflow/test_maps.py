"""The GeoPackage of the tiny workflow run, as QGIS would open it (pyogrio, geopandas)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio

from ..support.workflow import TINY_COUNTRIES

RESULT = "results/synthetic/2015"


def test_maps_rule_writes_the_accounts_geopackage(finished_run):
    path = finished_run / RESULT / "maps" / "accounts.gpkg"
    accounts = pd.read_csv(finished_run / RESULT / "accounts.csv", keep_default_na=False)
    assert pyogrio.list_layers(path).tolist() == [["maps", "MultiPolygon"]]
    layer = gpd.read_file(path, layer="maps")
    assert layer.crs.to_epsg() == 4326
    assert len(layer) == len(accounts) == len(TINY_COUNTRIES)
    assert list(layer.columns) == [*accounts.columns, "geometry"]
    assert {"bri", "group"} <= set(layer.columns)
    assert layer["region"].tolist() == accounts["region"].tolist()
    # Only the dissolved USSR has no polygon; the log names it.
    assert layer.loc[layer.geometry.isna(), "region"].tolist() == ["USR"]
    log = (finished_run / "logs" / "maps" / "synthetic_2015.log").read_text()
    assert "USR (" in log and "no 1:110m polygon" in log
