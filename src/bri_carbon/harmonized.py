"""The harmonized system: ISO3 regions x the 26 common sectors, in output units.

One netCDF file per source and year holds an :class:`xarray.Dataset` with

- ``Z`` (region, sector, purchaser_region, purchaser_sector): intermediate flows, million USD
- ``Y`` (region, sector, purchaser_region, category): final demand, million USD
- ``F`` (region, sector): industry CO2, Mt
- ``F_Y`` (purchaser_region, category): household direct CO2, Mt
- ``VA`` (region, sector): value added (all categories summed), million USD

and attributes ``source``, ``year``, ``synthetic`` and the source units. Unit conversion
from the source (Eora26: thousand USD and Gg) happens here and nowhere else.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio
import xarray as xr

from bri_carbon import units
from bri_carbon.atomic import atomic_path
from bri_carbon.errors import WorkflowInputError

log = logging.getLogger(__name__)

CO2_EXTENSION = "co2"
VALUE_ADDED_EXTENSION = "value_added"


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
) -> xr.Dataset:
    """Turn a parsed pymrio system into the harmonized dataset (see module docstring).

    ``regions`` maps source region codes to output codes; ``sector_map`` maps source
    sectors to ``sectors`` (None when the source already uses them). Money is converted to
    million USD with the factor read from ``system.unit`` unless ``money_per_million`` (e.g.
    an exchange rate times a scale) is given. Emissions are converted to Mt from the unit
    of the ``co2`` extension.
    """
    co2 = getattr(system, CO2_EXTENSION)
    value_added = getattr(system, VALUE_ADDED_EXTENSION)
    money_unit = str(system.unit.iloc[0, 0])
    money = (
        money_per_million
        if money_per_million is not None
        else units.money_factor_to_million(money_unit)
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
                ("region", "sector", "purchaser_region", "purchaser_sector"),
                (z_values * money).reshape(r, s, r, s),
                {"units": "million USD", "long_name": "intermediate flows"},
            ),
            "Y": (
                ("region", "sector", "purchaser_region", "category"),
                (y_values * money).reshape(r, s, r, k),
                {"units": "million USD", "long_name": "final demand"},
            ),
            "F": (
                ("region", "sector"),
                (F.reindex(full, fill_value=0.0).to_numpy(float) * emission).reshape(r, s),
                {"units": "Mt CO2", "long_name": "industry CO2 emissions"},
            ),
            "F_Y": (
                ("purchaser_region", "category"),
                (F_Y.reindex(fd_columns, fill_value=0.0).to_numpy(float) * emission).reshape(r, k),
                {"units": "Mt CO2", "long_name": "household direct CO2 emissions"},
            ),
            "VA": (
                ("region", "sector"),
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
    """Load a harmonized dataset fully into memory."""
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
    """(n, r) final demand of each purchasing region, categories summed, million USD."""
    y = dataset["Y"].sum("category")
    r, s = dataset.sizes["region"], dataset.sizes["sector"]
    return y.to_numpy().reshape(r * s, r)
