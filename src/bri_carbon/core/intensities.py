"""Carbon intensities of regional or group accounts, on one basis for both.

- production intensity = PBA / primary inputs
- consumption intensity = CBA / final demand

Primary inputs of a sector j are x_j - sum_i Z_ij: gross output minus intermediate inputs
of the balanced system the accounts solve (x = Z 1 + Y 1). They are every payment that is
not an intermediate input: value added, net taxes on products and, for Eora26, the purchases
from the ROW discrepancy entry that the reader drops. Summed over the world they equal world
final demand of every category identically (sum_j x_j - sum Z = sum Y), just as world PBA
equals world CBA, so the world's two intensities are equal and every region's and group's
ratio of the two is measured against 1. :data:`DENOMINATOR_PAIRS` lists the pairs with that
property (config key ``intensity.denominators``); the reported value-added rows are kept in
the accounts (``value_added_musd``) but are no denominator: EXIOBASE 3's leave out the taxes
on products, which final demand includes (the world ratio would be about 1.14).

Units: kg CO2 per USD, from accounts in Mt CO2 and million USD.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from bri_carbon.core.units import KG_PER_USD_PER_MT_PER_MUSD

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

#: Denominator pairs (production, consumption) by the name of config key
#: ``intensity.denominators``; the world totals of each pair agree identically.
DENOMINATOR_PAIRS: dict[str, tuple[str, str]] = {
    "primary_inputs": ("primary_inputs", "final_demand"),
}
#: What the value-added rows that each source's reader keeps leave out of the primary inputs
#: of the balanced table (the "rows behind the gap" of :func:`value_added_reconciliation`).
VALUE_ADDED_OMISSIONS: dict[str, str] = {
    "exiobase3": (
        'the factor-input row "Taxes less subsidies on products purchased: Total", which the '
        "reader leaves out of value added (bri_carbon.sources.exiobase3), and any imbalance "
        "of the table"
    ),
    "eora26": (
        "the purchases from Eora's ROW statistical-discrepancy entry less the sales to it "
        "(both dropped from Z by the reader) and any imbalance of the table"
    ),
}
VALUE_ADDED_OMISSIONS["synthetic"] = VALUE_ADDED_OMISSIONS["eora26"]


def denominators(pair: str) -> tuple[str, str]:
    """(production, consumption) denominator of the pair ``pair`` (:data:`DENOMINATOR_PAIRS`)."""
    if pair not in DENOMINATOR_PAIRS:
        raise ValueError(f"denominator pair must be one of {list(DENOMINATOR_PAIRS)}, not {pair!r}")
    return DENOMINATOR_PAIRS[pair]


def with_intensities(accounts: pd.DataFrame, pair: str = "primary_inputs") -> pd.DataFrame:
    """Add ``production_intensity_kg_per_usd`` and ``consumption_intensity_kg_per_usd``.

    PBA / production denominator and CBA / consumption denominator of ``pair``, kg CO2 per
    USD; NaN where the denominator is not positive (negative inventories or value added can
    make it so), with a warning naming the rows.
    """
    production_denominator, consumption_denominator = denominators(pair)
    result = accounts.copy()
    production_money = result[f"{production_denominator}_musd"]
    consumption_money = result[f"{consumption_denominator}_musd"]
    for name, money, kind in (
        (production_denominator, production_money, "production"),
        (consumption_denominator, consumption_money, "consumption"),
    ):
        not_positive = money.index[~(money > 0)].tolist()
        if not_positive:
            log.warning(
                "%s is zero or negative for %s; their %s intensity is left empty (NaN)",
                name.replace("_", " "),
                not_positive,
                kind,
            )
    result["production_intensity_kg_per_usd"] = (
        result["production_mt"] / production_money.where(production_money > 0)
    ) * KG_PER_USD_PER_MT_PER_MUSD
    result["consumption_intensity_kg_per_usd"] = (
        result["consumption_mt"] / consumption_money.where(consumption_money > 0)
    ) * KG_PER_USD_PER_MT_PER_MUSD
    return result


def intensity_ratio(production: pd.Series, consumption: pd.Series) -> pd.Series:
    """Production-based over consumption-based intensity, per row (dimensionless).

    ``production``, ``consumption``: intensities in kg CO2 per USD on one index. Above 1,
    a region emits more per dollar of its primary inputs than its final demand embodies per
    dollar; NaN where either intensity is missing or not positive.
    """
    valid = (production > 0) & (consumption > 0)
    return (production / consumption).where(valid).rename("intensity_ratio")


def world_intensity_check(
    values: Mapping[str, np.ndarray],
    excluded: Mapping[str, Any],
    rtol: float,
    pair: str = "primary_inputs",
) -> dict[str, Any]:
    """The world's production- over consumption-based intensity, which must be 1.

    ``values``: region accounts (``production_mt``, ``consumption_mt``, and the ``*_musd``
    denominators of ``pair``); ``excluded``: ``categories`` left out of final demand (config
    key ``final_demand.exclude``) with the ``final_demand_musd`` and ``industry_co2_mt``
    that they hold. Returns the world totals, both intensities (kg CO2 per USD), the
    ``ratio`` and, when it differs from 1 by more than ``rtol``, a ``warning`` naming what
    lies behind the gap (the excluded categories: primary inputs still pay for their final
    demand), which is also logged.
    """
    production_denominator, consumption_denominator = denominators(pair)
    pba = float(np.sum(values["production_mt"]))
    cba = float(np.sum(values["consumption_mt"]))
    money_p = float(np.sum(values[f"{production_denominator}_musd"]))
    money_c = float(np.sum(values[f"{consumption_denominator}_musd"]))
    intensity_p = pba / money_p * KG_PER_USD_PER_MT_PER_MUSD if money_p > 0 else float("nan")
    intensity_c = cba / money_c * KG_PER_USD_PER_MT_PER_MUSD if money_c > 0 else float("nan")
    ratio = intensity_p / intensity_c if intensity_c > 0 else float("nan")
    result: dict[str, Any] = {
        "denominators": [production_denominator, consumption_denominator],
        "production_mt": pba,
        "consumption_mt": cba,
        f"{production_denominator}_musd": money_p,
        f"{consumption_denominator}_musd": money_c,
        "production_intensity_kg_per_usd": intensity_p,
        "consumption_intensity_kg_per_usd": intensity_c,
        "ratio": ratio,
        "tolerance": rtol,
    }
    if abs(ratio - 1.0) <= rtol:
        return result
    categories = list(excluded.get("categories") or [])
    if categories:
        behind = (
            f"final-demand categories {categories} are left out of consumption (config key "
            f"final_demand.exclude): {float(excluded.get('final_demand_musd', 0.0)):.6g} million "
            "USD of final demand that the primary inputs still pay for, and "
            f"{float(excluded.get('industry_co2_mt', 0.0)):.6g} Mt CO2 that it drives"
        )
    else:
        behind = (
            "no final-demand category is left out, so the table itself does not balance "
            "(see identity_gaps)"
        )
    result["warning"] = (
        f"the world's production-based intensity ({intensity_p:.6g} kg CO2 per USD: "
        f"{pba:.6g} Mt / {money_p:.6g} million USD of {production_denominator.replace('_', ' ')}) "
        f"differs from its consumption-based intensity ({intensity_c:.6g}: {cba:.6g} Mt / "
        f"{money_c:.6g} million USD of {consumption_denominator.replace('_', ' ')}); ratio "
        f"{ratio:.12g}, not 1 within {rtol:g}. Behind the gap: {behind}."
    )
    log.warning("%s", result["warning"])
    return result


class _Discrepancy(Protocol):
    inputs: np.ndarray
    sales: np.ndarray


def value_added_reconciliation(
    values: Mapping[str, np.ndarray], discrepancy: _Discrepancy | None, source: str
) -> dict[str, Any]:
    """The value-added rows as reported against the primary inputs of the balanced table.

    World totals in million USD: ``value_added_musd`` (the rows the reader keeps),
    ``primary_inputs_musd`` (x - 1'Z) and their ``gap_musd`` and ``gap_pct`` (of primary
    inputs); ``left_out``: the rows behind the gap (:data:`VALUE_ADDED_OMISSIONS`); for
    sources with a discrepancy entry, its ``purchases_from_discrepancy_musd`` and
    ``sales_to_discrepancy_musd`` and the ``remainder_musd`` of the gap beyond them.
    Information only: the intensities divide by the primary inputs.
    """
    value_added = float(np.sum(values["value_added_musd"]))
    primary = float(np.sum(values["primary_inputs_musd"]))
    gap = primary - value_added
    result: dict[str, Any] = {
        "value_added_musd": value_added,
        "primary_inputs_musd": primary,
        "gap_musd": gap,
        "gap_pct": 100.0 * gap / primary if primary else float("nan"),
        "left_out": VALUE_ADDED_OMISSIONS.get(
            source, "primary inputs that the value-added rows of this source do not hold"
        ),
    }
    if discrepancy is not None:
        purchases = float(np.sum(discrepancy.inputs))
        sales = float(np.sum(discrepancy.sales))
        result["purchases_from_discrepancy_musd"] = purchases
        result["sales_to_discrepancy_musd"] = sales
        result["remainder_musd"] = gap - purchases + sales
    return result
