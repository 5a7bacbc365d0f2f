"""Production- and consumption-based CO2 accounts per region, with their identities.

- PBA_o = sum_d E[o, d] + F_Y_o (emissions in region o plus its households' direct ones)
- CBA_d = sum_o E[o, d] + F_Y_d (emissions anywhere driven by region d's final demand)
- net embodied export NEE_r = PBA_r - CBA_r

The Leontief system is solved at the source's own resolution (every source region and
sector); the results are then summed to the output regions of the harmonized file (several
source regions may share one output code). Final-demand categories may be left out of the
consumption-based accounts (config key ``final_demand.exclude``): the industry emissions they
drive are computed with the same solve and reported apart, so every identity still closes.

Units: Mt CO2, million current USD. This module needs numpy only (plus scipy through
:mod:`bri_carbon.core.leontief`); :func:`bri_carbon.results.store.accounts_frame` and
:func:`bri_carbon.results.store.flows_frame` label the results for output.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from bri_carbon.core import intensities, leontief, plausibility
from bri_carbon.core.leontief import RowBlocks
from bri_carbon.runtime.errors import AccountingIdentityError

log = logging.getLogger(__name__)

ACCOUNT_COLUMNS = (
    "production_mt",
    "consumption_mt",
    "household_direct_mt",
    "net_export_mt",
    "primary_inputs_musd",
    "final_demand_musd",
    "value_added_musd",
    "gross_output_musd",
)
#: The variant of the accounts without changes in inventories and valuables (config key
#: ``robustness.inventory_categories``), see :func:`without_inventories`.
NO_INVENTORIES = "no_inventories"
#: Columns of the per-region table of the source's discrepancy entry (million USD, %).
DISCREPANCY_COLUMNS = (
    "purchases_from_discrepancy_musd",
    "sales_to_discrepancy_musd",
    "gross_output_musd",
    "purchases_share_of_output_pct",
    "sales_share_of_output_pct",
)
#: Sectors listed by name in the log for each warning (diagnostics.json lists them all).
WARNED_SECTORS = 20


@dataclass(frozen=True)
class SourceDiscrepancy:
    """The source's statistical-discrepancy entry (Eora's ``ROW``), million USD.

    ``inputs`` (n,): each sector's purchases from it; ``sales`` (n,): each sector's sales to
    it; ``final_demand`` (r,): each purchasing region's final demand bought from it;
    ``value_added_of_row`` and ``row_to_row``: its own value added and its sales to
    itself (totals).
    """

    inputs: np.ndarray
    sales: np.ndarray
    final_demand: np.ndarray
    value_added_of_row: float
    row_to_row: float


@dataclass(frozen=True)
class AccountInputs:
    """What the accounts need of one harmonized source and year (n = regions x sectors, at
    the source's own resolution; r source regions).

    ``intermediate``: Z as row blocks, million USD, valid while the file is open; each
    block is overwritten by the next one (copy a block to keep it).
    ``final_demand_by_region`` (n, r): final demand of each purchasing region, the counted
    categories summed, million USD. ``final_demand_excluded`` (n,): final demand of the
    excluded categories, every purchaser summed (zeros when none is excluded); gross output
    is made of both. ``emissions`` (n,): industry CO2, Mt.
    ``household_emissions`` (r,): direct CO2 of final demand (F_Y summed over every
    category), Mt. ``value_added`` (n,): million USD. ``output_regions`` (r,): the code each
    source region is reported under; ``common_sectors`` (s,): the common sector of each
    source sector. ``excluded_categories``: final-demand categories left out of
    ``final_demand_by_region``. ``discrepancy``: the source's discrepancy entry, if it has
    one. ``attrs``: the dataset's attributes (source, year, synthetic, ...).
    ``inventory_categories``: the counted categories that are changes in inventories and
    valuables; ``final_demand_inventories`` (n, r): their final demand per purchasing region
    (million USD; None when there are none) and ``household_emissions_inventories`` (r,):
    the part of ``household_emissions`` in them (Mt), for the variant without them.
    """

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    output_regions: tuple[str, ...]
    common_sectors: tuple[str, ...]
    categories: tuple[str, ...]
    excluded_categories: tuple[str, ...]
    intermediate: RowBlocks
    final_demand_by_region: np.ndarray
    final_demand_excluded: np.ndarray
    emissions: np.ndarray
    household_emissions: np.ndarray
    value_added: np.ndarray
    discrepancy: SourceDiscrepancy | None
    attrs: dict[str, Any]
    inventory_categories: tuple[str, ...] = ()
    final_demand_inventories: np.ndarray | None = None
    household_emissions_inventories: np.ndarray | None = None

    @property
    def labels(self) -> list[str]:
        """``region / sector`` for each of the n rows, for messages."""
        return [f"{region} / {sector}" for region in self.regions for sector in self.sectors]


@dataclass(frozen=True)
class RegionalAccounts:
    """``accounts``: each of :data:`ACCOUNT_COLUMNS` as an (r,) array over ``regions``;
    ``flows`` (r, r): origin x destination region, Mt CO2; ``excluded_mt`` (r,): industry
    CO2 of each origin region driven by the excluded final-demand categories (zeros when
    none is excluded); ``sector_flows`` (r, c, r): the flows split by the common sector
    (``sectors``, c of them) of the origin, solved at the source's resolution and summed to
    common sectors afterwards, Mt CO2; ``discrepancy``: each of
    :data:`DISCREPANCY_COLUMNS` as an (r,) array, for sources with a discrepancy entry;
    ``diagnostics``: JSON-ready; ``variants``: other readings of the same system by name
    (:data:`NO_INVENTORIES`), each with accounts and flows like these (no sector flows)."""

    regions: tuple[str, ...]
    accounts: dict[str, np.ndarray]
    flows: np.ndarray
    excluded_mt: np.ndarray
    sectors: tuple[str, ...] = ()
    sector_flows: np.ndarray | None = None
    discrepancy: dict[str, np.ndarray] | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)
    variants: dict[str, RegionalAccounts] = field(default_factory=dict)


def relative_difference(a: float | np.ndarray, b: float | np.ndarray) -> float:
    """max |a - b| / max(|b|, tiny): the relative gap used by every identity check."""
    a_arr, b_arr = np.asarray(a, float), np.asarray(b, float)
    scale = max(float(np.max(np.abs(b_arr))) if b_arr.size else 0.0, 1e-300)
    return float(np.max(np.abs(a_arr - b_arr))) / scale if a_arr.size else 0.0


def check_identities(result: RegionalAccounts, rtol: float) -> dict[str, float]:
    """Assert global PBA = CBA (+ excluded) and flow-matrix sums = accounts, to ``rtol``.

    Row sums of the flow matrix plus the emissions driven by excluded categories equal
    PBA - F_Y; column sums equal CBA - F_Y; the sector-level flows sum to the flows.
    Returns the relative gaps; raises :class:`AccountingIdentityError` naming the identity
    that fails.
    """
    acc, flows = result.accounts, result.flows
    household = acc["household_direct_mt"]
    gaps = {
        "global_production_vs_consumption": relative_difference(
            acc["production_mt"].sum(), acc["consumption_mt"].sum() + result.excluded_mt.sum()
        ),
        "flow_row_sums_vs_production": relative_difference(
            flows.sum(axis=1) + result.excluded_mt, acc["production_mt"] - household
        ),
        "flow_column_sums_vs_consumption": relative_difference(
            flows.sum(axis=0), acc["consumption_mt"] - household
        ),
    }
    if result.sector_flows is not None:
        gaps["sector_flows_vs_flows"] = relative_difference(result.sector_flows.sum(axis=1), flows)
    failed = {name: gap for name, gap in gaps.items() if not gap <= rtol}
    if failed:
        raise AccountingIdentityError(
            f"accounting identities fail beyond relative tolerance {rtol:g}: {failed}. "
            "The computation is inconsistent; check the diagnostics and the input tables."
        )
    return gaps


@dataclass(frozen=True)
class LabelSums:
    """Sums of source labels into result labels (source regions into output regions, source
    sectors into common sectors): ``labels`` (the result labels) and ``index`` (one per
    source label: the position of its result label)."""

    labels: tuple[str, ...]
    index: np.ndarray

    @classmethod
    def of(cls, targets: tuple[str, ...], sort: bool = True) -> LabelSums:
        """Sums for source labels mapped to ``targets`` (one per source label); result
        labels sorted, or in order of first appearance with ``sort=False``."""
        labels = tuple(sorted(set(targets)) if sort else dict.fromkeys(targets))
        position = {label: i for i, label in enumerate(labels)}
        return cls(labels, np.array([position[label] for label in targets], dtype=int))

    @property
    def identity(self) -> bool:
        """True when every source label is its own result label, in the same order."""
        return bool(np.array_equal(self.index, np.arange(len(self.labels))))

    def rows(self, values: np.ndarray, axis: int = 0) -> np.ndarray:
        """``values`` summed along ``axis`` from source labels into result labels."""
        if self.identity:
            return values
        moved = np.moveaxis(values, axis, 0)
        result = np.zeros((len(self.labels), *moved.shape[1:]))
        np.add.at(result, self.index, moved)
        return np.moveaxis(result, 0, axis)

    def both(self, matrix: np.ndarray) -> np.ndarray:
        """An (r_source, r_source) matrix summed into (r_output, r_output)."""
        return self.rows(self.rows(matrix), axis=1)


def _sector_warnings(
    inputs: AccountInputs, solution: leontief.EmbodiedEmissions
) -> dict[str, list[dict[str, Any]]]:
    """Sectors that real tables hold and the accounts compute anyway, listed as warnings:
    negative value added (as recorded), inputs worth at least the output (column sum of
    A >= 1) and negative gross output."""
    labels = inputs.labels
    checks = {
        "negative_value_added": (inputs.value_added, inputs.value_added < 0, "value_added_musd"),
        "input_share_at_least_one": (
            solution.input_share,
            solution.input_share >= 1.0,
            "input_share",
        ),
        "negative_gross_output": (solution.output, solution.output < 0, "gross_output_musd"),
    }
    warnings: dict[str, list[dict[str, Any]]] = {}
    for name, (values, flagged, key) in checks.items():
        positions = np.flatnonzero(flagged)
        warnings[name] = [{"sector": labels[i], key: float(values[i])} for i in positions]
        if positions.size:
            log.warning(
                "%d sectors with %s (computed anyway; all listed in diagnostics.json): %s",
                positions.size,
                name.replace("_", " "),
                [f"{labels[i]} ({values[i]:.4g})" for i in positions[:WARNED_SECTORS]],
            )
    return warnings


def _discrepancy_table(
    inputs: AccountInputs, sums: LabelSums, gross_output: np.ndarray
) -> dict[str, np.ndarray] | None:
    """Purchases from and sales to the source's discrepancy entry per output region."""
    if inputs.discrepancy is None:
        return None
    r, s = len(inputs.regions), len(inputs.sectors)
    found = inputs.discrepancy
    purchases = sums.rows(found.inputs.reshape(r, s).sum(axis=1) + found.final_demand)
    sales = sums.rows(found.sales.reshape(r, s).sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = 100.0 / np.where(gross_output > 0, gross_output, np.nan)
    return {
        "purchases_from_discrepancy_musd": purchases,
        "sales_to_discrepancy_musd": sales,
        "gross_output_musd": gross_output,
        "purchases_share_of_output_pct": purchases * share,
        "sales_share_of_output_pct": sales * share,
    }


def without_inventories(
    base: RegionalAccounts,
    flows: np.ndarray,
    final_demand: np.ndarray,
    household: np.ndarray,
    induced: dict[str, np.ndarray],
) -> RegionalAccounts:
    """The accounts of the final demand without changes in inventories and valuables.

    ``base``: the accounts of every counted category; ``flows`` (r, r): industry CO2 driven
    by the inventory categories of each destination, Mt; ``final_demand`` (r,): their final
    demand, ``household`` (r,): the household direct CO2 in them (Mt); ``induced``: what
    their final demand induces in each producing region, for ``primary_inputs_musd``,
    ``value_added_musd`` and ``gross_output_musd`` (million USD). Every quantity is the
    baseline's minus what the inventory categories induce, so PBA' = row sums of the flows
    + F_Y' and CBA' = column sums + F_Y': world PBA' = world CBA' and world primary inputs'
    = world final demand' still hold (v (I - A)^-1 y = 1'y with v = 1 - 1'A).
    """
    acc = base.accounts
    production = acc["production_mt"] - flows.sum(axis=1) - household
    consumption = acc["consumption_mt"] - flows.sum(axis=0) - household
    values = {
        "production_mt": production,
        "consumption_mt": consumption,
        "household_direct_mt": acc["household_direct_mt"] - household,
        "net_export_mt": production - consumption,
        "primary_inputs_musd": acc["primary_inputs_musd"] - induced["primary_inputs_musd"],
        "final_demand_musd": acc["final_demand_musd"] - final_demand,
        "value_added_musd": acc["value_added_musd"] - induced["value_added_musd"],
        "gross_output_musd": acc["gross_output_musd"] - induced["gross_output_musd"],
    }
    return RegionalAccounts(
        regions=base.regions,
        accounts=values,
        flows=base.flows - flows,
        excluded_mt=base.excluded_mt,
    )


#: Negative CO2 cells listed by name in diagnostics.json (the most negative first).
LISTED_NEGATIVE_CELLS = 10


def negative_co2(inputs: AccountInputs) -> dict[str, Any]:
    """Negative fossil-CO2 cells of the data: industry cells of F (n,) and households' direct
    CO2 by region (F_Y summed). They are computed as given (a correction or a sink in the
    source, or a mistake); this says how many, their sum (Mt CO2) and the
    :data:`LISTED_NEGATIVE_CELLS` most negative, for diagnostics.json, the terminal and
    the report."""
    labels = inputs.labels
    cells = [(labels[i], float(inputs.emissions[i])) for i in np.flatnonzero(inputs.emissions < 0)]
    households = inputs.household_emissions
    cells += [
        (f"{inputs.regions[i]} / households", float(households[i]))
        for i in np.flatnonzero(households < 0)
    ]
    cells.sort(key=lambda cell: (cell[1], cell[0]))
    return {
        "cells": len(cells),
        "sum_mt": float(sum(value for _, value in cells)),
        "largest": [
            {"cell": name, "co2_mt": value} for name, value in cells[:LISTED_NEGATIVE_CELLS]
        ],
    }


def regional_accounts(
    inputs: AccountInputs,
    rtol: float = 1e-9,
    precision: str = "mixed",
    threads: int = 1,
    solve: Callable[..., leontief.EmbodiedEmissions] = leontief.embodied_emissions,
) -> RegionalAccounts:
    """Compute accounts and flows of one harmonized system and check their identities.

    The Leontief system is solved once at the source's resolution (n = regions x sectors),
    with one right-hand side per purchasing region plus, when categories are excluded, one
    for their final demand, and, when the inputs name inventory categories, one per
    purchasing region for those (the variant :data:`NO_INVENTORIES` in ``variants``); the
    results are summed to output regions. Production-based emissions are the direct
    emissions of the data (F by region plus F_Y); the flow matrix (and the excluded part)
    must split them exactly, which is checked to ``rtol``. The production denominator is
    ``primary_inputs_musd`` = x - 1'Z per sector summed (gross output minus intermediate
    inputs: every primary input of the balanced table), whose world total equals world final
    demand of every category (see :mod:`bri_carbon.core.intensities`); diagnostics record the
    world intensity ratio and the reported value-added rows against it. ``precision`` of the
    Leontief solve: see :mod:`bri_carbon.core.leontief`; ``threads`` for its element-wise
    passes. ``solve``: the engine, called as
    :func:`bri_carbon.core.leontief.embodied_emissions` (the default; config key
    ``accounts.engine: lu``) is. Peak memory: one n x n float32 (``mixed``) or float64 array
    plus a few n x m arrays, m = r + 1 + r at most (r purchasing regions).
    """
    r, s = len(inputs.regions), len(inputs.sectors)
    labels = inputs.labels
    f = inputs.emissions
    excluding = bool(inputs.excluded_categories)
    stocks = inputs.final_demand_inventories
    total = inputs.final_demand_by_region.sum(axis=1) + inputs.final_demand_excluded
    parts = [inputs.final_demand_by_region]
    if excluding:
        parts.append(inputs.final_demand_excluded[:, None])
    first_stock = sum(part.shape[1] for part in parts)
    if stocks is not None:
        parts.append(stocks)
    stock_columns = slice(first_stock, first_stock + r) if stocks is not None else None
    result = solve(
        inputs.intermediate,
        np.hstack(parts) if len(parts) > 1 else parts[0],
        f,
        labels,
        precision,
        threads,
        final_demand_total=total,
        summed_columns=stock_columns,
    )
    per_region = result.by_destination.reshape(r, s, -1).sum(axis=1)
    sums = LabelSums.of(inputs.output_regions)
    sector_sums = LabelSums.of(inputs.common_sectors, sort=False)
    by_sector = sector_sums.rows(result.by_destination[:, :r].reshape(r, s, r), axis=1)
    sector_flows = sums.rows(sums.rows(by_sector, axis=0), axis=2)
    flows = sums.both(per_region[:, :r])
    excluded = sums.rows(per_region[:, r]) if excluding else np.zeros(len(sums.labels))
    direct = sums.rows(np.where(result.lost, 0.0, f).reshape(r, s).sum(axis=1))
    household = sums.rows(inputs.household_emissions)
    production = direct + household
    consumption = flows.sum(axis=0) + household

    def by_region(per_sector: np.ndarray) -> np.ndarray:
        return sums.rows(per_sector.reshape(r, s).sum(axis=1))

    primary_inputs = result.output - result.intermediate_inputs
    gross_output = by_region(result.output)
    values = {
        "production_mt": production,
        "consumption_mt": consumption,
        "household_direct_mt": household,
        "net_export_mt": production - consumption,
        "primary_inputs_musd": by_region(primary_inputs),
        "final_demand_musd": sums.rows(inputs.final_demand_by_region.sum(axis=0)),
        "value_added_musd": by_region(inputs.value_added),
        "gross_output_musd": gross_output,
    }

    lost_index = np.flatnonzero(result.lost)
    lost = [{"sector": labels[i], "co2_mt": float(f[i])} for i in lost_index]
    attrs = inputs.attrs
    diagnostics: dict[str, Any] = {
        "source": attrs.get("source"),
        "year": int(attrs.get("year", 0)),
        "synthetic": bool(attrs.get("synthetic", 0)),
        "regions": len(sums.labels),
        "source_regions": r,
        "sectors": s,
        "n": r * s,
        "zero_output_sectors": int(np.count_nonzero(result.output == 0)),
        "emissions_of_zero_output_sectors": lost,
        "emissions_of_zero_output_sectors_mt": float(f[lost_index].sum()),
        "industry_emissions_mt": float(f.sum()),
        "household_direct_mt": float(household.sum()),
        "leontief_solve": asdict(result.solve),
        "sector_warnings": _sector_warnings(inputs, result),
        "excluded_final_demand": {
            "categories": list(inputs.excluded_categories),
            "industry_co2_mt": float(excluded.sum()),
            "final_demand_musd": float(inputs.final_demand_excluded.sum()),
        },
        "negative_co2": negative_co2(inputs),
    }
    note = plausibility.negative_co2_note(diagnostics["negative_co2"], "the data")
    if note:
        log.warning("%s", note)
    discrepancy = _discrepancy_table(inputs, sums, gross_output)
    if discrepancy is not None and inputs.discrepancy is not None:
        totals: dict[str, Any] = {
            "value_added_of_row_musd": inputs.discrepancy.value_added_of_row,
            "row_to_row_musd": inputs.discrepancy.row_to_row,
        }
        totals["purchases_from_discrepancy_musd"] = float(
            discrepancy["purchases_from_discrepancy_musd"].sum()
        )
        totals["sales_to_discrepancy_musd"] = float(discrepancy["sales_to_discrepancy_musd"].sum())
        totals["by_region"] = {
            region: {key: float(discrepancy[key][i]) for key in DISCREPANCY_COLUMNS}
            for i, region in enumerate(sums.labels)
        }
        diagnostics["source_discrepancy"] = totals
    diagnostics["world_intensity"] = intensities.world_intensity_check(
        values, diagnostics["excluded_final_demand"], rtol
    )
    diagnostics["value_added_rows"] = intensities.value_added_reconciliation(
        values, inputs.discrepancy, str(attrs.get("source", ""))
    )
    diagnostics["plausibility_warnings"] = plausibility.plausibility_warnings(
        sums.labels,
        production,
        values["primary_inputs_musd"],
        gross_output,
        diagnostics["year"],
    )
    if lost:
        log.warning(
            "%d sectors have zero output but emit %.6g Mt CO2 in total; these emissions "
            "cannot be attributed to final demand and are excluded from the accounts: %s",
            len(lost),
            diagnostics["emissions_of_zero_output_sectors_mt"],
            [item["sector"] for item in lost[:WARNED_SECTORS]],
        )
    accounts = RegionalAccounts(
        regions=sums.labels,
        accounts=values,
        flows=flows,
        excluded_mt=excluded,
        sectors=sector_sums.labels,
        sector_flows=sector_flows,
        discrepancy=discrepancy,
        diagnostics=diagnostics,
    )
    diagnostics["identity_gaps"] = check_identities(accounts, rtol)
    if stocks is not None and stock_columns is not None and result.summed_activity is not None:
        induced = result.summed_activity
        per_output = leontief.reciprocal_output(result.output) * induced
        stock_flows = sums.both(per_region[:, stock_columns])
        variant = without_inventories(
            accounts,
            stock_flows,
            sums.rows(stocks.sum(axis=0)),
            sums.rows(np.asarray(inputs.household_emissions_inventories, dtype=float)),
            {
                "primary_inputs_musd": by_region(primary_inputs * per_output),
                "value_added_musd": by_region(inputs.value_added * per_output),
                "gross_output_musd": by_region(induced),
            },
        )
        accounts.variants[NO_INVENTORIES] = variant
        diagnostics["variants"] = {
            NO_INVENTORIES: {
                "categories_left_out": list(inputs.inventory_categories),
                "final_demand_left_out_musd": float(stocks.sum()),
                "industry_co2_left_out_mt": float(stock_flows.sum()),
                "identity_gaps": check_identities(variant, rtol),
                "world_intensity": intensities.world_intensity_check(
                    variant.accounts, diagnostics["excluded_final_demand"], rtol
                ),
            }
        }
    log.info("Leontief solve: %s", diagnostics["leontief_solve"])
    log.info("identity gaps (relative): %s", diagnostics["identity_gaps"])
    return accounts
