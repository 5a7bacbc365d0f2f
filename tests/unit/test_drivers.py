"""Structural decomposition: exact additivity, known single-factor changes, the Shapley weights."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from bri_carbon.core import drivers, findings
from bri_carbon.harmonize import harmonized
from bri_carbon.runtime.errors import AccountingIdentityError, WorkflowInputError
from bri_carbon.sources.parsed import ParsedSystem

from ..support.systems import identity_regions, random_system, regional_accounts_of, written_inputs

REGIONS = ["CHN", "IND", "USA", "DEU"]
SECTORS = ["Agriculture", "Industry", "Services"]


def _dataset(seed: int, year: int = 2015):
    system = random_system(REGIONS, SECTORS, seed=seed)
    return harmonized.harmonize(
        ParsedSystem(system, ("CO2 / Total",)),
        source="synthetic",
        year=year,
        regions=identity_regions(REGIONS),
        common_sectors=tuple(SECTORS),
        synthetic=True,
    )


def _decompose(base, target, *ratios):
    """:func:`drivers.decompose_flows` of two datasets, through their netCDF files."""
    with written_inputs(base) as base_inputs, written_inputs(target) as target_inputs:
        return drivers.decompose_flows(base_inputs, target_inputs, *ratios)


def _grouping() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": REGIONS,
            "bri": [True, True, False, False],
            "group": ["East Asia", "South Asia", "United States", "Europe outside BRI"],
        },
        index=pd.Index(REGIONS, name="iso3"),
    )


def test_shapley_weights_equal_the_average_over_all_orderings():
    rng = np.random.default_rng(3)
    base, target = rng.uniform(0.5, 2, (4, 3)), rng.uniform(0.5, 2, (4, 3))

    def evaluate(choice):
        values = [target[j] if c else base[j] for j, c in enumerate(choice)]
        return values[0] * values[1] ** 2 * np.sqrt(values[2]) + values[3] * values[0]

    expected = np.zeros((4, 3))
    orderings = list(itertools.permutations(range(4)))
    for ordering in orderings:
        choice = [0, 0, 0, 0]
        for factor in ordering:
            before = evaluate(tuple(choice))
            choice[factor] = 1
            expected[factor] += evaluate(tuple(choice)) - before
    expected /= len(orderings)
    effects = drivers.shapley_effects(evaluate, 4)
    np.testing.assert_allclose(effects, expected, rtol=1e-12)
    np.testing.assert_allclose(
        effects.sum(axis=0), evaluate((1, 1, 1, 1)) - evaluate((0, 0, 0, 0)), rtol=1e-12
    )


def test_two_factors_give_the_average_of_the_polar_decompositions():
    a0, a1, b0, b1 = 2.0, 3.0, 5.0, 4.0
    effects = drivers.shapley_effects(
        lambda c: np.array((a1 if c[0] else a0) * (b1 if c[1] else b0)), 2
    )
    polar_a = ((a1 - a0) * b0 + (a1 - a0) * b1) / 2
    polar_b = (a0 * (b1 - b0) + a1 * (b1 - b0)) / 2
    np.testing.assert_allclose(effects, [polar_a, polar_b], rtol=1e-14)


def test_end_points_are_the_embodied_flows_and_effects_sum_exactly():
    base, target = _dataset(1), _dataset(2, year=2016)
    result = _decompose(base, target)
    for dataset, flows in ((base, result.base), (target, result.target)):
        expected = regional_accounts_of(dataset).flows
        np.testing.assert_allclose(flows, expected, rtol=1e-10)
    total = sum(result.effects.values())
    np.testing.assert_allclose(total, result.target - result.base, rtol=1e-9, atol=1e-12)
    table = drivers.effects_table(result, _grouping())
    effect_columns = [f"{factor}_effect_mt" for factor in drivers.FACTORS]
    gap = (table[effect_columns].sum(axis=1) - table["change_mt"]).abs()
    assert (gap <= 1e-9 * table[["base_mt", "target_mt"]].abs().max(axis=1)).all()
    blocks = table[table["kind"] == "block"]
    assert list(blocks["quantity"]) == list(findings.BLOCKS)
    assert blocks["target_mt"].sum() == pytest.approx(result.target.sum(), rel=1e-12)
    consumption = table[table["kind"] == "consumption"].set_index("quantity")
    np.testing.assert_allclose(
        consumption.loc["United States", "target_mt"],
        result.target[:, result.regions.index("USA")].sum(),
        rtol=1e-12,
    )
    # Every factor differs between the two random worlds.
    assert (table[effect_columns].abs() > 0).all().all()


def test_a_change_in_intensity_only_is_all_intensity_effect():
    base = _dataset(1)
    target = base.copy(deep=True)
    target["F"] = base["F"] * 1.3
    result = _decompose(base, target)
    np.testing.assert_allclose(result.effects["intensity"], result.target - result.base, rtol=1e-12)
    for factor in ("leontief", "mix", "level"):
        np.testing.assert_allclose(result.effects[factor], 0.0, atol=1e-12)


def test_scaled_final_demand_is_all_level_effect():
    base = _dataset(1)
    target = base.copy(deep=True)
    # Scaling Z and Y alike keeps A, s and the mix; only the demand level doubles.
    target["Z"] = base["Z"] * 2.0
    target["Y"] = base["Y"] * 2.0
    target["F"] = base["F"] * 2.0
    result = _decompose(base, target)
    np.testing.assert_allclose(result.target, 2 * result.base, rtol=1e-12)
    np.testing.assert_allclose(result.effects["level"], result.base, rtol=1e-10)
    for factor in ("intensity", "leontief", "mix"):
        np.testing.assert_allclose(result.effects[factor], 0.0, atol=1e-10)


def test_deflating_pure_inflation_leaves_no_effect():
    base = _dataset(1)
    target = base.copy(deep=True)
    # Every price 25% higher, same physical economy and emissions.
    target["Z"] = base["Z"] * 1.25
    target["Y"] = base["Y"] * 1.25
    current = _decompose(base, target)
    np.testing.assert_allclose(current.target, current.base, rtol=1e-12)
    assert (current.effects["level"] > 0).all() and (current.effects["intensity"] < 0).all()
    ratios = drivers.price_ratios(pd.Series({2015: 100.0, 2016: 125.0}), 2015, 2016)
    assert ratios == (1.0, 1.25)
    constant = _decompose(base, target, *ratios)
    for factor in drivers.FACTORS:
        np.testing.assert_allclose(constant.effects[factor], 0.0, atol=1e-12)
    with pytest.raises(WorkflowInputError, match="2017"):
        drivers.price_ratios(pd.Series({2015: 100.0}), 2015, 2017)


def test_broken_additivity_is_an_error():
    table = pd.DataFrame(
        {
            "kind": ["block"],
            "quantity": ["BRI domestic"],
            "base_mt": [10.0],
            "target_mt": [12.0],
            "change_mt": [2.0],
            "intensity_effect_mt": [1.0],
            "leontief_effect_mt": [0.5],
            "mix_effect_mt": [0.2],
            "level_effect_mt": [0.2],
        }
    )
    with pytest.raises(AccountingIdentityError, match="BRI domestic"):
        drivers.check_additivity(table, 1e-9)
    table.loc[0, "level_effect_mt"] = 0.3
    assert drivers.check_additivity(table, 1e-9) <= 1e-15


def test_final_demand_summing_to_zero_cannot_be_split():
    demand = np.array([[1.0, 2.0, 0.0], [-1.0, 1.0, 0.0]])
    with pytest.raises(WorkflowInputError, match="'A'"):
        drivers.split_final_demand(demand, ("A", "B", "C"))
    level, mix = drivers.split_final_demand(demand[:, 1:], ("B", "C"))
    np.testing.assert_allclose(level, [3.0, 0.0])
    np.testing.assert_allclose(mix[:, 0], [2 / 3, 1 / 3])
    np.testing.assert_allclose(mix[:, 1], 0.0)


def test_different_regions_are_rejected():
    base = _dataset(1)
    target = base.isel(region=slice(0, 3), purchaser_region=slice(0, 3))
    with pytest.raises(WorkflowInputError, match="different regions"):
        _decompose(base, target)
