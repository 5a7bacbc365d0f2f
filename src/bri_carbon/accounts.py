"""Production- and consumption-based CO2 accounts per region, with their identities.

- PBA_o = sum_d E[o, d] + F_Y_o (emissions in region o plus its households' direct ones)
- CBA_d = sum_o E[o, d] + F_Y_d (emissions anywhere driven by region d's final demand)
- net embodied export NEE_r = PBA_r - CBA_r
- production intensity = PBA / value added, consumption intensity = CBA / final demand
  (the denominators are config keys, see ``intensity_denominators``)

Units: Mt CO2, million current USD, kg CO2 per USD.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from bri_carbon import embodied, harmonized
from bri_carbon.errors import AccountingIdentityError
from bri_carbon.units import KG_PER_USD_PER_MT_PER_MUSD

log = logging.getLogger(__name__)

ACCOUNT_COLUMNS = (
    "production_mt",
    "consumption_mt",
    "household_direct_mt",
    "net_export_mt",
    "value_added_musd",
    "final_demand_musd",
    "gross_output_musd",
)

PRODUCTION_DENOMINATORS = ("value_added", "gross_output")
CONSUMPTION_DENOMINATORS = ("final_demand",)


@dataclass(frozen=True)
class RegionalAccounts:
    """Accounts (one row per region, :data:`ACCOUNT_COLUMNS`), flows (origin x destination
    region, Mt CO2) and diagnostics (JSON-ready)."""

    accounts: pd.DataFrame
    flows: pd.DataFrame
    diagnostics: dict[str, Any] = field(default_factory=dict)


def relative_difference(a: float | np.ndarray, b: float | np.ndarray) -> float:
    """max |a - b| / max(|b|, tiny): the relative gap used by every identity check."""
    a_arr, b_arr = np.asarray(a, float), np.asarray(b, float)
    scale = max(float(np.max(np.abs(b_arr))) if b_arr.size else 0.0, 1e-300)
    return float(np.max(np.abs(a_arr - b_arr))) / scale if a_arr.size else 0.0


def check_identities(result: RegionalAccounts, rtol: float) -> dict[str, float]:
    """Assert global PBA = CBA and flow-matrix sums = accounts, to ``rtol`` relative.

    Returns the relative gaps; raises :class:`AccountingIdentityError` naming the
    identity that fails.
    """
    acc, flows = result.accounts, result.flows
    industry_production = acc["production_mt"] - acc["household_direct_mt"]
    industry_consumption = acc["consumption_mt"] - acc["household_direct_mt"]
    gaps = {
        "global_production_vs_consumption": relative_difference(
            acc["production_mt"].sum(), acc["consumption_mt"].sum()
        ),
        "flow_row_sums_vs_production": relative_difference(
            flows.sum(axis=1).reindex(acc.index).to_numpy(), industry_production.to_numpy()
        ),
        "flow_column_sums_vs_consumption": relative_difference(
            flows.sum(axis=0).reindex(acc.index).to_numpy(), industry_consumption.to_numpy()
        ),
    }
    failed = {name: gap for name, gap in gaps.items() if not gap <= rtol}
    if failed:
        raise AccountingIdentityError(
            f"accounting identities fail beyond relative tolerance {rtol:g}: {failed}. "
            "The computation is inconsistent; check the diagnostics and the input tables."
        )
    return gaps


def take_intermediate_flows(dataset: xr.Dataset) -> np.ndarray:
    """Remove ``Z`` from ``dataset`` and return it as a writable (n, n) float64 array.

    Million USD, n = regions x sectors, region-major order. The array becomes the workspace
    of the Leontief solve, so a run holds a single n x n array: it is copied only if it is
    not already writable float64. ``dataset`` no longer has ``Z`` afterwards.
    """
    Z = np.require(harmonized.node_matrix(dataset), dtype=np.float64, requirements=["W"])
    del dataset["Z"]
    return Z


def regional_accounts(dataset: xr.Dataset, rtol: float = 1e-9) -> RegionalAccounts:
    """Compute accounts and flows of a harmonized dataset and check their identities.

    Production-based emissions are the direct emissions of the data (F by region plus F_Y);
    the flow matrix must split them exactly, which is checked to ``rtol``.

    Memory: the dataset's ``Z`` is consumed as the workspace of the LU factorization (see
    :func:`take_intermediate_flows`); afterwards ``dataset`` lacks ``Z``. Pass
    ``dataset.copy(deep=True)`` to keep it. Peak memory is one n x n float64 array plus the
    n x (regions x categories) final demand.
    """
    regions = [str(r) for r in dataset["region"].to_numpy()]
    sectors = [str(s) for s in dataset["sector"].to_numpy()]
    labels = [f"{r} / {s}" for r in regions for s in sectors]
    r, s = len(regions), len(sectors)

    y_by_region = harmonized.final_demand_by_region(dataset)
    Z = take_intermediate_flows(dataset)
    f = dataset["F"].to_numpy().reshape(r * s)
    result = embodied.embodied_emissions(Z, y_by_region, f, labels)
    del Z

    flows = result.by_destination.reshape(r, s, r).sum(axis=1)
    flow_frame = pd.DataFrame(
        flows,
        index=pd.Index(regions, name="origin"),
        columns=pd.Index(regions, name="destination"),
    )
    direct = np.where(result.lost, 0.0, f).reshape(r, s).sum(axis=1)
    household = dataset["F_Y"].sum("category").to_numpy()
    frame = pd.DataFrame(index=pd.Index(regions, name="region"))
    frame["production_mt"] = direct + household
    frame["consumption_mt"] = flows.sum(axis=0) + household
    frame["household_direct_mt"] = household
    frame["net_export_mt"] = frame["production_mt"] - frame["consumption_mt"]
    frame["value_added_musd"] = dataset["VA"].sum("sector").to_numpy()
    frame["final_demand_musd"] = dataset["Y"].sum(("region", "sector", "category")).to_numpy()
    frame["gross_output_musd"] = result.output.reshape(r, s).sum(axis=1)

    lost_index = np.flatnonzero(result.lost)
    lost = [{"sector": labels[i], "co2_mt": float(f[i])} for i in lost_index]
    diagnostics: dict[str, Any] = {
        "source": dataset.attrs.get("source"),
        "year": int(dataset.attrs.get("year", 0)),
        "synthetic": bool(dataset.attrs.get("synthetic", 0)),
        "regions": r,
        "sectors": s,
        "zero_output_sectors": int(np.count_nonzero(result.output == 0)),
        "emissions_of_zero_output_sectors": lost,
        "emissions_of_zero_output_sectors_mt": float(f[lost_index].sum()),
        "industry_emissions_mt": float(f.sum()),
        "household_direct_mt": float(household.sum()),
    }
    discrepancy = {
        key.removeprefix(harmonized.DISCREPANCY_PREFIX): float(value)
        for key, value in dataset.attrs.items()
        if key.startswith(harmonized.DISCREPANCY_PREFIX)
    }
    if discrepancy:
        diagnostics["source_discrepancy"] = discrepancy
    if lost:
        log.warning(
            "%d sectors have zero output but emit %.6g Mt CO2 in total; these emissions "
            "cannot be attributed to final demand and are excluded from the accounts: %s",
            len(lost),
            diagnostics["emissions_of_zero_output_sectors_mt"],
            [item["sector"] for item in lost[:20]],
        )
    accounts = RegionalAccounts(accounts=frame, flows=flow_frame, diagnostics=diagnostics)
    diagnostics["identity_gaps"] = check_identities(accounts, rtol)
    log.info("identity gaps (relative): %s", diagnostics["identity_gaps"])
    return accounts


def with_intensities(
    accounts: pd.DataFrame, production_denominator: str, consumption_denominator: str
) -> pd.DataFrame:
    """Add ``production_intensity_kg_per_usd`` and ``consumption_intensity_kg_per_usd``.

    PBA / (value added or gross output) and CBA / final demand, kg CO2 per USD; NaN where
    the denominator is not positive.
    """
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
