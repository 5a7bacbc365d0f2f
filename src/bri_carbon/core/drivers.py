"""Structural decomposition analysis (SDA): why embodied CO2 flows changed between two years.

For a year t (n = regions x sectors, r = regions):

- s_t (n,): industry emission intensity f / x, Mt CO2 per million USD (0 where x = 0);
- L_t = (I - A_t)^-1 (n, n): production structure (never formed: LU solves instead);
- level_{d,t} = 1' y_{d,t}: total final demand of destination region d, million USD;
- mix_{d,t} = y_{d,t} / level_{d,t} (n,): the share of each producing region-sector in that
  final demand ("final-demand mix by origin"), so that y_{d,t} = level_{d,t} mix_{d,t}.

The embodied flow from origin region o to destination region d is

    E_t[o, d] = level_{d,t} * sum_{i in o} s_{i,t} (L_t mix_{d,t})_i        (Mt CO2)

a product of four factors. The change E_1 - E_0 is split into four additive effects
(intensity, leontief, mix, level) by the average over all 4! = 24 orderings of the factors
(the Shapley value; for two factors it equals the average of the two polar
decompositions). Effect of factor j:

    effect_j = sum over subsets S of the other factors of
               |S|! (k - |S| - 1)! / k! * [E(S + j at target) - E(S at target)]

where E(T) evaluates the flow with the factors in T at the target year and the others at
the base year. The effects sum exactly to E_1 - E_0 (a telescoping sum per ordering). Every
aggregate of flows (a group's consumption-based emissions, a block of BRI flows) is a sum of
E[o, d], so its effects are the same sums of the region effects.

Money is in the units of the harmonized data (million current USD) unless a price index is
given: with p_t = index_t / index_base, y_t / p_t is final demand at base-year prices and
s_t p_t the intensity per base-year dollar; A (a ratio of money) is unchanged.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bri_carbon.core import leontief
from bri_carbon.core.accounts import AccountInputs, LabelSums
from bri_carbon.core.findings import block_masks
from bri_carbon.runtime.errors import AccountingIdentityError, WorkflowInputError

log = logging.getLogger(__name__)

#: The factors of E[o, d], in the order of the effect columns.
FACTORS = ("intensity", "leontief", "mix", "level")


@dataclass(frozen=True)
class YearFactors:
    """The factors of one year (see the module docstring).

    ``intensity`` (n,) Mt CO2 per million USD; ``level`` (r,) million USD; ``mix`` (n, r)
    shares (columns sum to 1 where level != 0); ``regions`` and ``sectors`` label them.
    """

    intensity: np.ndarray
    level: np.ndarray
    mix: np.ndarray
    regions: tuple[str, ...]
    sectors: tuple[str, ...]


def split_final_demand(
    final_demand: np.ndarray, regions: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Split y_d (n, r) into level_d = 1' y_d (r,) and mix_d = y_d / level_d (n, r).

    A region without final demand (y_d = 0) gets level 0 and mix 0. A region whose final
    demand sums to zero but is not zero cannot be split and raises an error naming it.
    """
    level = final_demand.sum(axis=0)
    scale = np.abs(final_demand).sum(axis=0)
    unsplittable = [
        regions[d] for d in np.flatnonzero((scale > 0) & (np.abs(level) <= 1e-12 * scale))
    ]
    if unsplittable:
        raise WorkflowInputError(
            f"final demand of regions {unsplittable} sums to zero while not being zero; the "
            "level x mix split of the drivers-of-change decomposition is undefined. Choose "
            "other years or check these regions' final demand in the source table."
        )
    mix = np.zeros_like(final_demand)
    np.divide(final_demand, level[None, :], out=mix, where=level[None, :] != 0)
    return level, mix


def year_factors(inputs: AccountInputs, price_ratio: float = 1.0) -> YearFactors:
    """Intensity, final-demand level and mix of one year's system (source resolution).

    ``price_ratio`` p = price index of this year / price index of the base year (1 for
    current prices): level is divided by p and intensity multiplied by p. One pass over Z
    gives the gross output.
    """
    row_sums = np.zeros(len(inputs.emissions))
    for rows, block in inputs.intermediate():
        row_sums[rows] = block.sum(axis=1)
    x = row_sums + inputs.final_demand_by_region.sum(axis=1) + inputs.final_demand_excluded
    intensity = inputs.emissions * leontief.reciprocal_output(x)
    level, mix = split_final_demand(inputs.final_demand_by_region, inputs.regions)
    return YearFactors(
        intensity=intensity * price_ratio,
        level=level / price_ratio,
        mix=mix,
        regions=inputs.regions,
        sectors=inputs.sectors,
    )


def leontief_times(inputs: AccountInputs, rhs: np.ndarray) -> np.ndarray:
    """L rhs = (I - A)^-1 rhs (n, m) for the year's A, by one LU factorization.

    The solve of the accounts (:func:`bri_carbon.core.leontief.leontief_activity`, mixed
    precision with float64 refinement): solvability is judged by the solve, and L itself is
    never formed.
    """
    total = inputs.final_demand_by_region.sum(axis=1) + inputs.final_demand_excluded
    return leontief.leontief_activity(inputs.intermediate, total, rhs, inputs.labels).activity


def flow_matrix(
    intensity: np.ndarray, activity_per_mix: np.ndarray, level: np.ndarray, sectors: int
) -> np.ndarray:
    """E[o, d] = level_d sum_{i in o} s_i (L mix_d)_i, shape (r, r), Mt CO2.

    ``activity_per_mix`` (n, r) is L mix; ``sectors`` the number of sectors per region.
    """
    per_sector = intensity[:, None] * activity_per_mix * level[None, :]
    return per_sector.reshape(-1, sectors, per_sector.shape[1]).sum(axis=1)


def shapley_effects(evaluate: Callable[[tuple[int, ...]], np.ndarray], factors: int) -> np.ndarray:
    """Average over all orderings of the effect of each factor on ``evaluate``.

    ``evaluate(choice)`` returns the quantity (any shape) with factor j at the target year
    where ``choice[j] == 1`` and at the base year where 0. Returns (factors, *shape): the
    effects, which sum to evaluate(1, ..., 1) - evaluate(0, ..., 0). Uses the 2^k
    evaluations once each (the Shapley formula) instead of walking the k! orderings.
    """
    values = {choice: evaluate(choice) for choice in itertools.product((0, 1), repeat=factors)}
    first = next(iter(values.values()))
    effects = np.zeros((factors, *np.shape(first)))
    for j in range(factors):
        for choice, value in values.items():
            if choice[j] == 1:
                continue
            with_j = (*choice[:j], 1, *choice[j + 1 :])
            others = sum(choice)
            weight = (
                math.factorial(others) * math.factorial(factors - others - 1)
            ) / math.factorial(factors)
            effects[j] += weight * (values[with_j] - value)
    return effects


@dataclass(frozen=True)
class RegionDecomposition:
    """Flows of both years and the four effects, all (r, r) origin x destination output
    regions, Mt CO2."""

    base: np.ndarray
    target: np.ndarray
    effects: dict[str, np.ndarray]
    regions: tuple[str, ...]


def decompose_flows(
    base: AccountInputs,
    target: AccountInputs,
    base_price_ratio: float = 1.0,
    target_price_ratio: float = 1.0,
) -> RegionDecomposition:
    """Decompose the change of every region-to-region embodied flow (industry emissions).

    Both datasets must have the same regions and sectors (solved at the source's resolution;
    the flows are then summed to output regions). Four Leontief solves (L_0 and L_1
    times mix_0 and mix_1, each n x r) feed the 16 evaluations of the Shapley formula.
    """
    for labels in ("regions", "sectors", "output_regions"):
        if getattr(base, labels) != getattr(target, labels):
            raise WorkflowInputError(
                f"the two harmonized datasets of the drivers-of-change decomposition have "
                f"different {labels}; both years must come from the same source and region "
                "table."
            )
    years = (
        year_factors(base, base_price_ratio),
        year_factors(target, target_price_ratio),
    )
    mixes = np.hstack([years[0].mix, years[1].mix])
    r = len(years[0].regions)
    activity = {}
    for leontief_year, inputs in enumerate((base, target)):
        solved = leontief_times(inputs, mixes)
        activity[leontief_year, 0] = solved[:, :r]
        activity[leontief_year, 1] = solved[:, r:]
    sectors = len(years[0].sectors)

    def evaluate(choice: tuple[int, ...]) -> np.ndarray:
        intensity_year, leontief_year, mix_year, level_year = choice
        return flow_matrix(
            years[intensity_year].intensity,
            activity[leontief_year, mix_year],
            years[level_year].level,
            sectors,
        )

    sums = LabelSums.of(base.output_regions)
    effects = shapley_effects(evaluate, len(FACTORS))
    return RegionDecomposition(
        base=sums.both(evaluate((0, 0, 0, 0))),
        target=sums.both(evaluate((1, 1, 1, 1))),
        effects={
            factor: sums.both(effect) for factor, effect in zip(FACTORS, effects, strict=True)
        },
        regions=sums.labels,
    )


def quantity_masks(
    regions: pd.DataFrame, order: tuple[str, ...]
) -> dict[tuple[str, str], np.ndarray]:
    """Boolean (r, r) origin x destination masks of the decomposed quantities.

    ``regions``: the grouping table indexed by region code with ``bri`` and ``group``;
    ``order``: the region codes of the flow matrices. Keys are (kind, name): kind
    ``consumption`` (all flows into the group's regions: the industry part of its CBA), in
    the order of the grouping file, and ``block`` (the five blocks of
    :data:`bri_carbon.core.findings.BLOCKS`).
    """
    table = regions.loc[list(order)]
    bri = table["bri"].to_numpy(dtype=bool)
    same = np.eye(len(order), dtype=bool)
    masks: dict[tuple[str, str], np.ndarray] = {}
    present = set(table["group"])
    for group in (g for g in dict.fromkeys(regions["group"]) if g in present):
        destination = (table["group"] == group).to_numpy()
        masks["consumption", group] = np.broadcast_to(destination[None, :], same.shape).copy()
    for block, mask in block_masks(bri[:, None], bri[None, :], same).items():
        masks["block", block] = mask
    return masks


def effects_table(
    decomposition: RegionDecomposition, regions: pd.DataFrame, rtol: float = 1e-9
) -> pd.DataFrame:
    """The decomposition summed to the quantities of :func:`quantity_masks`, checked.

    Columns: ``kind``, ``quantity``, ``base_mt``, ``target_mt``, ``change_mt`` and one
    ``{factor}_effect_mt`` per factor (Mt CO2). Raises :class:`AccountingIdentityError`
    when the effects of any quantity differ from its change by more than ``rtol`` relative
    (to the largest of |base|, |target|, |change|).
    """
    rows = []
    for (kind, name), mask in quantity_masks(regions, decomposition.regions).items():
        base = float(decomposition.base[mask].sum())
        target = float(decomposition.target[mask].sum())
        row = {
            "kind": kind,
            "quantity": name,
            "base_mt": base,
            "target_mt": target,
            "change_mt": target - base,
        }
        for factor in FACTORS:
            row[f"{factor}_effect_mt"] = float(decomposition.effects[factor][mask].sum())
        rows.append(row)
    table = pd.DataFrame(rows)
    check_additivity(table, rtol)
    return table


def check_additivity(table: pd.DataFrame, rtol: float) -> float:
    """Assert that the effects of every row sum to its change; return the largest gap.

    The gap is |sum of effects - change| / max(|base|, |target|, |change|, tiny).
    """
    effect_sum = table[[f"{factor}_effect_mt" for factor in FACTORS]].sum(axis=1)
    scale = np.maximum.reduce(
        [table["base_mt"].abs(), table["target_mt"].abs(), table["change_mt"].abs()]
    )
    gaps = np.abs(effect_sum - table["change_mt"]).to_numpy() / np.maximum(scale, 1e-300)
    worst = float(gaps.max()) if gaps.size else 0.0
    if not worst <= rtol:
        bad = table.loc[gaps > rtol, "quantity"].tolist()
        raise AccountingIdentityError(
            f"the decomposition effects do not sum to the observed change within {rtol:g} "
            f"(largest relative gap {worst:.3g}) for {bad}; the decomposition is inconsistent."
        )
    log.info("decomposition effects sum to the change; largest relative gap %.3g", worst)
    return worst


def price_ratios(
    price_index: pd.Series | None, base_year: int, target_year: int
) -> tuple[float, float]:
    """(1, index_target / index_base) from a price index by year, or (1, 1) without one."""
    if price_index is None:
        return 1.0, 1.0
    missing = [year for year in (base_year, target_year) if year not in price_index.index]
    if missing:
        raise WorkflowInputError(
            f"the deflator table has no price index for years {missing}; add rows year,index."
        )
    base, target = float(price_index[base_year]), float(price_index[target_year])
    if base <= 0 or target <= 0:
        raise WorkflowInputError("deflator price indices must be positive.")
    return 1.0, target / base
