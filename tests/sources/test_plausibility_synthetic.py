"""The default synthetic world (every Eora26 country, the default seed and year) raises no
plausibility warning, and the same world with its emissions read in the wrong unit does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bri_carbon.core import plausibility
from bri_carbon.sources import config_tables, eora26_layout, synthetic

from ..support.workflow import REPO

#: config/config.yaml: synthetic.seed and years.
SEED, YEAR = 20180512, 2015


@pytest.fixture(scope="module")
def default_world() -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """(codes, PBA in Mt, primary inputs and gross output in million USD) per country of the
    default synthetic world, from its tables (no Leontief solve is needed for these)."""
    codes = config_tables.read_region_codes(REPO / "data" / "region_codes.csv")
    fixes = pd.read_csv(REPO / "data" / "naturalearth_iso3_fixes.csv", keep_default_na=False)
    natural_earth = synthetic.read_natural_earth_economies(
        REPO / "data" / "naturalearth_lowres" / "naturalearth_lowres.dbf", fixes
    )
    economies = synthetic.economies_table(codes[codes["source"] == "eora26"], natural_earth)
    world = synthetic.make_world(economies, YEAR, SEED)
    r = len(world.codes)
    n = 26 * r
    T, FD = world.T[:n, :n], world.FD[:n, : 6 * r]
    output = T.sum(axis=1) + FD.sum(axis=1)
    row = synthetic.SATELLITE_LABELS.index(
        (eora26_layout.CO2_RAW_LABEL, eora26_layout.CO2_LABELS[0][1])
    )
    industry = world.Q[row, :n].reshape(r, 26).sum(axis=1)
    household = world.QY[row, : 6 * r].reshape(r, 6).sum(axis=1)
    primary = (output - T.sum(axis=0)).reshape(r, 26).sum(axis=1)
    return (
        list(world.codes),
        (industry + household) * 1e-3,  # Gg -> Mt
        primary * 1e-3,  # thousand -> million USD
        output.reshape(r, 26).sum(axis=1) * 1e-3,
    )


def test_the_default_synthetic_world_is_plausible(default_world):
    codes, production, primary, output = default_world
    assert len(codes) == 189
    assert plausibility.plausibility_warnings(codes, production, primary, output, YEAR) == []


def test_the_default_world_in_gg_read_as_mt_is_not(default_world):
    codes, production, primary, output = default_world
    found = plausibility.plausibility_warnings(codes, production * 1e3, primary, output, YEAR)
    assert [item["check"] for item in found] == ["world_co2", "world_intensity"]
