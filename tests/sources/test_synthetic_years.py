"""The synthetic world over the years: one structure drawn from the seed, moved smoothly by
the documented paths (growth, falling intensity, globalisation, services), byte-identical
for the same seed and year."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from bri_carbon.sources import config_tables, eora26_layout, synthetic

from ..support.workflow import REPO, TINY_COUNTRIES

SEED = 20180512
YEARS = (2013, 2014, 2015, 2016)


@pytest.fixture(scope="module")
def economies() -> pd.DataFrame:
    """The economies of the tiny test scenario, sized by the shipped Natural Earth table."""
    codes = config_tables.read_region_codes(REPO / "data" / "region_codes.csv")
    fixes = pd.read_csv(REPO / "data" / "naturalearth_iso3_fixes.csv", keep_default_na=False)
    natural_earth = synthetic.read_natural_earth_economies(
        REPO / "data" / "naturalearth_lowres" / "naturalearth_lowres.dbf", fixes
    )
    return synthetic.economies_table(
        codes[codes["source"] == "eora26"], natural_earth, TINY_COUNTRIES
    )


@dataclass(frozen=True)
class Totals:
    """Per-country totals of one synthetic year, money in thousand USD, CO2 in Gg."""

    gdp: float  # world final demand
    output: np.ndarray  # (r,) gross output
    exports: np.ndarray  # (r,) sales to other countries (intermediate and final)
    co2: np.ndarray  # (r,) industry CO2


def totals(world: synthetic.SyntheticWorld) -> Totals:
    """Country totals of ``world`` without Eora's ``ROW`` entry."""
    r = len(world.codes)
    n = 26 * r
    T, FD = world.T[:n, :n], world.FD[:n, : 6 * r]
    origin_T = np.repeat(np.arange(r), 26)
    by_destination = np.stack(
        [T[:, origin_T == d].sum(axis=1) + FD[:, 6 * d : 6 * d + 6].sum(axis=1) for d in range(r)],
        axis=1,
    )  # (n, r)
    sales = np.stack([by_destination[origin_T == o].sum(axis=0) for o in range(r)])  # (r, r)
    co2_row = synthetic.SATELLITE_LABELS.index(
        (eora26_layout.CO2_RAW_LABEL, eora26_layout.CO2_LABELS[0][1])
    )
    return Totals(
        gdp=float(FD.sum()),
        output=sales.sum(axis=1),
        exports=sales.sum(axis=1) - np.diag(sales),
        co2=np.bincount(origin_T, world.Q[co2_row, :n], r),
    )


@pytest.fixture(scope="module")
def worlds(economies) -> dict[int, synthetic.SyntheticWorld]:
    return {year: synthetic.make_world(economies, year, SEED) for year in YEARS}


def test_world_gdp_and_co2_grow_a_few_percent_a_year(worlds):
    years = [totals(worlds[year]) for year in YEARS]
    for before, after in itertools.pairwise(years):
        assert 0.01 < after.gdp / before.gdp - 1 < 0.05
        assert 0.0 < after.co2.sum() / before.co2.sum() - 1 < 0.03


def test_every_country_moves_smoothly(worlds, economies):
    """Output grows, export shares drift and emission intensity falls, a little each year."""
    active = economies["gdp_musd"].to_numpy() > 0
    years = [totals(worlds[year]) for year in YEARS]
    for before, after in itertools.pairwise(years):
        growth = after.output[active] / before.output[active] - 1
        assert ((growth > 0.0) & (growth < 0.08)).all(), growth
        share_before = before.exports[active] / before.exports.sum()
        share_after = after.exports[active] / after.exports.sum()
        assert (np.abs(share_after / share_before - 1) < 0.05).all()
        assert (np.abs(share_after - share_before) < 0.01).all()
        intensity_before = before.co2[active] / before.output[active]
        intensity_after = after.co2[active] / after.output[active]
        change = intensity_after / intensity_before - 1
        assert ((change < -0.005) & (change > -0.05)).all(), change


def test_poorer_economies_grow_faster_and_gain_export_share(worlds, economies):
    income = economies["gdp_musd"] / economies["population"]
    active = (economies["gdp_musd"] > 0).to_numpy()
    first, last = totals(worlds[YEARS[0]]), totals(worlds[YEARS[-1]])
    growth = pd.Series(last.output / np.where(active, first.output, 1.0), economies.index)
    poorest, richest = income[active].idxmin(), income[active].idxmax()
    assert growth[poorest] > growth[richest]
    share = pd.Series(last.exports / last.exports.sum(), economies.index)
    share_change = share / pd.Series(first.exports / first.exports.sum(), economies.index)
    assert share_change[poorest] > 1 and share_change[poorest] > share_change[richest]
    assert last.exports.sum() / last.gdp > first.exports.sum() / first.gdp  # globalisation


def test_reference_year_is_calibrated_to_30000_mt(worlds):
    assert totals(worlds[synthetic.REFERENCE_YEAR]).co2.sum() == pytest.approx(30e6, rel=1e-9)


def test_the_structure_is_the_same_every_year(worlds):
    """The quirks of real tables (negative inventories, negative value added, the trade
    links) sit in the same places every year."""
    r = len(worlds[2015].codes)
    n = 26 * r
    inventories = eora26_layout.FINAL_DEMAND_CATEGORIES.index("Changes in inventories P.52")

    def pattern(world):
        drawn_down = world.FD[:n, inventories : 6 * r : 6].sum(axis=0) < 0
        negative_value_added = world.VA[:, :n].sum(axis=0) < 0
        links = world.T[:n, :n] > 0
        return drawn_down, negative_value_added, links

    reference = pattern(worlds[2015])
    assert reference[0].any() and reference[1].any()
    for year in YEARS:
        for got, expected in zip(pattern(worlds[year]), reference, strict=True):
            np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("year", [1970, 2030])
def test_the_ends_of_the_configurable_years_are_valid_worlds(economies, year):
    world = synthetic.make_world(economies, year, SEED)
    result = totals(world)
    assert np.isfinite(world.T).all() and np.isfinite(world.Q).all()
    assert (result.output >= 0).all() and (result.co2 >= 0).all()
    reference = totals(synthetic.make_world(economies, synthetic.REFERENCE_YEAR, SEED))
    # The same formulas before and after 2015: GDP and CO2 grow at steady rates.
    years = year - synthetic.REFERENCE_YEAR
    gdp_rate = (result.gdp / reference.gdp) ** (1 / years) - 1
    co2_rate = (result.co2.sum() / reference.co2.sum()) ** (1 / years) - 1
    assert 0.01 < gdp_rate < 0.06 and 0.0 < co2_rate < 0.03


def test_same_seed_and_year_give_identical_archives(economies, tmp_path):
    paths = {}
    for name, year, seed in (("a", 2014, SEED), ("b", 2014, SEED), ("c", 2014, SEED + 1)):
        paths[name] = tmp_path / name / eora26_layout.archive_name(year)
        synthetic.write_eora26_zip(synthetic.make_world(economies, year, seed), paths[name])
    assert paths["a"].read_bytes() == paths["b"].read_bytes()
    assert paths["a"].read_bytes() != paths["c"].read_bytes()


def test_another_seed_draws_another_world(economies):
    one = totals(synthetic.make_world(economies, 2015, SEED))
    other = totals(synthetic.make_world(economies, 2015, SEED + 1))
    assert not np.allclose(one.exports, other.exports, rtol=1e-3)
    assert one.co2.sum() == pytest.approx(other.co2.sum(), rel=1e-9)  # same calibration


def test_year_paths():
    """The five paths are identities in the reference year and move at their rates."""
    reference = synthetic.REFERENCE_YEAR
    rates = synthetic.growth_rates(np.array([1_000.0, 10_000.0, 60_000.0, 1e6, 0.0]))
    assert rates[:3] == pytest.approx([0.035 + 0.01 * np.log(10), 0.035, 0.035 - 0.01 * np.log(6)])
    assert rates[3] == 0.01 and rates[4] == 0.035  # bounded; no income: the rate of 10,000 USD
    gdp = np.array([100.0, 200.0])
    growth = np.array([0.02, 0.05])
    np.testing.assert_array_equal(synthetic.gdp_in(reference, gdp, growth), gdp)
    np.testing.assert_allclose(
        synthetic.gdp_in(reference - 2, gdp, growth), gdp / (1 + growth) ** 2
    )
    assert synthetic.import_shares_in(reference + 1, np.array([0.3]))[0] == pytest.approx(0.303)
    assert synthetic.intensity_factor(reference) == 1.0
    assert synthetic.intensity_factor(reference + 1) == pytest.approx(0.98)
    mix = np.full(26, 1 / 26)
    later = synthetic.demand_mix_in(reference + 10, mix)
    services = np.isin(eora26_layout.SECTORS, synthetic._SERVICES)
    assert later.sum() == pytest.approx(1.0)
    assert later[services].sum() > mix[services].sum()
    assert later[services][0] / later[~services][0] == pytest.approx(1.01**10)


@pytest.mark.parametrize("steps", [50, 0])
def test_reference_output_from_another_years_factors(economies, monkeypatch, steps):
    """The calibration year's output, refined with the LU of 1980 (or solved directly when
    the refinement has no steps), is the output of its own solve."""
    monkeypatch.setattr(synthetic, "_REFINEMENT_STEPS", steps)
    structure = synthetic._draw_structure(economies, SEED)
    A, final = synthetic._economy(structure, synthetic.REFERENCE_YEAR)
    direct = synthetic._gross_output(synthetic._leontief_factors(A), final.sum(axis=1))
    other = synthetic._leontief_factors(synthetic._economy(structure, 1980)[0])
    np.testing.assert_allclose(synthetic._reference_output(structure, other), direct, rtol=1e-10)
