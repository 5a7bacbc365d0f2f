"""The native cache: one netCDF file per source and year, and its one writer, :func:`write_cache`.

Contract (layout version :data:`~bri_carbon.harmonize.layout.FORMAT_VERSION`; names and
dimensions in :mod:`bri_carbon.harmonize.layout`). A netCDF 4 file (HDF5 underneath, readable
with h5py, h5netcdf or xarray) holding the source's own regions and sectors, never
aggregated (the Leontief system is solved at this resolution), n = r regions x s sectors in
region-major order, k final-demand categories per region:

- coordinates ``region`` (r,), ``sector`` (s,), ``purchaser_region`` (r, the same codes in
  the same order as ``region``), ``purchaser_sector`` (s, as ``sector``), ``category`` (k,):
  the source's labels, verbatim (variable-length UTF-8 strings);
- ``Z`` (region, sector, purchaser_region, purchaser_sector), float64, million USD:
  intermediate flows; stored contiguous and uncompressed, so that readers take row blocks
  (``Z[first:stop]`` along ``region``) or map it without copies;
- ``Y`` (region, sector, purchaser_region, category), float64, million USD: final demand;
- ``F`` (region, sector), float64, Mt CO2: industry emissions;
- ``F_Y`` (purchaser_region, category), float64, Mt CO2: household direct emissions;
- ``VA`` (region, sector), float64, million USD: value added, all its rows summed;
- ``output_region`` (region,), string: the code each source region is reported under
  (ISO3, or the source's own code for aggregates; ``data/region_codes.csv``);
- ``common_sector`` (sector,), string: the common (Eora26) sector of each source sector;
- for sources with a statistical-discrepancy entry (Eora's ``ROW``), all three of
  ``discrepancy_inputs`` (region, sector): purchases of each sector from it,
  ``discrepancy_sales`` (region, sector): sales of each sector to it, and
  ``discrepancy_final_demand`` (purchaser_region, category): final demand bought from it,
  million USD; with the attributes ``source_discrepancy_value_added_of_row_musd`` and
  ``source_discrepancy_row_to_row_musd``.

Each data variable has the attributes ``units`` and ``long_name``. File attributes:
``format_version``, ``source``, ``year``, ``synthetic`` (0/1), ``source_money_unit``,
``money_to_million_usd``, ``emission_to_mt``, ``co2_rows`` (JSON list of the satellite rows
summed into F) and any attributes the source adds (e.g. ``usd_per_eur`` and
``exchange_rate_source`` for EXIOBASE).

Readers: :mod:`bri_carbon.harmonize.account_inputs` (h5py; Z mapped from the file, which
:func:`write_cache` stores as one contiguous block, and taken in row blocks) for the accounts
and drivers, :func:`bri_carbon.harmonize.account_inputs.read_attributes` for provenance.
Writers: every source reader calls :func:`write_cache`; it writes Z from row blocks as they
come (never a second n x n copy) and renames the file into place only when every row and
every variable has been written (a failed run leaves no partial cache).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import h5netcdf
import h5py
import numpy as np

from bri_carbon.harmonize.layout import DIMS, DISCREPANCY_DIMS, DISCREPANCY_PREFIX, FORMAT_VERSION
from bri_carbon.runtime.atomic import atomic_path

log = logging.getLogger(__name__)

#: units and long_name of each data variable.
VARIABLE_ATTRS: dict[str, dict[str, str]] = {
    "Z": {"units": "million USD", "long_name": "intermediate flows"},
    "Y": {"units": "million USD", "long_name": "final demand"},
    "F": {"units": "Mt CO2", "long_name": "industry CO2 emissions"},
    "F_Y": {"units": "Mt CO2", "long_name": "household direct CO2 emissions"},
    "VA": {"units": "million USD", "long_name": "value added"},
    "output_region": {"long_name": "region code of the results"},
    "common_sector": {"long_name": "common (Eora26) sector of the sector-level results"},
    "discrepancy_inputs": {
        "units": "million USD",
        "long_name": "purchases of each sector from the ROW discrepancy entry",
    },
    "discrepancy_sales": {
        "units": "million USD",
        "long_name": "sales of each sector to the ROW discrepancy entry",
    },
    "discrepancy_final_demand": {
        "units": "million USD",
        "long_name": "final demand bought from the ROW discrepancy entry",
    },
}

#: Z given as row blocks: (first row, block of shape (rows, n)), rows of n = regions x sectors
#: in region-major order, million USD; blocks may come in any order but must cover every
#: row exactly once.
ZRowBlocks = Iterable[tuple[int, np.ndarray]]


@dataclass(frozen=True)
class CacheLabels:
    """The labels of a cache: ``regions`` (r source codes), ``sectors`` (s), ``categories``
    (k final-demand categories per region), ``output_regions`` (r, the code of each source
    region in the results) and ``common_sectors`` (s, the common sector of each sector)."""

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    categories: tuple[str, ...]
    output_regions: tuple[str, ...]
    common_sectors: tuple[str, ...]

    @property
    def n(self) -> int:
        """Number of region-sectors."""
        return len(self.regions) * len(self.sectors)


@dataclass(frozen=True)
class CacheDiscrepancy:
    """A statistical-discrepancy entry (Eora's ``ROW``), million USD: ``inputs`` (n,),
    ``sales`` (n,), ``final_demand`` (r x k,), ``value_added_of_row`` and ``row_to_row``."""

    inputs: np.ndarray
    sales: np.ndarray
    final_demand: np.ndarray
    value_added_of_row: float
    row_to_row: float


@dataclass(frozen=True)
class CacheArrays:
    """Everything but Z, in output units: ``final_demand`` (n, r x k) million USD,
    ``emissions`` (n,) and ``household_emissions`` (r x k,) Mt CO2, ``value_added`` (n,)
    million USD, and the ``discrepancy`` entry if the source has one."""

    final_demand: np.ndarray
    emissions: np.ndarray
    household_emissions: np.ndarray
    value_added: np.ndarray
    discrepancy: CacheDiscrepancy | None = None


def _strings(file: h5netcdf.File, name: str, dims: tuple[str, ...], values) -> None:
    """A variable of labels (variable-length UTF-8 strings) with its attributes."""
    variable = file.create_variable(name, dims, dtype=h5py.string_dtype())
    variable[:] = np.array([str(value) for value in values], dtype=object)
    for key, value in VARIABLE_ATTRS.get(name, {}).items():
        variable.attrs[key] = value


def _numbers(file: h5netcdf.File, name: str, values: np.ndarray, shape: tuple[int, ...]) -> None:
    """A float64 data variable of ``shape`` (its dimensions from the layout) with its
    attributes; ``values`` must have as many elements."""
    array = np.asarray(values, dtype=np.float64)
    if array.size != int(np.prod(shape)):
        raise ValueError(f"cache variable {name}: {array.shape} does not fit {shape}")
    variable = file.create_variable(name, DIMS.get(name) or DISCREPANCY_DIMS[name], dtype="f8")
    variable[...] = array.reshape(shape)
    for key, value in VARIABLE_ATTRS[name].items():
        variable.attrs[key] = value


def _write_rows(z: h5netcdf.Variable, first: int, block: np.ndarray, r: int, s: int) -> None:
    """Write rows ``first`` .. ``first + len(block) - 1`` of Z seen as (n, n) into the
    (region, sector, purchaser_region, purchaser_sector) variable: a partial region at
    either end and whole regions between, each one hyperslab."""
    stop = first + block.shape[0]
    row = first
    while row < stop:
        region, sector = divmod(row, s)
        if sector == 0 and stop - row >= s:
            regions = (stop - row) // s
            part = block[row - first : row - first + regions * s]
            z[region : region + regions] = part.reshape(regions, s, r, s)
            row += regions * s
        else:
            end = min(stop, (region + 1) * s)
            part = block[row - first : end - first]
            z[region, sector : sector + end - row] = part.reshape(end - row, r, s)
            row = end


def _row_blocks(intermediate: np.ndarray | ZRowBlocks, n: int) -> ZRowBlocks:
    """Row blocks of about 16 MB of an in-memory Z (views), or the blocks given."""
    if isinstance(intermediate, np.ndarray):
        matrix = intermediate.reshape(n, n)
        step = max(1, (16 * 2**20) // max(8 * n, 1))
        return ((first, matrix[first : first + step]) for first in range(0, n, step))
    return intermediate


def write_cache(
    target: Path,
    labels: CacheLabels,
    intermediate: np.ndarray | ZRowBlocks,
    arrays: CacheArrays | Callable[[], CacheArrays],
    attrs: Mapping[str, str | int | float],
) -> None:
    """Write the native cache of one source year to ``target`` (see the module docstring).

    ``intermediate``: Z (n, n) in million USD, as an array or as row blocks
    (:data:`ZRowBlocks`), which are written as they come (peak memory: one block).
    ``arrays``: the other variables, or a function called once Z is written (for readers
    that learn them while streaming Z, such as Eora's discrepancy entry). ``attrs``: the
    file attributes (``format_version`` is added). The file appears at ``target`` only when
    complete; an exception leaves no file behind.
    """
    r, s, k = len(labels.regions), len(labels.sectors), len(labels.categories)
    n = labels.n
    if len(labels.output_regions) != r or len(labels.common_sectors) != s:
        raise ValueError("cache labels: one output region per region, one common sector per sector")
    with atomic_path(Path(target)) as tmp, h5netcdf.File(tmp, "w") as file:
        file.dimensions = {
            "region": r,
            "sector": s,
            "purchaser_region": r,
            "purchaser_sector": s,
            "category": k,
        }
        for dim, values in (
            ("region", labels.regions),
            ("sector", labels.sectors),
            ("purchaser_region", labels.regions),
            ("purchaser_sector", labels.sectors),
            ("category", labels.categories),
        ):
            _strings(file, dim, (dim,), values)
        z = file.create_variable("Z", DIMS["Z"], dtype="f8")
        for key, value in VARIABLE_ATTRS["Z"].items():
            z.attrs[key] = value
        written = np.zeros(n, dtype=bool)
        for first, block in _row_blocks(intermediate, n):
            rows = block.shape[0]
            if block.shape != (rows, n) or first < 0 or first + rows > n:
                raise ValueError(
                    f"Z block of shape {block.shape} at row {first} does not fit n={n}"
                )
            if written[first : first + rows].any():
                raise ValueError(f"Z rows {first}..{first + rows - 1} written twice")
            _write_rows(z, first, np.asarray(block, dtype=np.float64), r, s)
            written[first : first + rows] = True
        if not written.all():
            raise ValueError(f"Z rows not written: {np.flatnonzero(~written)[:10].tolist()} ...")
        rest = arrays() if callable(arrays) else arrays
        _numbers(file, "Y", rest.final_demand, (r, s, r, k))
        _numbers(file, "F", rest.emissions, (r, s))
        _numbers(file, "F_Y", rest.household_emissions, (r, k))
        _numbers(file, "VA", rest.value_added, (r, s))
        _strings(file, "output_region", DIMS["output_region"], labels.output_regions)
        _strings(file, "common_sector", DIMS["common_sector"], labels.common_sectors)
        extra: dict[str, float] = {}
        if rest.discrepancy is not None:
            found = rest.discrepancy
            _numbers(file, "discrepancy_inputs", found.inputs, (r, s))
            _numbers(file, "discrepancy_sales", found.sales, (r, s))
            _numbers(file, "discrepancy_final_demand", found.final_demand, (r, k))
            extra = {
                f"{DISCREPANCY_PREFIX}value_added_of_row_musd": float(found.value_added_of_row),
                f"{DISCREPANCY_PREFIX}row_to_row_musd": float(found.row_to_row),
            }
        for key, value in {"format_version": FORMAT_VERSION, **attrs, **extra}.items():
            file.attrs[key] = value
    log.info(
        "wrote the native cache %s: %d regions x %d sectors (n = %d), %d categories",
        target,
        r,
        s,
        n,
        k,
    )
