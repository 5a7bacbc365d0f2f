"""A deterministic synthetic world written in the exact Eora26 release layout.

The default data of the workflow: no account and no network are needed, and the files go
through the same parser as real Eora26 downloads. Economy sizes come from the public-domain
Natural Earth GDP and population columns; structure, trade and emission intensities are drawn
from a seeded generator so that the numbers *look* like the real world (large economies trade
less, poorer economies emit more CO2 per dollar, electricity and metals are carbon-heavy). The
numbers are not real data, and every output made from them is labelled "synthetic".

**One world over the years.** Everything random (input coefficients, trade partners and
their weights, carbon factors, final-demand categories, the countries with inventories drawn
down, the subsidised sectors, satellite noise) is drawn once from the seed, independent of
the year. The year t changes that world only through five smooth, documented paths, the same
formulas before and after the reference year :data:`REFERENCE_YEAR` (valid for the
configurable years 1970-2030):

- real GDP of each economy grows at a constant rate that is higher for poorer economies
  (:func:`growth_rates`, :func:`gdp_in`);
- trade partners' weights follow their GDP (gravity), so fast-growing poorer exporters gain
  share of world exports;
- every economy's import shares rise slowly (:func:`import_shares_in`);
- final demand shifts towards services (:func:`demand_mix_in`);
- every sector's CO2 per unit of output falls at one rate (:func:`intensity_factor`).

Prices are those of the reference year throughout (no inflation), so current and constant
prices coincide. World industry CO2 is calibrated once, to 30,000 Mt in the reference year;
other years follow from the paths (about +1 % a year).

Monetary values are thousand USD and emissions Gg, as in Eora26.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyogrio
import scipy.linalg

from bri_carbon.runtime.atomic import atomic_path
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import eora26_layout as layout

log = logging.getLogger(__name__)

#: Relative weight of each Eora26 sector in final demand (same order as layout.SECTORS).
_FINAL_DEMAND_WEIGHT = np.array(
    [
        4,
        0.5,
        1,
        7,
        2.5,
        1.5,
        3,
        1,
        5,
        4.5,
        1.5,
        0.1,
        2.5,
        10,
        1,
        4,
        7,
        4,
        3.5,
        3,
        12,
        9,
        13,
        0.5,
        1,
        0.05,
    ]
)
#: How readily a sector's output crosses borders (goods 1, most services far less).
_TRADABILITY = np.array(
    [
        0.8,
        0.8,
        1.0,
        0.8,
        1.0,
        0.9,
        1.0,
        1.0,
        1.0,
        1.0,
        0.9,
        0.6,
        0.1,
        0.05,
        0.2,
        0.4,
        0.1,
        0.3,
        0.5,
        0.3,
        0.4,
        0.05,
        0.1,
        0.0,
        0.3,
        1.0,
    ]
)
#: Share of gross output bought as intermediate inputs, per purchasing sector.
_INPUT_SHARE = np.array(
    [
        0.45,
        0.4,
        0.45,
        0.65,
        0.62,
        0.6,
        0.66,
        0.66,
        0.64,
        0.68,
        0.6,
        0.55,
        0.55,
        0.55,
        0.45,
        0.4,
        0.4,
        0.45,
        0.52,
        0.45,
        0.38,
        0.35,
        0.32,
        0.1,
        0.4,
        0.5,
    ]
)
#: CO2 per unit of output relative to the country average (electricity, metals, transport high).
_SECTOR_CARBON = np.array(
    [
        1.2,
        1.5,
        2.5,
        0.6,
        0.5,
        0.7,
        3.0,
        3.0,
        0.5,
        0.5,
        0.5,
        0.8,
        14.0,
        0.8,
        0.3,
        0.25,
        0.25,
        0.4,
        4.0,
        0.2,
        0.1,
        0.3,
        0.25,
        0.05,
        0.5,
        0.1,
    ]
)
#: Shares of the six Eora26 final-demand categories (inventories and valuables are small).
_CATEGORY_SHARE = np.array([0.58, 0.02, 0.17, 0.215, 0.01, 0.005])
#: Shares of the six Eora26 value-added categories (subsidies are negative).
_VALUE_ADDED_SHARE = np.array([0.5, 0.06, -0.02, 0.33, 0.07, 0.06])
#: Share of countries whose inventories are drawn down (negative P.52 final demand).
_INVENTORY_DRAWDOWN_SHARE = 0.35
#: A sector that buys inputs worth more than its output (negative value added) in a few
#: countries.
_SUBSIDISED_SECTOR = "Agriculture"
_SUBSIDISED_COUNTRIES = 3
#: Economies that act as re-export hubs keep a non-zero "Re-export & Re-import" sector.
_REEXPORT_HUBS = frozenset({"SGP", "HKG", "NLD", "BEL", "ARE", "MYS", "PAN"})
#: Strongest suppliers kept per importing country (chosen in the reference year, then kept).
_PARTNERS = 30
#: Strongest customers kept per exporting country (chosen in the reference year, then kept).
_CUSTOMERS = 12
#: World industry CO2 in the reference year, Mt (the one calibration; other years follow the
#: paths).
_WORLD_INDUSTRY_MT = 30_000.0
#: The year that the Natural Earth economy sizes and the CO2 calibration describe.
REFERENCE_YEAR = 2015
#: Real GDP growth per year: ``_GROWTH_AT_10K`` at 10,000 USD per person, changing by
#: ``_GROWTH_PER_LOG_INCOME`` per unit of ln(income / 10,000 USD), within ``_GROWTH_BOUNDS``.
_GROWTH_AT_10K = 0.035
_GROWTH_PER_LOG_INCOME = -0.01
_GROWTH_BOUNDS = (0.01, 0.06)
#: Relative rise per year of every economy's import shares (globalisation).
_IMPORT_SHARE_RISE = 0.01
#: Relative rise per year of the weight of the service sectors (Maintenance and Repair to
#: Others, as labels_T.txt spells them) in final demand.
_SERVICES_SHIFT = 0.01
_SERVICES = layout.SECTORS[
    layout.SECTORS.index("Maintenance and Repair") : layout.SECTORS.index("Others") + 1
]
#: Fall per year of every sector's CO2 per unit of output (technology).
_INTENSITY_DECLINE = 0.02
#: Refinement of the reference year's output with another year's LU: steps and the
#: tolerance of the residual relative to final demand (max norms).
_REFINEMENT_STEPS = 50
_REFINEMENT_TOLERANCE = 1e-13


@dataclass(frozen=True)
class SyntheticWorld:
    """Eora26 tables of one synthetic year, with the ``ROW`` discrepancy row and column.

    Shapes, with r countries, n = 26 r + 1 (the ``ROW`` entry last), q satellite rows:
    ``T`` (n, n), ``FD`` (n, 6 (r + 1)), ``VA`` (6, n), ``Q`` (q, n), ``QY`` (q, 6 (r + 1)).
    Money in thousand USD, emissions as labelled in ``q_labels`` (Gg for CO2).
    """

    year: int
    codes: tuple[str, ...]
    names: tuple[str, ...]
    T: np.ndarray
    FD: np.ndarray
    VA: np.ndarray
    Q: np.ndarray
    QY: np.ndarray
    q_labels: tuple[tuple[str, str], ...]


def economies_table(
    region_codes: pd.DataFrame,
    natural_earth: pd.DataFrame,
    countries: list[str] | None = None,
) -> pd.DataFrame:
    """Economy sizes of the Eora26 countries from Natural Earth columns.

    ``region_codes``: rows of ``data/region_codes.csv`` for source ``eora26`` (columns
    ``source_code``, ``region``, ``name``), in Eora order. ``natural_earth``: columns
    ``iso3``, ``gdp_md_est`` (million USD) and ``pop_est``. ``countries``: Eora codes to
    keep (None keeps all). Returns a frame indexed by Eora code with ``name``,
    ``gdp_musd`` and ``population``. Countries that Natural Earth lacks (small islands,
    Netherlands Antilles) get the 5th percentile of known GDPs; the dissolved Former USSR
    (``USR``, not an ISO3 code in Natural Earth) gets zero, as in real Eora26 years after 1991.
    """
    table = region_codes.set_index("source_code")[["region", "name"]]
    if countries is not None:
        unknown = sorted(set(countries) - set(table.index))
        if unknown:
            raise WorkflowInputError(
                f"config key synthetic.countries lists codes that Eora26 does not have: "
                f"{unknown}. Use Eora26 codes from data/region_codes.csv (source eora26)."
            )
        table = table.loc[[code for code in table.index if code in set(countries)]]
    known = natural_earth.drop_duplicates("iso3").set_index("iso3")
    gdp = table["region"].map(known["gdp_md_est"]).astype(float)
    population = table["region"].map(known["pop_est"]).astype(float)
    fallback_gdp = float(np.nanpercentile(known["gdp_md_est"].astype(float), 5))
    fallback_population = float(np.nanpercentile(known["pop_est"].astype(float), 5))
    dissolved = table.index == "USR"
    gdp = gdp.where(gdp > 0, fallback_gdp).where(~dissolved, 0.0)
    population = population.where(population > 0, fallback_population)
    return pd.DataFrame(
        {"name": table["name"], "gdp_musd": gdp, "population": population}, index=table.index
    )


def growth_rates(income: np.ndarray) -> np.ndarray:
    """Real GDP growth per year (a fraction) of economies with ``income`` USD per person in
    the reference year: 0.035 - 0.01 ln(income / 10,000 USD), within 1 % and 6 %.

    Poorer economies grow faster: 5.8 % at 1,000 USD per person, 3.5 % at 10,000, 1.7 % at
    60,000. Zero or negative incomes (no economy) get the rate of 10,000 USD.
    """
    known = np.where(income > 0, income, 10_000.0)
    rate = _GROWTH_AT_10K + _GROWTH_PER_LOG_INCOME * np.log(known / 10_000.0)
    return np.clip(rate, *_GROWTH_BOUNDS)


def gdp_in(year: int, gdp: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """GDP in ``year`` at reference-year prices, in the unit of ``gdp`` (the reference
    year's GDP): gdp (1 + growth)^(year - REFERENCE_YEAR), ``growth`` per year as a fraction."""
    return gdp * (1.0 + growth) ** (year - REFERENCE_YEAR)


def import_shares_in(year: int, shares: np.ndarray) -> np.ndarray:
    """Import shares (fractions) in ``year`` from the reference year's ``shares``: each rises
    by 1 % of itself a year, shares (1.01)^(year - REFERENCE_YEAR)."""
    return shares * (1.0 + _IMPORT_SHARE_RISE) ** (year - REFERENCE_YEAR)


def demand_mix_in(year: int, mix: np.ndarray) -> np.ndarray:
    """Final-demand mix over the 26 sectors (last axis, fractions summing to 1) in ``year``
    from the reference year's ``mix``: the service sectors' weights (Maintenance and Repair
    to Others) times (1.01)^(year - REFERENCE_YEAR), then rescaled to sum to 1."""
    services = np.isin(layout.SECTORS, _SERVICES)
    factor = np.where(services, (1.0 + _SERVICES_SHIFT) ** (year - REFERENCE_YEAR), 1.0)
    shifted = mix * factor
    totals = shifted.sum(axis=-1, keepdims=True)
    return np.divide(shifted, totals, out=np.zeros_like(shifted), where=totals > 0)


def intensity_factor(year: int) -> float:
    """CO2 per unit of output of every sector in ``year`` relative to the reference year
    (dimensionless): (1 - 0.02)^(year - REFERENCE_YEAR), a technology trend."""
    return float((1.0 - _INTENSITY_DECLINE) ** (year - REFERENCE_YEAR))


@dataclass(frozen=True)
class _Structure:
    """The year-independent part of a synthetic world, drawn once from the seed.

    r countries, 26 sectors, n = 26 r, q satellite rows. Money in thousand USD at
    reference-year prices; ``carbon`` is relative (calibrated in :func:`make_world`).
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    gdp: np.ndarray  # (r,) GDP in the reference year, thousand USD
    growth: np.ndarray  # (r,) real GDP growth per year, fraction
    import_share: np.ndarray  # (r,) share of tradable purchases imported, reference year
    trade_pull: np.ndarray  # (r, r) importer x exporter pull without the exporter's GDP
    inputs: np.ndarray  # (r, 26, 26) input coefficients (input, purchaser) per country
    demand_mix: np.ndarray  # (r, 26) final demand over sectors, reference year, sums to 1
    subsidised: tuple[tuple[int, float], ...]  # (country, column sum of A) with VA < 0
    categories: np.ndarray  # (r, 6) final demand over Eora's six categories
    carbon: np.ndarray  # (n,) relative CO2 per unit of output, reference year
    household_share: np.ndarray  # (r,) household direct CO2 per unit of industry CO2
    satellite_noise: np.ndarray  # (q, n) noise of the satellite rows of Q
    household_noise: np.ndarray  # (q, 6 r) noise of the satellite rows of QY
    discrepancy_noise: np.ndarray  # (2, n) sizes of the ROW row and column, 0-1


def make_world(economies: pd.DataFrame, year: int, seed: int) -> SyntheticWorld:
    """The balanced synthetic MRIO system of ``year`` (deterministic in seed and year).

    ``economies``: as returned by :func:`economies_table` (GDP of the reference year). The
    structure is drawn from ``seed`` alone; ``year`` moves it along the paths of the module
    docstring. The system is balanced by construction: gross output solves x = A x + y, so
    Z 1 + Y 1 = x. Industry CO2 is calibrated to ``_WORLD_INDUSTRY_MT`` in the reference year;
    for another year the reference year's output is found with this year's LU factors.
    """
    structure = _draw_structure(economies, seed)
    A, final = _economy(structure, year)
    factors = _leontief_factors(A)
    x = _gross_output(factors, final.sum(axis=1))
    x_reference = x if year == REFERENCE_YEAR else _reference_output(structure, factors)
    del factors
    n_reg, n_sec = len(structure.codes), len(layout.SECTORS)
    n = n_reg * n_sec

    Z = A
    Z *= x[None, :]  # in place: A is not needed any more
    Y = (final[:, :, None] * structure.categories[None, :, :]).reshape(n, n_reg * 6)
    value_added = x - Z.sum(axis=0)
    VA = _VALUE_ADDED_SHARE[:, None] * value_added[None, :]

    reference_total = float(structure.carbon @ x_reference)
    scale = _WORLD_INDUSTRY_MT * 1e3 / reference_total if reference_total > 0 else 0.0
    co2 = structure.carbon * x * (scale * intensity_factor(year))  # Gg
    household_co2 = np.zeros(n_reg * 6)
    household_co2[0::6] = co2.reshape(n_reg, n_sec).sum(axis=1) * structure.household_share
    log.info(
        "synthetic world %d (reference %d): GDP %.0f billion USD, industry CO2 %.0f Mt, "
        "output %.0f billion USD",
        year,
        REFERENCE_YEAR,
        final.sum() / 1e6,
        co2.sum() / 1e3,
        x.sum() / 1e6,
    )
    return _with_discrepancy(
        SyntheticWorld(
            year=year,
            codes=structure.codes,
            names=structure.names,
            T=np.round(Z, 3),
            FD=np.round(Y, 3),
            VA=np.round(VA, 3),
            Q=np.vstack(_satellite_rows(co2, structure.satellite_noise)),
            QY=np.vstack(_satellite_rows(household_co2, structure.household_noise)),
            q_labels=SATELLITE_LABELS,
        ),
        structure.discrepancy_noise,
    )


def _draw_structure(economies: pd.DataFrame, seed: int) -> _Structure:
    """Draw every random part of the world from ``seed``, in a fixed order, for the
    economies of ``economies`` (:func:`economies_table`); nothing here depends on the year."""
    rng = np.random.default_rng(seed)
    codes = tuple(economies.index)
    n_reg, n_sec = len(codes), len(layout.SECTORS)
    gdp = economies["gdp_musd"].to_numpy(float) * 1e3  # thousand USD
    active = gdp > 0
    income = gdp * 1e3 / economies["population"].to_numpy(float)  # USD per person

    trade_pull = _trade_pull(gdp, income, rng)
    import_share = _import_shares(gdp, rng)
    inputs = np.stack([_input_coefficients(rng) for _ in range(n_reg)])
    demand_mix = rng.dirichlet(_FINAL_DEMAND_WEIGHT * 40 + 1e-3, size=n_reg)
    reexport = layout.SECTORS.index("Re-export & Re-import")
    hubs = np.isin(codes, sorted(_REEXPORT_HUBS))
    inputs[~hubs, reexport, :] = 0.0
    inputs[~hubs, :, reexport] = 0.0
    demand_mix[~hubs, reexport] = 0.0
    demand_mix /= demand_mix.sum(axis=1, keepdims=True)
    subsidised = _subsidised(active, rng)
    categories = _category_split(rng, n_reg)

    country = np.clip(np.where(active, income, 1.0) / 10_000, 0.02, None) ** -0.45
    country = country * rng.lognormal(0.0, 0.25, n_reg)
    sector = _SECTOR_CARBON[None, :] * rng.lognormal(0.0, 0.2, size=(n_reg, n_sec))
    household_share = rng.uniform(0.08, 0.16, n_reg)
    q = len(_SATELLITE_ROWS)
    return _Structure(
        codes=codes,
        names=tuple(economies["name"]),
        gdp=gdp,
        growth=growth_rates(np.where(active, income, 0.0)),
        import_share=import_share,
        trade_pull=trade_pull,
        inputs=inputs,
        demand_mix=demand_mix,
        subsidised=subsidised,
        categories=categories,
        carbon=(country[:, None] * sector).ravel(),
        household_share=household_share,
        satellite_noise=rng.lognormal(0.0, 0.3, size=(q, n_reg * n_sec)),
        household_noise=rng.lognormal(0.0, 0.3, size=(q, n_reg * 6)),
        discrepancy_noise=rng.uniform(0.0, 1.0, size=(2, n_reg * n_sec)),
    )


def _economy(structure: _Structure, year: int) -> tuple[np.ndarray, np.ndarray]:
    """The world economy of ``year``: input coefficients A (n, n) and final demand by
    destination country (n, r), money in thousand USD.

    GDP, import shares, partner weights and the final-demand mix follow their paths; the
    input coefficients themselves do not change.
    """
    codes = structure.codes
    n_reg, n_sec = len(codes), len(layout.SECTORS)
    n = n_reg * n_sec
    gdp = gdp_in(year, structure.gdp, structure.growth)
    active = structure.gdp > 0
    pull = structure.trade_pull * gdp[None, :]
    totals = pull.sum(axis=1, keepdims=True)
    partners = np.divide(pull, totals, out=np.zeros_like(pull), where=totals > 0)
    import_share = import_shares_in(year, structure.import_share)
    sector_open = np.outer(import_share, _TRADABILITY).clip(0, 0.9)  # (region, sector)
    demand_mix = demand_mix_in(year, structure.demand_mix)

    A = np.zeros((n, n))
    final = np.zeros((n, n_reg))
    for c in np.flatnonzero(active):
        block = slice(c * n_sec, (c + 1) * n_sec)
        inputs = structure.inputs[c]
        demand = gdp[c] * demand_mix[c]
        domestic = 1.0 - sector_open[c]
        A[block, block] = inputs * domestic[:, None]
        final[block, c] = demand * domestic
        for p in np.flatnonzero(partners[c]):
            rows = slice(p * n_sec, (p + 1) * n_sec)
            share = sector_open[c] * partners[c, p]
            A[rows, block] = inputs * share[:, None]
            final[rows, c] = demand * share
    for c in np.flatnonzero(~active):
        A[c * n_sec : (c + 1) * n_sec, :] = 0.0
        final[c * n_sec : (c + 1) * n_sec, :] = 0.0
    _subsidise_(A, structure.subsidised)

    return A, final


def _leontief_factors(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LU factors of I - A (scipy's ``lu_factor`` form); ``A`` is left unchanged."""
    system = -A
    system[np.diag_indices_from(system)] += 1.0
    return scipy.linalg.lu_factor(system, overwrite_a=True, check_finite=False)


def _gross_output(factors: tuple[np.ndarray, np.ndarray], final: np.ndarray) -> np.ndarray:
    """Gross output x (thousand USD) solving (I - A) x = ``final`` from the LU factors
    of I - A; values below 1e-9 (sectors without output) are set to zero."""
    x = scipy.linalg.lu_solve(factors, final, check_finite=False)
    x[x < 1e-9] = 0.0
    return x


def _reference_output(structure: _Structure, factors: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Gross output of the reference year (thousand USD), from the LU factors of another
    year's I - A_t by iterative refinement: x <- x + (I - A_t)^-1 (y - (I - A) x).

    The two years' A split the same input coefficients differently over suppliers, so the
    refinement converges in a few steps (a direct solve when it does not), which saves a
    second factorization.
    """
    A, final = _economy(structure, REFERENCE_YEAR)
    y = final.sum(axis=1)
    x = scipy.linalg.lu_solve(factors, y, check_finite=False)
    for step in range(_REFINEMENT_STEPS):
        residual = y - x + A @ x
        if np.abs(residual).max() <= _REFINEMENT_TOLERANCE * np.abs(y).max():
            log.info("reference-year output refined in %d steps", step)
            break
        x += scipy.linalg.lu_solve(factors, residual, check_finite=False)
    else:
        log.info("reference-year output: refinement did not converge, solving directly")
        A *= -1.0
        A[np.diag_indices_from(A)] += 1.0
        x = np.linalg.solve(A, y)
    x[x < 1e-9] = 0.0
    return x


#: Satellite rows of the synthetic world, labels as the real labels_Q.txt writes them (label
#: with the unit in parentheses, source), each with its size relative to the industry CO2
#: of a sector. Energy rows: the first rows of the real file (a public test fixture modelled
#: on it, DaguenetYannis/Remaster; DvP17/mrio data-raw/cf_eora.R counts 9 energy rows).
#: I-GHG rows by IPCC category: it-is-me-mario/MARIO mario/ops/ghg.py lists the real labels.
#: PRIMAP rows: "PRIMAP|KYOTOGHGAR4|TOTAL|GgCO2eq" is an item of the full Eora index
#: (JemyungLEE/microData); "PRIMAP|CO2|TOTAL|Gg" follows the team's notes on the Eora26
#: label file. No public code shows which label column holds them; they are written here as
#: the first column with source "Total", without a unit in parentheses (pymrio then leaves
#: their unit empty). The EDGAR total is the row the workflow uses
#: (:data:`bri_carbon.sources.eora26_layout.CO2_LABELS`); the I-GHG-CO2 and PRIMAP rows are CO2
#: totals or parts of one too, so a parser that matched "CO2" loosely would count twice.
_SATELLITE_ROWS: tuple[tuple[str, str, float], ...] = (
    ("Energy Usage (TJ)", "Natural Gas", 4.0),
    ("Energy Usage (TJ)", "Coal", 6.0),
    ("Energy Usage (TJ)", "Petroleum", 5.0),
    ("Energy Usage (TJ)", "Nuclear Electricity", 0.4),
    ("Energy Usage (TJ)", "Hydroelectric Electricity", 0.5),
    ("Energy Usage (TJ)", "Geothermal Electricity", 0.02),
    ("Energy Usage (TJ)", "Wind Electricity", 0.1),
    ("Energy Usage (TJ)", "Solar, Tide and Wave Electricity", 0.05),
    ("Energy Usage (TJ)", "Biomass and Waste Electricity", 0.1),
    ("I-GHG-CO2 emissions (Gg)", "Public electricity and heat production", 0.42),
    ("I-GHG-CO2 emissions (Gg)", "Manufacturing Industries and Construction", 0.2),
    ("I-GHG-CO2 emissions (Gg)", "Road transportation", 0.16),
    ("I-GHG-CO2 emissions (Gg)", "Cement production", 0.04),
    ("I-GHG-CH4 emissions (Gg)", "Enteric fermentation", 0.01),
    ("I-GHG-N2O emissions (Gg)", "Indirect N2O from non-agricultural NH3", 0.0005),
    ("PRIMAP|CO2|TOTAL|Gg", "Total", 0.97),
    ("PRIMAP|KYOTOGHGAR4|TOTAL|GgCO2eq", "Total", 1.3),
    (layout.CO2_RAW_LABEL, layout.CO2_LABELS[0][1], 1.0),
)
SATELLITE_LABELS: tuple[tuple[str, str], ...] = tuple((a, b) for a, b, _ in _SATELLITE_ROWS)


def _satellite_rows(co2: np.ndarray, noise: np.ndarray) -> list[np.ndarray]:
    """Satellite rows in the order of :data:`_SATELLITE_ROWS`: the EDGAR CO2 row is ``co2``
    itself, every other row scales with it, times its fixed lognormal ``noise`` (q, co2.size)."""
    return [
        np.round(co2, 6) if factor == 1.0 else np.round(co2 * factor * noise[i], 6)
        for i, (_, _, factor) in enumerate(_SATELLITE_ROWS)
    ]


def _trade_pull(gdp: np.ndarray, income: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(importer, exporter) trade pull without the exporter's GDP; a year's partner weights
    are this times the exporter's GDP of that year, rows rescaled to sum to 1.

    Gravity with noise: pull = GDP_importer^0.5 GDP_exporter, times a cost advantage of
    low-income exporters, (income / median income)^-0.4 (income in USD per person). Each
    importer keeps its ``_PARTNERS`` strongest suppliers and each exporter its
    ``_CUSTOMERS`` strongest buyers in the reference year (``gdp``, thousand USD), so that
    small economies export too (mostly to large ones), as in real trade; the links stay.
    """
    n_reg = gdp.size
    known = np.where(gdp > 0, income, np.nan)
    advantage = np.nan_to_num((known / np.nanmedian(known)) ** -0.4)
    noise = rng.lognormal(0.0, 0.8, (n_reg, n_reg))
    pull = np.outer(np.sqrt(gdp), gdp * advantage) * noise
    np.fill_diagonal(pull, 0.0)
    keep = np.zeros_like(pull, dtype=bool)
    for axis, count in ((1, _PARTNERS), (0, _CUSTOMERS)):
        rank = min(count, max(n_reg - 1, 1))
        cutoff = -np.sort(-pull, axis=axis).take([rank - 1], axis=axis)
        keep |= (pull >= cutoff) & (pull > 0)
    return np.where(keep, noise * advantage[None, :], 0.0)


def _import_shares(gdp: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Share of tradable purchases that each country imports in the reference year: small
    economies import more."""
    median = np.median(gdp[gdp > 0]) if np.any(gdp > 0) else 1.0
    relative = np.where(gdp > 0, gdp / median, 1.0)
    return np.clip(0.3 * relative**-0.12 * rng.lognormal(0.0, 0.15, gdp.size), 0.05, 0.7)


def _input_coefficients(rng: np.random.Generator) -> np.ndarray:
    """One country's 26 x 26 input coefficients; column j sums to sector j's input share."""
    n_sec = len(layout.SECTORS)
    supply_weight = _FINAL_DEMAND_WEIGHT + 2.0
    mix = rng.dirichlet(supply_weight, size=n_sec).T  # (input, purchaser)
    share = _INPUT_SHARE * rng.uniform(0.85, 1.1, n_sec)
    return mix * share[None, :]


def _subsidised(active: np.ndarray, rng: np.random.Generator) -> tuple[tuple[int, float], ...]:
    """The :data:`_SUBSIDISED_COUNTRIES` active countries whose :data:`_SUBSIDISED_SECTOR`
    buys inputs worth more than its output, each with its column sum of A (1.03-1.12)."""
    candidates = np.flatnonzero(active)
    count = min(_SUBSIDISED_COUNTRIES, candidates.size)
    chosen = rng.choice(candidates, size=count, replace=False)
    return tuple((int(c), float(rng.uniform(1.03, 1.12))) for c in chosen)


def _subsidise_(A: np.ndarray, subsidised: tuple[tuple[int, float], ...]) -> None:
    """Give one sector in a few countries inputs worth more than its output, in place.

    Real MRIO tables hold such sectors (negative value added: subsidies, balancing); their
    column of A sums to more than 1 while the Leontief system stays well posed. The
    :data:`_SUBSIDISED_SECTOR` column of each country of ``subsidised`` is scaled to its
    column sum.
    """
    n_sec = len(layout.SECTORS)
    sector = layout.SECTORS.index(_SUBSIDISED_SECTOR)
    for c, column_sum in subsidised:
        column = c * n_sec + sector
        total = A[:, column].sum()
        if total > 0:
            A[:, column] *= column_sum / total


def _category_split(rng: np.random.Generator, n_reg: int) -> np.ndarray:
    """(region, 6) shares of each region's final demand over Eora's six categories.

    Changes in inventories (P.52) are negative in about a third of the countries, as in
    real tables (stocks drawn down); the six shares still sum to 1.
    """
    shares = _CATEGORY_SHARE[None, :] * rng.lognormal(0.0, 0.1, size=(n_reg, 6))
    inventories = layout.FINAL_DEMAND_CATEGORIES.index("Changes in inventories P.52")
    drawn_down = rng.uniform(size=n_reg) < _INVENTORY_DRAWDOWN_SHARE
    shares[drawn_down, inventories] *= -1.0
    return shares / shares.sum(axis=1, keepdims=True)


def _with_discrepancy(world: SyntheticWorld, noise: np.ndarray) -> SyntheticWorld:
    """Append Eora's ``ROW`` statistical-discrepancy row and column (small, as upstream):
    up to 1e-4 of each sector's purchases and sales, times its fixed ``noise`` (2, n)."""
    n = world.T.shape[0]
    fd_cols = world.FD.shape[1]
    T = np.zeros((n + 1, n + 1))
    T[:n, :n] = world.T
    T[n, :n] = np.round(world.T.sum(axis=0) * 1e-4 * noise[0], 3)
    T[:n, n] = np.round(world.T.sum(axis=1) * 1e-4 * noise[1], 3)
    FD = np.zeros((n + 1, fd_cols + 6))
    FD[:n, :fd_cols] = world.FD
    FD[n, :fd_cols] = np.round(world.FD.sum(axis=0) * 1e-4, 3)
    VA = np.hstack([world.VA, np.zeros((world.VA.shape[0], 1))])
    Q = np.hstack([world.Q, np.zeros((world.Q.shape[0], 1))])
    QY = np.hstack([world.QY, np.zeros((world.QY.shape[0], 6))])
    return SyntheticWorld(
        year=world.year,
        codes=world.codes,
        names=world.names,
        T=T,
        FD=FD,
        VA=VA,
        Q=Q,
        QY=QY,
        q_labels=world.q_labels,
    )


def _label_lines(world: SyntheticWorld) -> dict[str, str]:
    """The four Eora26 label files as text (tab-separated, no header, trailing tab)."""
    t_rows = [
        f"{name}\t{code}\tIndustries\t{sector}\t"
        for code, name in zip(world.codes, world.names, strict=True)
        for sector in layout.SECTORS
    ]
    t_rows.append(
        f"{layout.DISCREPANCY_NAME}\t{layout.DISCREPANCY_CODE}\tTotal\t{layout.DISCREPANCY_SECTOR}\t"
    )
    fd_rows = [
        f"{name}\t{code}\tFinal Demand\t{category}\t"
        for code, name in [
            *zip(world.codes, world.names, strict=True),
            (layout.DISCREPANCY_CODE, layout.DISCREPANCY_NAME),
        ]
        for category in layout.FINAL_DEMAND_CATEGORIES
    ]
    va_rows = [
        f"{layout.VALUE_ADDED_GROUP}\t{category}\t" for category in layout.VALUE_ADDED_CATEGORIES
    ]
    q_rows = [f"{stressor}\t{source}\t" for stressor, source in world.q_labels]
    return {
        "labels_T.txt": "\n".join(t_rows) + "\n",
        "labels_FD.txt": "\n".join(fd_rows) + "\n",
        "labels_VA.txt": "\n".join(va_rows) + "\n",
        "labels_Q.txt": "\n".join(q_rows) + "\n",
    }


def _tab_separated(matrix: np.ndarray) -> bytes:
    """A matrix as tab-separated text without header (shortest round-trip float format)."""
    table = pa.Table.from_arrays(
        [pa.array(column) for column in matrix.T], names=[str(i) for i in range(matrix.shape[1])]
    )
    sink = pa.BufferOutputStream()
    options = pacsv.WriteOptions(include_header=False, delimiter="\t", quoting_style="none")
    pacsv.write_csv(table, sink, options)
    return sink.getvalue().to_pybytes()


def write_eora26_zip(world: SyntheticWorld, target: Path, price: str = "bp") -> None:
    """Write ``Eora26_{year}_{price}.zip`` with the five tables and four label files.

    The archive is byte-identical for identical worlds (fixed member order and timestamps).
    """
    members = {
        name: _tab_separated(getattr(world, key))
        for key, name in layout.table_names(world.year, price).items()
    }
    members.update({name: text.encode() for name, text in _label_lines(world).items()})
    with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        for name, payload in members.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, payload, compresslevel=6)


def read_natural_earth_economies(dbf_path: Path, iso3_fixes: pd.DataFrame) -> pd.DataFrame:
    """Read ``iso3``, ``name``, ``gdp_md_est`` and ``pop_est`` from the Natural Earth table.

    ``iso3_fixes`` (columns ``name``, ``iso3``) supplies codes where Natural Earth has -99.
    The attribute table is read by GDAL (pyogrio) without the geometries; the text encoding
    comes from the ``.cpg`` file next to it.
    """
    columns = ["name", "iso_a3", "gdp_md_est", "pop_est"]
    try:
        frame = pyogrio.read_dataframe(dbf_path, columns=columns, read_geometry=False)
    except (OSError, pyogrio.errors.DataSourceError, ValueError) as err:
        raise WorkflowInputError(f"cannot read the Natural Earth table {dbf_path}: {err}") from err
    fixes = iso3_fixes.set_index("name")["iso3"]
    iso3 = frame["iso_a3"].where(~frame["name"].isin(fixes.index), frame["name"].map(fixes))
    return pd.DataFrame(
        {
            "iso3": iso3,
            "name": frame["name"],
            "gdp_md_est": pd.to_numeric(frame["gdp_md_est"], errors="coerce"),
            "pop_est": pd.to_numeric(frame["pop_est"], errors="coerce"),
        }
    )
