"""Names in the harmonized netCDF file (the native cache), shared by its writer and readers.

The whole contract of the file is the docstring of :mod:`bri_carbon.harmonize.cache`, whose
:func:`~bri_carbon.harmonize.cache.write_cache` is its one writer;
:mod:`bri_carbon.harmonize.account_inputs` reads it with h5py alone for the accounts stage.
Both take the variable names and dimensions from here.

The file holds the source's own regions and sectors (never aggregated: the Leontief system is
solved at this resolution) with two label variables beside the data: ``output_region`` per
source region (the code results are reported under) and ``common_sector`` per source sector
(one of the 26 common sectors, for sector-level results).
"""

from typing import Final

#: Version of the layout; a file of another version is refused and rebuilt.
FORMAT_VERSION: Final[int] = 2

#: Dimensions of every data variable, in storage order (region-major n = regions x sectors).
DIMS: Final[dict[str, tuple[str, ...]]] = {
    "Z": ("region", "sector", "purchaser_region", "purchaser_sector"),
    "Y": ("region", "sector", "purchaser_region", "category"),
    "F": ("region", "sector"),
    "F_Y": ("purchaser_region", "category"),
    "VA": ("region", "sector"),
    "output_region": ("region",),
    "common_sector": ("sector",),
}
#: Eora's ROW discrepancy entry per source region and sector (present only for such sources).
DISCREPANCY_DIMS: Final[dict[str, tuple[str, ...]]] = {
    "discrepancy_inputs": ("region", "sector"),
    "discrepancy_sales": ("region", "sector"),
    "discrepancy_final_demand": ("purchaser_region", "category"),
}
#: Prefix of the dataset attributes that hold the discrepancy entry's scalar sizes.
DISCREPANCY_PREFIX: Final[str] = "source_discrepancy_"
