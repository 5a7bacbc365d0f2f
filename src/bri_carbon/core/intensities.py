"""Carbon intensities of regional or group accounts.

- production intensity = PBA / value added (or gross output)
- consumption intensity = CBA / final demand

The denominators are config keys (``intensity``). Units: kg CO2 per USD, from accounts in
Mt CO2 and million USD.
"""

from __future__ import annotations

import logging

import pandas as pd

from bri_carbon.core.units import KG_PER_USD_PER_MT_PER_MUSD

log = logging.getLogger(__name__)

PRODUCTION_DENOMINATORS = ("value_added", "gross_output")
CONSUMPTION_DENOMINATORS = ("final_demand",)


def with_intensities(
    accounts: pd.DataFrame, production_denominator: str, consumption_denominator: str
) -> pd.DataFrame:
    """Add ``production_intensity_kg_per_usd`` and ``consumption_intensity_kg_per_usd``.

    PBA / (value added or gross output) and CBA / final demand, kg CO2 per USD; NaN where
    the denominator is not positive (negative inventories or value added can make it so),
    with a warning naming the rows.
    """
    if production_denominator not in PRODUCTION_DENOMINATORS:
        raise ValueError(f"production denominator must be one of {PRODUCTION_DENOMINATORS}")
    if consumption_denominator not in CONSUMPTION_DENOMINATORS:
        raise ValueError(f"consumption denominator must be one of {CONSUMPTION_DENOMINATORS}")
    result = accounts.copy()
    production_money = result[f"{production_denominator}_musd"]
    consumption_money = result[f"{consumption_denominator}_musd"]
    for name, money in (
        (production_denominator, production_money),
        (consumption_denominator, consumption_money),
    ):
        not_positive = money.index[~(money > 0)].tolist()
        if not_positive:
            log.warning(
                "%s is zero or negative for %s; their %s intensity is left empty (NaN)",
                name.replace("_", " "),
                not_positive,
                "production" if name == production_denominator else "consumption",
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
    a region emits more per dollar of its output than its final demand embodies per dollar;
    NaN where either intensity is missing or not positive.
    """
    valid = (production > 0) & (consumption > 0)
    return (production / consumption).where(valid).rename("intensity_ratio")
