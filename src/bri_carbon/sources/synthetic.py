"""A deterministic synthetic world written in the exact Eora26 release layout.

The default data of the workflow: no account and no network are needed, and the files go
through the same parser as real Eora26 downloads. Economy sizes come from the public-domain
Natural Earth GDP and population columns; structure, trade and emission intensities are drawn
from a seeded generator so that the numbers *look* like the real world (large economies trade
less, poorer economies emit more CO2 per dollar, electricity and metals are carbon-heavy). The
numbers are not real data, and every output made from them is labelled "synthetic".

Monetary values are thousand current USD and emissions Gg, as in Eora26.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from bri_carbon.runtime.atomic import atomic_path
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import eora26_layout as layout

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
#: Strongest suppliers kept per importing country.
_PARTNERS = 30
#: Strongest customers kept per exporting country.
_CUSTOMERS = 12
#: World industry CO2 in the reference year, Mt; every synthetic year is calibrated to it.
_WORLD_INDUSTRY_MT = 30_000.0
_REFERENCE_YEAR = 2015


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


def make_world(economies: pd.DataFrame, year: int, seed: int) -> SyntheticWorld:
    """Draw a balanced synthetic MRIO system for ``year`` (deterministic in seed and year).

    ``economies``: as returned by :func:`economies_table`. The system is balanced by
    construction: gross output solves x = A x + y, so Z 1 + Y 1 = x.
    """
    rng = np.random.default_rng([seed, year])
    codes = tuple(economies.index)
    n_reg, n_sec = len(codes), len(layout.SECTORS)
    n = n_reg * n_sec
    growth = 1.03 ** (year - _REFERENCE_YEAR)
    gdp = economies["gdp_musd"].to_numpy(float) * 1e3 * growth  # thousand USD
    active = gdp > 0
    gdp_per_capita = gdp * 1e3 / economies["population"].to_numpy(float)

    partners = _partner_weights(gdp, gdp_per_capita, rng)
    import_share = _import_shares(gdp, rng)
    sector_open = np.outer(import_share, _TRADABILITY).clip(0, 0.9)  # (region, sector)

    A = np.zeros((n, n))
    Y_region = np.zeros((n, n_reg))
    reexport = layout.SECTORS.index("Re-export & Re-import")
    for c in range(n_reg):
        if not active[c]:
            continue
        block = slice(c * n_sec, (c + 1) * n_sec)
        inputs = _input_coefficients(rng)
        demand = gdp[c] * rng.dirichlet(_FINAL_DEMAND_WEIGHT * 40 + 1e-3)
        if codes[c] not in _REEXPORT_HUBS:
            inputs[reexport, :] = 0.0
            inputs[:, reexport] = 0.0
            demand[reexport] = 0.0
        domestic = 1.0 - sector_open[c]
        A[block, block] = inputs * domestic[:, None]
        Y_region[block, c] = demand * domestic
        for p in np.flatnonzero(partners[c]):
            rows = slice(p * n_sec, (p + 1) * n_sec)
            share = sector_open[c] * partners[c, p]
            A[rows, block] = inputs * share[:, None]
            Y_region[rows, c] = demand * share
        if codes[c] not in _REEXPORT_HUBS:
            A[reexport::n_sec, block.start + reexport] = 0.0
    for c in np.flatnonzero(~active):
        A[c * n_sec : (c + 1) * n_sec, :] = 0.0
        Y_region[c * n_sec : (c + 1) * n_sec, :] = 0.0
    _subsidise_(A, active, rng)

    x = np.linalg.solve(np.eye(n) - A, Y_region.sum(axis=1))
    x[x < 1e-9] = 0.0
    Z = A * x[None, :]
    categories = _category_split(rng, n_reg)
    Y = (Y_region[:, :, None] * categories[None, :, :]).reshape(n, n_reg * 6)
    value_added = x - Z.sum(axis=0)
    VA = _VALUE_ADDED_SHARE[:, None] * value_added[None, :]

    co2 = _industry_co2(x, gdp_per_capita, active, year, rng)
    household_co2 = np.zeros(n_reg * 6)
    region_co2 = co2.reshape(n_reg, n_sec).sum(axis=1)
    household_co2[0::6] = region_co2 * rng.uniform(0.08, 0.16, n_reg)

    return _with_discrepancy(
        SyntheticWorld(
            year=year,
            codes=codes,
            names=tuple(economies["name"]),
            T=np.round(Z, 3),
            FD=np.round(Y, 3),
            VA=np.round(VA, 3),
            Q=np.vstack(_satellite_rows(co2, rng)),
            QY=np.vstack(_satellite_rows(household_co2, rng)),
            q_labels=SATELLITE_LABELS,
        ),
        rng,
    )


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


def _satellite_rows(co2: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """Satellite rows in the order of :data:`_SATELLITE_ROWS`: the EDGAR CO2 row is ``co2``
    itself, every other row scales with it (times lognormal noise)."""
    noise = rng.lognormal(0.0, 0.3, size=(len(_SATELLITE_ROWS), co2.size))
    return [
        np.round(co2, 6) if factor == 1.0 else np.round(co2 * factor * noise[i], 6)
        for i, (_, _, factor) in enumerate(_SATELLITE_ROWS)
    ]


def _partner_weights(
    gdp: np.ndarray, gdp_per_capita: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """(importer, exporter) trade weights, rows summing to 1.

    Gravity with noise: pull = GDP_importer^0.5 GDP_exporter, times a cost advantage of
    low-income exporters, (income / median income)^-0.4. Each importer keeps its
    ``_PARTNERS`` strongest suppliers and each exporter its ``_CUSTOMERS`` strongest buyers,
    so that small economies export too (mostly to large ones), as in real trade.
    """
    n_reg = gdp.size
    income = np.where(gdp > 0, gdp_per_capita, np.nan)
    advantage = np.nan_to_num((income / np.nanmedian(income)) ** -0.4)
    pull = np.outer(np.sqrt(gdp), gdp * advantage) * rng.lognormal(0.0, 0.8, (n_reg, n_reg))
    np.fill_diagonal(pull, 0.0)
    keep = np.zeros_like(pull, dtype=bool)
    for axis, count in ((1, _PARTNERS), (0, _CUSTOMERS)):
        rank = min(count, max(n_reg - 1, 1))
        cutoff = -np.sort(-pull, axis=axis).take([rank - 1], axis=axis)
        keep |= (pull >= cutoff) & (pull > 0)
    pull = np.where(keep, pull, 0.0)
    totals = pull.sum(axis=1, keepdims=True)
    return np.divide(pull, totals, out=np.zeros_like(pull), where=totals > 0)


def _import_shares(gdp: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Share of tradable purchases that each country imports: small economies import more."""
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


def _subsidise_(A: np.ndarray, active: np.ndarray, rng: np.random.Generator) -> None:
    """Give one sector in a few countries inputs worth more than its output, in place.

    Real MRIO tables hold such sectors (negative value added: subsidies, balancing); their
    column of A sums to more than 1 while the Leontief system stays well posed. The
    :data:`_SUBSIDISED_SECTOR` column of :data:`_SUBSIDISED_COUNTRIES` active countries is
    scaled to a column sum between 1.03 and 1.12.
    """
    n_sec = len(layout.SECTORS)
    sector = layout.SECTORS.index(_SUBSIDISED_SECTOR)
    candidates = np.flatnonzero(active)
    count = min(_SUBSIDISED_COUNTRIES, candidates.size)
    for c in rng.choice(candidates, size=count, replace=False):
        column = c * n_sec + sector
        total = A[:, column].sum()
        if total > 0:
            A[:, column] *= rng.uniform(1.03, 1.12) / total


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


def _industry_co2(
    x: np.ndarray,
    gdp_per_capita: np.ndarray,
    active: np.ndarray,
    year: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Industry CO2 in Gg: a country intensity falling with income, times sector weights.

    Calibrated so that world industry CO2 is ``_WORLD_INDUSTRY_MT`` in the reference year,
    growing 1% a year.
    """
    n_reg = gdp_per_capita.size
    n_sec = len(layout.SECTORS)
    income = np.where(active, gdp_per_capita, 1.0)
    country = np.clip(income / 10_000, 0.02, None) ** -0.45 * rng.lognormal(0.0, 0.25, n_reg)
    sector = _SECTOR_CARBON[None, :] * rng.lognormal(0.0, 0.2, size=(n_reg, n_sec))
    raw = (country[:, None] * sector).ravel() * x
    total = raw.sum()
    target_gg = _WORLD_INDUSTRY_MT * 1e3 * 1.01 ** (year - _REFERENCE_YEAR)
    return raw * (target_gg / total) if total > 0 else raw


def _with_discrepancy(world: SyntheticWorld, rng: np.random.Generator) -> SyntheticWorld:
    """Append Eora's ``ROW`` statistical-discrepancy row and column (small, as upstream)."""
    n = world.T.shape[0]
    fd_cols = world.FD.shape[1]
    T = np.zeros((n + 1, n + 1))
    T[:n, :n] = world.T
    T[n, :n] = np.round(world.T.sum(axis=0) * 1e-4 * rng.uniform(0, 1, n), 3)
    T[:n, n] = np.round(world.T.sum(axis=1) * 1e-4 * rng.uniform(0, 1, n), 3)
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
    The text encoding comes from the ``.cpg`` file next to the table (Latin-1 if absent).
    """
    import shapefile

    codepage = Path(dbf_path).with_suffix(".cpg")
    encoding = codepage.read_text().strip() if codepage.exists() else "latin1"
    with shapefile.Reader(dbf=io.BytesIO(Path(dbf_path).read_bytes()), encoding=encoding) as reader:
        fields = [field[0] for field in reader.fields[1:]]
        frame = pd.DataFrame([list(record) for record in reader.records()], columns=fields)
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
