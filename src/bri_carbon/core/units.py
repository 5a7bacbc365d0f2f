"""Unit conversions, in one place.

Outputs use Mt CO2, million current USD and kg CO2 per USD. Source tables arrive in
other units (Eora26: Gg CO2 and thousand USD; EXIOBASE 3: kg CO2 and million EUR; GLORIA:
kilotonnes and thousand USD).
"""

from typing import Final

from bri_carbon.runtime.errors import WorkflowInputError

#: Factor that turns a quantity in the given emission unit into Mt CO2.
EMISSION_TO_MT: Final[dict[str, float]] = {
    "Mt": 1.0,
    "Gg": 1e-3,
    "kt": 1e-3,
    # GLORIA's emission rows (ReadMe sheet "Satellites", column Sat_unit).
    "kilotonnes": 1e-3,
    "t": 1e-6,
    "kg": 1e-9,
}

#: Factor that turns a money amount in the given unit into million units of the same currency.
MONEY_TO_MILLION: Final[dict[str, float]] = {
    "M.EUR": 1.0,
    "M.USD": 1.0,
    "000 USD": 1e-3,
    "USD": 1e-6,
}

#: kg CO2 per USD for one Mt CO2 per million USD (1e9 kg / 1e6 USD).
KG_PER_USD_PER_MT_PER_MUSD: Final[float] = 1e3


def emission_factor_to_mt(unit: str) -> float:
    """Factor from ``unit`` (as written in the source's unit table) to Mt CO2."""
    try:
        return EMISSION_TO_MT[unit.strip()]
    except KeyError as err:
        raise WorkflowInputError(
            f"unknown emission unit {unit!r}; known units: {sorted(EMISSION_TO_MT)}. "
            "Check the stressor rows selected in config key 'stressors'."
        ) from err


def money_factor_to_million(unit: str) -> float:
    """Factor from ``unit`` (e.g. ``000 USD``) to million of the same currency."""
    try:
        return MONEY_TO_MILLION[unit.strip()]
    except KeyError as err:
        raise WorkflowInputError(
            f"unknown money unit {unit!r}; known units: {sorted(MONEY_TO_MILLION)}"
        ) from err


def intensity_kg_per_usd(emissions_mt: float, money_musd: float) -> float:
    """Carbon intensity in kg CO2 per USD from Mt CO2 and million USD (NaN if money <= 0)."""
    if money_musd <= 0:
        return float("nan")
    return emissions_mt / money_musd * KG_PER_USD_PER_MT_PER_MUSD
