"""Write the native cache (the harmonized netCDF file) from arrays, Z in row blocks.

The layout is the one :mod:`bri_carbon.harmonize.harmonized` describes and
:mod:`bri_carbon.harmonize.account_inputs` reads (names in :mod:`bri_carbon.harmonize.layout`):
the source's own regions and sectors, output units (million USD, Mt). A reader that streams
its source (GLORIA's T is never held whole) writes Z one block of whole regions at a time
through :meth:`NativeCache.write_rows`; the small arrays are written at once. The file
appears under its final name only when the ``with`` block ends without an error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5netcdf
import h5py
import numpy as np

from bri_carbon.harmonize.layout import DIMS, FORMAT_VERSION
from bri_carbon.runtime.atomic import atomic_path

#: Units and long names of the data variables.
VARIABLES: dict[str, tuple[str, str]] = {
    "Z": ("million USD", "intermediate flows"),
    "Y": ("million USD", "final demand"),
    "F": ("Mt CO2", "industry CO2 emissions"),
    "F_Y": ("Mt CO2", "household direct CO2 emissions"),
    "VA": ("million USD", "value added"),
}


@dataclass
class NativeCache:
    """An open native cache being written: ``z`` is Z (regions, sectors, regions, sectors)
    in million USD, to be filled by :meth:`write_rows` (and read back by a second pass
    where the reader needs one)."""

    file: h5netcdf.File
    regions: int
    sectors: int

    @property
    def z(self) -> h5netcdf.Variable:
        return self.file.variables["Z"]

    def set_attrs(self, attrs: Mapping[str, Any]) -> None:
        """Add ``attrs`` to the dataset's attributes; values that are not numbers or text
        are stored as JSON text."""
        for key, value in attrs.items():
            plain = isinstance(value, (int, float, str)) and not isinstance(value, bool)
            self.file.attrs[key] = value if plain else json.dumps(value)

    def write_rows(self, first_region: int, block: np.ndarray) -> None:
        """Rows of Z of whole regions from ``first_region`` on: ``block`` is (k x sectors,
        regions x sectors) or already shaped (k, sectors, regions, sectors), million USD."""
        block = np.asarray(block, dtype=np.float64)
        k = block.size // (self.sectors * self.regions * self.sectors)
        shaped = block.reshape(k, self.sectors, self.regions, self.sectors)
        self.z[first_region : first_region + k] = shaped


def _labels(file: h5netcdf.File, name: str, dims: tuple[str, ...], values: Sequence[str]) -> Any:
    variable = file.create_variable(name, dims, dtype=h5py.string_dtype())
    variable[:] = np.array([str(value) for value in values], dtype=object)
    return variable


@contextmanager
def native_cache(
    target: Path,
    *,
    regions: Sequence[str],
    sectors: Sequence[str],
    categories: Sequence[str],
    output_regions: Sequence[str],
    common_sectors: Sequence[str],
    attrs: Mapping[str, Any],
) -> Iterator[NativeCache]:
    """Open the native cache ``target`` for writing, labels and attributes set; the block
    writes Z (:meth:`NativeCache.write_rows`) and the small arrays (:func:`write_arrays`).

    ``regions``/``sectors``: the source's own (r regions, s sectors; n = r x s, region-major);
    ``categories``: final-demand categories per purchasing region; ``output_regions`` (r,):
    the code each region is reported under; ``common_sectors`` (s,): the common sector of
    each sector. ``attrs``: the dataset's attributes (source, year, units, CO2 rows, ...);
    values that are not numbers or text are stored as JSON text.
    """
    r, s = len(regions), len(sectors)
    with atomic_path(target) as tmp, h5netcdf.File(tmp, "w") as file:
        file.dimensions = {
            "region": r,
            "sector": s,
            "purchaser_region": r,
            "purchaser_sector": s,
            "category": len(categories),
        }
        _labels(file, "region", ("region",), regions)
        _labels(file, "sector", ("sector",), sectors)
        _labels(file, "purchaser_region", ("purchaser_region",), regions)
        _labels(file, "purchaser_sector", ("purchaser_sector",), sectors)
        _labels(file, "category", ("category",), categories)
        _labels(file, "output_region", DIMS["output_region"], output_regions).attrs["long_name"] = (
            "region code of the results"
        )
        _labels(file, "common_sector", DIMS["common_sector"], common_sectors).attrs["long_name"] = (
            "common (Eora26) sector of the sector-level results"
        )
        for name in VARIABLES:
            variable = file.create_variable(name, DIMS[name], dtype="f8")
            variable.attrs["units"], variable.attrs["long_name"] = VARIABLES[name]
        file.attrs["format_version"] = FORMAT_VERSION
        cache = NativeCache(file, r, s)
        cache.set_attrs(attrs)
        yield cache


def write_arrays(
    cache: NativeCache,
    *,
    Y: np.ndarray,
    F: np.ndarray,
    F_Y: np.ndarray,
    VA: np.ndarray,
) -> None:
    """The small arrays, in output units: ``Y`` (n, r x categories) million USD, ``F`` (n,)
    Mt, ``F_Y`` (r x categories,) Mt, ``VA`` (n,) million USD; n = regions x sectors in
    region-major order, purchasing regions x categories likewise."""
    for name, values in (("Y", Y), ("F", F), ("F_Y", F_Y), ("VA", VA)):
        variable = cache.file.variables[name]
        variable[...] = np.asarray(values, dtype=np.float64).reshape(variable.shape)
