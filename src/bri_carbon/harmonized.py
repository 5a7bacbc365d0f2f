"""The harmonized system: ISO3 regions x the 26 common sectors, in output units.

One netCDF file per source and year holds an :class:`xarray.Dataset` with

- ``Z`` (region, sector, purchaser_region, purchaser_sector): intermediate flows, million USD
- ``Y`` (region, sector, purchaser_region, category): final demand, million USD
- ``F`` (region, sector): industry CO2, Mt
- ``F_Y`` (purchaser_region, category): household direct CO2, Mt
- ``VA`` (region, sector): value added (all categories summed), million USD

and attributes ``source``, ``year``, ``synthetic`` and the source units. Unit conversion
from the source (Eora26: thousand USD and Gg; EXIOBASE 3: million EUR, converted with the
annual rates of ``config/exchange_rates.csv``, and kg) happens here and nowhere else, and so
does the mapping of source sectors to the common sectors (CSV concordances under config/).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from bri_carbon import units
from bri_carbon.atomic import atomic_path
from bri_carbon.errors import WorkflowInputError
from bri_carbon.harmonized_layout import DIMS, DISCREPANCY_PREFIX

if TYPE_CHECKING:  # pymrio (and the matplotlib it imports) is not needed to read a dataset
    import pymrio

log = logging.getLogger(__name__)

CO2_EXTENSION = "co2"
VALUE_ADDED_EXTENSION = "value_added"
CONCORDANCE_COLUMNS = ("source_sector", "target_sector")
EXCHANGE_RATE_COLUMNS = ("year", "usd_per_eur", "source")


def read_concordance(path: Path) -> pd.Series:
    """Read a sector concordance CSV (``source_sector``, ``target_sector``, ...).

    Returns source sector -> target sector. Fails when a source sector is listed twice or
    a row is incomplete, naming the rows.
    """
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read sector concordance {path}: {err}") from err
    missing = [column for column in CONCORDANCE_COLUMNS if column not in table.columns]
    if missing:
        raise WorkflowInputError(f"{path} lacks columns {missing}")
    twice = sorted(set(table["source_sector"][table["source_sector"].duplicated()]))
    if twice:
        raise WorkflowInputError(f"{path} maps these source sectors more than once: {twice}")
    empty = table.loc[
        (table["source_sector"].str.strip() == "") | (table["target_sector"].str.strip() == ""),
        "source_sector",
    ].tolist()
    if empty:
        raise WorkflowInputError(f"{path} has rows without a source or target sector: {empty}")
    return table.set_index("source_sector")["target_sector"]


def check_concordance(
    concordance: pd.Series, source_sectors: list[str], targets: tuple[str, ...], path: Path
) -> None:
    """Every sector of the data is mapped exactly once, to one of ``targets``, and the
    concordance lists no sector that the data lacks (a sign of the wrong system or version).
    """
    unmapped = sorted(set(source_sectors) - set(concordance.index))
    unused = sorted(set(concordance.index) - set(source_sectors))
    if unmapped or unused:
        raise WorkflowInputError(
            f"{path} does not match the sectors of the data: {len(unmapped)} data sectors "
            f"unmapped {unmapped[:5]}, {len(unused)} concordance rows not in the data "
            f"{unused[:5]}. Use the concordance of the configured system (ixi or pxp)."
        )
    unknown = sorted(set(concordance) - set(targets))
    if unknown:
        raise WorkflowInputError(
            f"{path} maps to sectors that are not common sectors: {unknown}; use the "
            "Eora26 sector names exactly as spelled in bri_carbon.eora26_layout.SECTORS."
        )


def read_exchange_rates(path: Path) -> pd.DataFrame:
    """The annual rate table (``year``, ``usd_per_eur``, ``source``), indexed by year."""
    try:
        table = pd.read_csv(path, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read exchange rates {path}: {err}") from err
    missing = [column for column in EXCHANGE_RATE_COLUMNS if column not in table.columns]
    if missing:
        raise WorkflowInputError(f"{path} lacks columns {missing}")
    if table["year"].duplicated().any():
        raise WorkflowInputError(f"{path} lists a year more than once")
    return table.set_index("year")


def money_to_million_usd(
    money_unit: str, year: int, exchange_rates: pd.DataFrame | None, path: Path | None = None
) -> tuple[float, dict[str, float | str]]:
    """Factor from the source's money unit to million current USD, and attributes that
    record it. Units in EUR (``M.EUR``) use the year's ``usd_per_eur`` of ``exchange_rates``;
    USD units need no rate. Never labels EUR as USD: an EUR unit without a rate fails.
    """
    scale = units.money_factor_to_million(money_unit)
    if "USD" in money_unit:
        return scale, {}
    if "EUR" not in money_unit:
        raise WorkflowInputError(f"no conversion from the currency of {money_unit!r} to USD")
    if exchange_rates is None or int(year) not in exchange_rates.index:
        raise WorkflowInputError(
            f"{path or 'the exchange-rate table'} has no USD per EUR rate for {year}; add "
            "the annual average rate (year,usd_per_eur,source)."
        )
    rate = float(exchange_rates.loc[int(year), "usd_per_eur"])
    if not rate > 0:
        raise WorkflowInputError(f"{path}: the rate for {year} must be positive, not {rate}")
    return scale * rate, {
        "usd_per_eur": rate,
        "exchange_rate_source": str(exchange_rates.loc[int(year), "source"]),
    }


def discrepancy_attrs(values: dict[str, float | str]) -> dict[str, float]:
    """Dataset attributes of the source's dropped discrepancy entries, in million USD.

    ``values``: as returned by :func:`bri_carbon.eora26.discrepancy` (with its ``unit``).
    """
    factor = units.money_factor_to_million(str(values["unit"]))
    return {
        f"{DISCREPANCY_PREFIX}{key}_musd": float(value) * factor
        for key, value in sorted(values.items())
        if key != "unit"
    }


def region_mapping(region_codes: pd.DataFrame, source: str) -> pd.Series:
    """Map of one source's region codes to output region codes (ISO3 or aggregate code).

    ``region_codes``: the table of ``config/region_codes.csv``. The synthetic world uses the
    Eora26 codes.
    """
    table_source = "eora26" if source == "synthetic" else source
    rows = region_codes[region_codes["source"] == table_source]
    duplicated = rows["source_code"][rows["source_code"].duplicated()].tolist()
    if duplicated:
        raise WorkflowInputError(
            f"region code table lists {table_source} codes more than once: {duplicated}"
        )
    return rows.set_index("source_code")["region"]


def _relabel(
    index: pd.MultiIndex, regions: pd.Series, sectors: pd.Series | None, what: str
) -> pd.MultiIndex:
    """Replace source region (level 0) and sector (level 1) labels by harmonized ones."""
    source_regions = index.get_level_values(0)
    unknown = sorted(set(source_regions) - set(regions.index))
    if unknown:
        raise WorkflowInputError(
            f"{what}: region codes {unknown} are not in config/region_codes.csv; add a row "
            "per code (columns source, source_code, region, name, note)."
        )
    second = index.get_level_values(1)
    if sectors is not None:
        unmapped = sorted(set(second) - set(sectors.index))
        if unmapped:
            raise WorkflowInputError(
                f"{what}: source sectors {unmapped} have no row in the sector concordance."
            )
        second = second.map(sectors)
    return pd.MultiIndex.from_arrays(
        [source_regions.map(regions), second], names=["region", index.names[1]]
    )


def _aggregate(frame: pd.DataFrame, rows: bool, columns: bool) -> pd.DataFrame:
    """Sum duplicate labels on the chosen axes (no-op where labels are already unique)."""
    if rows and not frame.index.is_unique:
        frame = frame.groupby(level=[0, 1], sort=False).sum()
    if columns and not frame.columns.is_unique:
        frame = frame.T.groupby(level=[0, 1], sort=False).sum().T
    return frame


def harmonize(
    system: pymrio.IOSystem,
    *,
    source: str,
    year: int,
    regions: pd.Series,
    sectors: tuple[str, ...],
    sector_map: pd.Series | None = None,
    money_per_million: float | None = None,
    synthetic: bool = False,
    attrs: dict[str, float | str] | None = None,
) -> xr.Dataset:
    """Turn a parsed pymrio system into the harmonized dataset (see module docstring).

    ``regions`` maps source region codes to output codes; ``sector_map`` maps source
    sectors to ``sectors`` (None when the source already uses them). Money is converted to
    million USD with the factor read from ``system.unit`` unless ``money_per_million`` (e.g.
    an exchange rate times a scale) is given. Emissions are converted to Mt from the unit
    of the ``co2`` extension. ``attrs`` are added to the dataset's attributes (e.g. the
    exchange rate used, the discrepancy sizes).
    """
    co2 = getattr(system, CO2_EXTENSION)
    value_added = getattr(system, VALUE_ADDED_EXTENSION)
    money_unit = str(system.unit.iloc[0, 0])
    money = (
        money_per_million
        if money_per_million is not None
        else money_to_million_usd(money_unit, year, None)[0]
    )
    va_units = set(value_added.unit.iloc[:, 0].astype(str).str.strip())
    if va_units != {money_unit.strip()}:
        raise WorkflowInputError(
            f"value added of {source} {year} is in {sorted(va_units)}, Z and Y in {money_unit}"
        )
    co2_units = set(co2.unit.iloc[:, 0].astype(str))
    if len(co2_units) != 1:
        raise WorkflowInputError(f"CO2 rows of {source} {year} mix units {sorted(co2_units)}")
    emission = units.emission_factor_to_mt(co2_units.pop())

    what = f"{source} {year}"
    node = _relabel(system.Z.index, regions, sector_map, what)
    Z = system.Z.set_axis(node, axis=0).set_axis(node, axis=1)
    Z = _aggregate(Z, rows=True, columns=True)
    Y = system.Y.set_axis(node, axis=0)
    Y.columns = pd.MultiIndex.from_arrays(
        [Y.columns.get_level_values(0).map(regions), Y.columns.get_level_values(1)],
        names=["purchaser_region", "category"],
    )
    Y = _aggregate(Y, rows=True, columns=True)
    F = _aggregate(co2.F.sum(axis=0).to_frame("F").set_axis(node, axis=0), True, False)["F"]
    VA = _aggregate(value_added.F.sum(axis=0).to_frame("VA").set_axis(node, axis=0), True, False)[
        "VA"
    ]
    F_Y = co2.F_Y.sum(axis=0)
    F_Y.index = pd.MultiIndex.from_arrays(
        [F_Y.index.get_level_values(0).map(regions), F_Y.index.get_level_values(1)]
    )
    F_Y = F_Y.groupby(level=[0, 1], sort=False).sum()

    region_order = sorted(set(node.get_level_values(0)))
    categories = list(dict.fromkeys(Y.columns.get_level_values(1)))
    full = pd.MultiIndex.from_product([region_order, list(sectors)], names=["region", "sector"])
    present = set(node.get_level_values(1))
    extra = sorted(present - set(sectors))
    if extra:
        raise WorkflowInputError(
            f"{what}: sectors {extra} are not among the common sectors; map them in the "
            "sector concordance."
        )
    fd_columns = pd.MultiIndex.from_product([region_order, categories])
    r, s, k = len(region_order), len(sectors), len(categories)

    z_values = Z.reindex(index=full, columns=full, fill_value=0.0).to_numpy(dtype=float)
    y_values = Y.reindex(index=full, columns=fd_columns, fill_value=0.0).to_numpy(dtype=float)
    dataset = xr.Dataset(
        data_vars={
            "Z": (
                DIMS["Z"],
                (z_values * money).reshape(r, s, r, s),
                {"units": "million USD", "long_name": "intermediate flows"},
            ),
            "Y": (
                DIMS["Y"],
                (y_values * money).reshape(r, s, r, k),
                {"units": "million USD", "long_name": "final demand"},
            ),
            "F": (
                DIMS["F"],
                (F.reindex(full, fill_value=0.0).to_numpy(float) * emission).reshape(r, s),
                {"units": "Mt CO2", "long_name": "industry CO2 emissions"},
            ),
            "F_Y": (
                DIMS["F_Y"],
                (F_Y.reindex(fd_columns, fill_value=0.0).to_numpy(float) * emission).reshape(r, k),
                {"units": "Mt CO2", "long_name": "household direct CO2 emissions"},
            ),
            "VA": (
                DIMS["VA"],
                (VA.reindex(full, fill_value=0.0).to_numpy(float) * money).reshape(r, s),
                {"units": "million USD", "long_name": "value added"},
            ),
        },
        coords={
            "region": region_order,
            "sector": list(sectors),
            "purchaser_region": region_order,
            "purchaser_sector": list(sectors),
            "category": categories,
        },
        attrs={
            "source": source,
            "year": int(year),
            "synthetic": int(synthetic),
            "source_money_unit": money_unit,
            "money_to_million_usd": float(money),
            "emission_to_mt": float(emission),
            **(attrs or {}),
        },
    )
    log.info(
        "harmonized %s: %d regions x %d sectors, %d final-demand categories",
        what,
        r,
        s,
        k,
    )
    return dataset


def write(dataset: xr.Dataset, target: Path) -> None:
    """Write the harmonized dataset as netCDF 4 (h5netcdf engine), atomically."""
    with atomic_path(target) as tmp:
        dataset.to_netcdf(tmp, engine="h5netcdf")


def read(path: Path) -> xr.Dataset:
    """Load a harmonized dataset fully into memory (the accounts step reads the file with
    :mod:`bri_carbon.account_inputs` instead, block by block)."""
    try:
        return xr.load_dataset(path, engine="h5netcdf")
    except (OSError, ValueError) as err:
        raise WorkflowInputError(
            f"{path} is not a readable harmonized dataset ({err}); delete it and rerun."
        ) from err


def node_matrix(dataset: xr.Dataset) -> np.ndarray:
    """``Z`` as an (n, n) float64 array, n = regions x sectors, region-major order."""
    r, s = dataset.sizes["region"], dataset.sizes["sector"]
    return dataset["Z"].to_numpy().reshape(r * s, r * s)


def final_demand_by_region(dataset: xr.Dataset) -> np.ndarray:
    """(n, r) final demand of each purchasing region, categories summed, million USD.

    Summed without xarray's NaN skipping, which would first copy the whole array;
    harmonized data has no NaN (checked at parsing).
    """
    y = dataset["Y"].sum("category", skipna=False)
    r, s = dataset.sizes["region"], dataset.sizes["sector"]
    return y.to_numpy().reshape(r * s, r)
