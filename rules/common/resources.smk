"""Resource requests of the rules: the memory formula and the system sizes behind it.

Measured peaks behind the formula: docs/performance.md; tests: tests/unit/test_memory_formula.py
and tests/workflow/test_memory_formula.py.
"""

import math

from bri_carbon.sources import databases as bri_databases

EORA_SECTORS = 26
EORA_COUNTRIES = 189
EXIOBASE_SECTORS = {"ixi": 163, "pxp": 200}
EXIOBASE_REGIONS = 49


def system_shape(source, native=False):
    """(regions, sectors per region, extra rows) of the tables of ``source`` (a source, or a
    database: a source in one release); see system_size."""
    source = bri_databases.source_of(source)
    if source == "exiobase3":
        return EXIOBASE_REGIONS, EXIOBASE_SECTORS[config["exiobase3"]["system"]], 0
    countries = config["synthetic"]["countries"] if source == "synthetic" else None
    return len(countries) if countries else EORA_COUNTRIES, EORA_SECTORS, 0 if native else 1


def system_size(source, native=False):
    """Number of region-sectors n of the source's tables (drives memory requests).

    Raw tables (retrieve, harmonize): Eora26 and the synthetic world 26 sectors per country
    plus Eora's ROW entry (189 x 26 + 1 = 4915), EXIOBASE 3 49 regions x 163 industries
    (ixi) or 200 products (pxp). ``native``: the system of the accounts stage, the source's
    own regions and sectors without Eora's ROW entry (4914; EXIOBASE as above).
    """
    regions, sectors, extra = system_shape(source, native)
    return regions * sectors + extra


def mem_mb_for(copies, base_mb=400, source=None, native=False, demand_copies=0):
    """Memory request in MB: ``copies`` dense n x n float64 matrices, ``demand_copies``
    n x (2 r + 1) float64 arrays and ``base_mb``.

    Formula: mem_mb = base_mb + copies * n^2 * 8 bytes / 2^20 + demand_copies * n * (2 r + 1)
    * 8 bytes / 2^20, rounded up to 100 MB, with n from :func:`system_size` and r regions from
    :func:`system_shape` of ``source`` (default: the job's source wildcard) and ``native``.
    ``base_mb`` covers the interpreter, the imported libraries (about 200 MB) and the small
    arrays. For accounts, copies = 1 on the native n covers the one n x n matrix of
    bri_carbon.core.accounts.regional_accounts: float64 when leontief_precision is float64 or
    the mixed solve falls back, float32 (half) otherwise; Z is read in row blocks of 16 MB.
    Its right-hand sides have up to 2 r + 1 columns (each purchasing region's final demand,
    the excluded categories, each region's changes in inventories and valuables), and
    demand_copies = 6 counts the arrays of that shape alive at once (right-hand sides,
    their stacked copy, solution, residual, correction and the scaled solution).
    """

    def estimate(wildcards):
        name = source or wildcards.source
        n = system_size(name, native=native)
        regions = system_shape(name, native)[0]
        need = base_mb + (copies * n * n + demand_copies * n * (2 * regions + 1)) * 8 / 2**20
        return int(math.ceil(need / 100.0) * 100)

    return estimate
