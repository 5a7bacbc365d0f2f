"""Production- and consumption-based CO2 accounts per region, with their identities.

- PBA_o = sum_d E[o, d] + F_Y_o (emissions in region o plus its households' direct ones)
- CBA_d = sum_o E[o, d] + F_Y_d (emissions anywhere driven by region d's final demand)
- net embodied export NEE_r = PBA_r - CBA_r

Units: Mt CO2, million current USD. This module needs numpy only (plus scipy through
:mod:`bri_carbon.embodied`); :func:`bri_carbon.tables.accounts_frame` and
:func:`bri_carbon.tables.flows_frame` label the results for output.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from bri_carbon import embodied
from bri_carbon.account_inputs import AccountInputs
from bri_carbon.errors import AccountingIdentityError
from bri_carbon.harmonized_layout import DISCREPANCY_PREFIX

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


@dataclass(frozen=True)
class RegionalAccounts:
    """``accounts``: each of :data:`ACCOUNT_COLUMNS` as an (r,) array over ``regions``;
    ``flows`` (r, r): origin x destination region, Mt CO2; ``diagnostics``: JSON-ready."""

    regions: tuple[str, ...]
    accounts: dict[str, np.ndarray]
    flows: np.ndarray
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
    household = acc["household_direct_mt"]
    gaps = {
        "global_production_vs_consumption": relative_difference(
            acc["production_mt"].sum(), acc["consumption_mt"].sum()
        ),
        "flow_row_sums_vs_production": relative_difference(
            flows.sum(axis=1), acc["production_mt"] - household
        ),
        "flow_column_sums_vs_consumption": relative_difference(
            flows.sum(axis=0), acc["consumption_mt"] - household
        ),
    }
    failed = {name: gap for name, gap in gaps.items() if not gap <= rtol}
    if failed:
        raise AccountingIdentityError(
            f"accounting identities fail beyond relative tolerance {rtol:g}: {failed}. "
            "The computation is inconsistent; check the diagnostics and the input tables."
        )
    return gaps


def regional_accounts(
    inputs: AccountInputs, rtol: float = 1e-9, precision: str = "mixed", threads: int = 1
) -> RegionalAccounts:
    """Compute accounts and flows of one harmonized system and check their identities.

    Production-based emissions are the direct emissions of the data (F by region plus F_Y);
    the flow matrix must split them exactly, which is checked to ``rtol``. ``precision`` of
    the Leontief solve: see :mod:`bri_carbon.embodied`; ``threads`` for its element-wise
    passes. Peak memory: one n x n float32
    (``mixed``) or float64 array plus a few n x r arrays.
    """
    r, s = len(inputs.regions), len(inputs.sectors)
    labels = inputs.labels
    f = inputs.emissions
    result = embodied.embodied_emissions(
        inputs.intermediate, inputs.final_demand_by_region, f, labels, precision, threads
    )
    flows = result.by_destination.reshape(r, s, r).sum(axis=1)
    direct = np.where(result.lost, 0.0, f).reshape(r, s).sum(axis=1)
    household = inputs.household_emissions
    production = direct + household
    consumption = flows.sum(axis=0) + household
    values = {
        "production_mt": production,
        "consumption_mt": consumption,
        "household_direct_mt": household,
        "net_export_mt": production - consumption,
        "value_added_musd": inputs.value_added.reshape(r, s).sum(axis=1),
        "final_demand_musd": inputs.final_demand_by_region.sum(axis=0),
        "gross_output_musd": result.output.reshape(r, s).sum(axis=1),
    }

    lost_index = np.flatnonzero(result.lost)
    lost = [{"sector": labels[i], "co2_mt": float(f[i])} for i in lost_index]
    attrs = inputs.attrs
    diagnostics: dict[str, Any] = {
        "source": attrs.get("source"),
        "year": int(attrs.get("year", 0)),
        "synthetic": bool(attrs.get("synthetic", 0)),
        "regions": r,
        "sectors": s,
        "zero_output_sectors": int(np.count_nonzero(result.output == 0)),
        "emissions_of_zero_output_sectors": lost,
        "emissions_of_zero_output_sectors_mt": float(f[lost_index].sum()),
        "industry_emissions_mt": float(f.sum()),
        "household_direct_mt": float(household.sum()),
        "leontief_solve": asdict(result.solve),
    }
    discrepancy = {
        key.removeprefix(DISCREPANCY_PREFIX): float(value)
        for key, value in attrs.items()
        if key.startswith(DISCREPANCY_PREFIX)
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
    accounts = RegionalAccounts(
        regions=tuple(inputs.regions), accounts=values, flows=flows, diagnostics=diagnostics
    )
    diagnostics["identity_gaps"] = check_identities(accounts, rtol)
    log.info("Leontief solve: %s", diagnostics["leontief_solve"])
    log.info("identity gaps (relative): %s", diagnostics["identity_gaps"])
    return accounts
