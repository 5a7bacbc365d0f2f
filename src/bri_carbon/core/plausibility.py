"""Plausibility of a table's magnitudes: warnings for values outside physical ranges.

A table read with a wrong unit or scale (thousand for million USD, t for kt, one country's
rows multiplied by 1000) still solves and closes every identity; only its magnitudes give it
away. :func:`plausibility_warnings` compares them with broad physical ranges and returns one
warning per check that fails, naming the values and the likely cause. A table is never
refused for them: they go to ``diagnostics.json``, the rule's log, the terminal and the
report's banner.

The ranges are wide enough that real Eora26, EXIOBASE 3 and GLORIA years stay silent (and so
does the synthetic default), and narrow enough that a factor of 1000 shows:

- world fossil CO2 (production-based, households included) within
  :data:`WORLD_CO2_MT` for the years :data:`WORLD_CO2_YEARS` (about 21,000 Mt in 1990 and
  36,000 Mt in 2019 in the common inventories);
- the world's production-based intensity within :data:`WORLD_INTENSITY_KG_PER_USD` (about
  0.4-0.9 kg CO2 per USD of world GDP over 1990-2020, in current USD);
- each region's production-based intensity and emissions per unit of gross output within a
  factor :data:`MEDIAN_FACTOR` of the median over the regions (regions with zero or negative
  emissions or money, such as dissolved countries, are left out of both the median and the
  check: their ratios mean nothing).

Units: Mt CO2, million USD, kg CO2 per USD.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from bri_carbon.core.units import KG_PER_USD_PER_MT_PER_MUSD

log = logging.getLogger(__name__)

#: World fossil CO2 (Mt) outside this range draws a warning, for the years below.
WORLD_CO2_MT = (15_000.0, 45_000.0)
#: Years (both included) for which :data:`WORLD_CO2_MT` holds.
WORLD_CO2_YEARS = (1990, 2028)
#: World production-based intensity (kg CO2 per USD) outside this range draws a warning.
WORLD_INTENSITY_KG_PER_USD = (0.1, 2.0)
#: A region further than this factor from the median over regions draws a warning.
MEDIAN_FACTOR = 100.0
#: Regions named in a message (every one is in the warning's ``values``).
NAMED_REGIONS = 10

SCALE_CAUSE = (
    "a unit or scale error: money read in thousand instead of million USD (or the other way), "
    "emissions in t or Gg mistaken for kt or Mt, or a wrong exchange rate"
)
REGION_CAUSE = (
    "a unit or scale error in these regions' rows (a factor of 1000 in their money or their "
    "emissions), or a region whose table is filled with placeholders"
)


def _warning(check: str, message: str, cause: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "check": check,
        "message": f"{message}; likely cause: {cause}.",
        "likely_cause": cause,
        "values": values,
    }


def _outliers(
    regions: Sequence[str], numerator: np.ndarray, denominator: np.ndarray, factor: float
) -> tuple[float, dict[str, float]]:
    """(median, {region: value}) of numerator / denominator where both are positive and
    finite, for the values more than ``factor`` from that median (either side)."""
    valid = (numerator > 0) & (denominator > 0) & np.isfinite(numerator) & np.isfinite(denominator)
    if not valid.any():
        return float("nan"), {}
    values = np.full(len(regions), np.nan)
    values[valid] = numerator[valid] / denominator[valid]
    median = float(np.median(values[valid]))
    far = valid & ((values > median * factor) | (values < median / factor))
    order = np.argsort(-np.abs(np.log(np.where(far, values, median) / median)), kind="stable")
    return median, {regions[i]: float(values[i]) for i in order if far[i]}


def plausibility_warnings(
    regions: Sequence[str],
    production_mt: np.ndarray,
    primary_inputs_musd: np.ndarray,
    gross_output_musd: np.ndarray,
    year: int,
) -> list[dict[str, Any]]:
    """The checks of the module docstring on one table's region accounts.

    ``regions`` (r,): region codes; ``production_mt`` (r,): production-based CO2 (industry
    plus household direct), Mt; ``primary_inputs_musd`` (r,): the production denominator,
    million USD; ``gross_output_musd`` (r,): million USD; ``year``: the table's year. Returns
    one dict per failed check (``check``, ``message``, ``likely_cause``, ``values``), empty
    when every magnitude is plausible; each is also logged as a warning.
    """
    production = np.asarray(production_mt, dtype=float)
    primary = np.asarray(primary_inputs_musd, dtype=float)
    output = np.asarray(gross_output_musd, dtype=float)
    found: list[dict[str, Any]] = []
    world_co2 = float(production.sum())
    low, high = WORLD_CO2_MT
    if WORLD_CO2_YEARS[0] <= year <= WORLD_CO2_YEARS[1] and not low <= world_co2 <= high:
        found.append(
            _warning(
                "world_co2",
                f"world fossil CO2 of {year} is {world_co2:,.0f} Mt (production-based, households "
                f"included), outside {low:,.0f}-{high:,.0f} Mt",
                SCALE_CAUSE,
                {"world_co2_mt": world_co2, "range_mt": [low, high]},
            )
        )
    world_money = float(primary.sum())
    intensity = (
        world_co2 / world_money * KG_PER_USD_PER_MT_PER_MUSD if world_money > 0 else float("nan")
    )
    low, high = WORLD_INTENSITY_KG_PER_USD
    if not low <= intensity <= high:
        found.append(
            _warning(
                "world_intensity",
                f"the world's production-based intensity is {intensity:.4g} kg CO2 per USD "
                f"({world_co2:,.0f} Mt / {world_money:,.0f} million USD of primary inputs), "
                f"outside {low:g}-{high:g}",
                SCALE_CAUSE,
                {
                    "intensity_kg_per_usd": intensity,
                    "world_co2_mt": world_co2,
                    "primary_inputs_musd": world_money,
                    "range_kg_per_usd": [low, high],
                },
            )
        )
    names = list(regions)
    for check, denominator, what in (
        ("region_intensity", primary, "production-based intensity (CO2 per USD of primary inputs)"),
        ("region_emissions_per_output", output, "emissions per unit of gross output"),
    ):
        median, far = _outliers(names, production, denominator, MEDIAN_FACTOR)
        if not far:
            continue
        unit = KG_PER_USD_PER_MT_PER_MUSD
        shown = [f"{code} {value * unit:.4g}" for code, value in list(far.items())[:NAMED_REGIONS]]
        found.append(
            _warning(
                check,
                f"{len(far)} regions have a {what} more than {MEDIAN_FACTOR:g}x from the median "
                f"over regions ({median * unit:.4g} kg CO2 per USD): {', '.join(shown)}",
                REGION_CAUSE,
                {
                    "median_kg_per_usd": median * unit,
                    "factor": MEDIAN_FACTOR,
                    "regions_kg_per_usd": {code: value * unit for code, value in far.items()},
                },
            )
        )
    for warning in found:
        log.warning("implausible magnitudes: %s", warning["message"])
    return found


def run_warnings(diagnostics: dict[str, Any]) -> list[str]:
    """The warnings of a ``diagnostics.json`` that a reader must see (the terminal and the
    report's banner show them): implausible magnitudes (``plausibility_warnings``) and a
    world intensity ratio that is not 1 (``world_intensity``, also of the variants)."""
    found = [item["message"] for item in diagnostics.get("plausibility_warnings", [])]
    checks = [diagnostics.get("world_intensity") or {}]
    checks += [
        {**(variant.get("world_intensity") or {}), "variant": name}
        for name, variant in sorted((diagnostics.get("variants") or {}).items())
    ]
    for check in checks:
        if check.get("warning"):
            where = f" (variant {check['variant']})" if "variant" in check else ""
            found.append(f"intensity basis{where}: {check['warning']}")
    return found


def negative_co2_note(negative: dict[str, Any], where: str) -> str | None:
    """One sentence on the negative CO2 cells of :func:`negative_co2` (None if there are
    none), naming ``where`` they are (a results folder)."""
    if not negative.get("cells"):
        return None
    shown = ", ".join(f"{c['cell']} ({c['co2_mt']:.4g})" for c in negative["largest"][:3])
    return (
        f"{where}: {negative['cells']} negative CO2 cell(s) in the data, {negative['sum_mt']:.4g}"
        f" Mt CO2 in total (most negative: {shown}); computed as given, see diagnostics.json "
        "(negative_co2)."
    )
