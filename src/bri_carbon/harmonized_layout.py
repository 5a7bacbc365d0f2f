"""Names in the harmonized netCDF file, shared by its writer and its two readers.

:mod:`bri_carbon.harmonized` writes the file with xarray and reads it back for the stages
that work with labelled arrays; :mod:`bri_carbon.account_inputs` reads it with h5py alone
for the accounts stage. Both take the variable names and dimensions from here.
"""

from typing import Final

#: Dimensions of every data variable, in storage order (region-major n = regions x sectors).
DIMS: Final[dict[str, tuple[str, ...]]] = {
    "Z": ("region", "sector", "purchaser_region", "purchaser_sector"),
    "Y": ("region", "sector", "purchaser_region", "category"),
    "F": ("region", "sector"),
    "F_Y": ("purchaser_region", "category"),
    "VA": ("region", "sector"),
}
#: Prefix of the dataset attributes that hold the source's dropped discrepancy entries.
DISCREPANCY_PREFIX: Final[str] = "source_discrepancy_"
