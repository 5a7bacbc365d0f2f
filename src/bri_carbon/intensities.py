"""Carbon intensities of regional or group accounts.

- production intensity = PBA / value added (or gross output)
- consumption intensity = CBA / final demand

The denominators are config keys (``intensity``). Units: kg CO2 per USD, from accounts in
Mt CO2 and million USD.
"""

from __future__ import annotations

import pandas as pd

from bri_carbon.units import KG_PER_USD_PER_MT_PER_MUSD

PRODUCTION_DENOMINATORS = ("value_added", "gross_output")
CONSUMPTION_DENOMINATORS = ("final_demand",)


def with_intensities(
    accounts: pd.DataFrame, production_denominator: str, consumption_denominator: str
) -> pd.DataFrame:
    """Add ``production_intensity_kg_per_usd`` and ``consumption_intensity_kg_per_usd``.

    PBA / (value added or gross output) and CBA / final demand, kg CO2 per USD; NaN where
    the denominator is not positive.
    """
    if production_denominator not in PRODUCTION_DENOMINATORS:
        raise ValueError(f"production denominator must be one of {PRODUCTION_DENOMINATORS}")
    if consumption_denominator not in CONSUMPTION_DENOMINATORS:
        raise ValueError(f"consumption denominator must be one of {CONSUMPTION_DENOMINATORS}")
    result = accounts.copy()
    production_money = result[f"{production_denominator}_musd"]
    consumption_money = result[f"{consumption_denominator}_musd"]
    result["production_intensity_kg_per_usd"] = (
        result["production_mt"] / production_money.where(production_money > 0)
    ) * KG_PER_USD_PER_MT_PER_MUSD
    result["consumption_intensity_kg_per_usd"] = (
        result["consumption_mt"] / consumption_money.where(consumption_money > 0)
    ) * KG_PER_USD_PER_MT_PER_MUSD
    return result
