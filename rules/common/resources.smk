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
#: GLORIA's regions and sectors (ReadMe of release 059: 164 regions, DYE included, x 120).
GLORIA_REGIONS = 164
GLORIA_SECTORS = 120


def system_shape(source, native=False):
    """(regions, sectors per region, extra rows) of the tables of ``source`` (a source, or a
    database: a source in one release); see system_size."""
    source = bri_databases.source_of(source)
    if source == "gloria":
        return GLORIA_REGIONS, GLORIA_SECTORS, 0
    if source == "exiobase3":
        return EXIOBASE_REGIONS, EXIOBASE_SECTORS[config["exiobase3"]["system"]], 0
    countries = config["synthetic"]["countries"] if source == "synthetic" else None
    return len(countries) if countries else EORA_COUNTRIES, EORA_SECTORS, 0 if native else 1


def system_size(source, native=False):
    """Number of region-sectors n of the source's tables (drives memory requests).

    Raw tables (retrieve, harmonize): Eora26 and the synthetic world 26 sectors per country
    plus Eora's ROW entry (189 x 26 + 1 = 4915), EXIOBASE 3 49 regions x 163 industries
    (ixi) or 200 products (pxp), GLORIA 164 regions x 120 sectors (19680, the products of
    its supply-use table). ``native``: the system of the accounts stage, the source's own
    regions and sectors without Eora's ROW entry (4914; EXIOBASE and GLORIA as above).
    """
    regions, sectors, extra = system_shape(source, native)
    return regions * sectors + extra


#: Dense n x n float64 matrices each accounts engine is granted (docs/performance.md): the
#: default LU holds one (float32 with leontief_precision mixed; float64 covers a fallback);
#: pymrio's calc_all was measured at 7.0-7.1 (Z, A, I - A, L and the inverse's temporaries).
ACCOUNTS_COPIES = {"lu": 1.0, "pymrio": 8.0}


def final_demand_columns(source):
    """Number of final-demand columns m of the source's raw tables (regions x categories):
    Eora26 and the synthetic world 6 per country plus ROW's 6 (190 x 6 = 1140), EXIOBASE 3
    7 per region (49 x 7 = 343), GLORIA 6 per region (164 x 6 = 984). ``source`` may be a
    database (a source in one release)."""
    source = bri_databases.source_of(source)
    if source == "gloria":
        return GLORIA_REGIONS * 6
    if source == "exiobase3":
        return EXIOBASE_REGIONS * 7
    countries = config["synthetic"]["countries"] if source == "synthetic" else None
    return ((len(countries) if countries else EORA_COUNTRIES) + 1) * 6


def mem_mb_for(copies, base_mb=400, source=None, native=False, demand_copies=0, table_copies=0):
    """Memory request in MB: ``copies`` dense n x n float64 matrices, ``demand_copies``
    n x (2 r + 1) float64 arrays, ``table_copies`` n x m final-demand tables and ``base_mb``.

    Formula: mem_mb = base_mb + (copies * n^2 + demand_copies * n * (2 r + 1)
    + table_copies * n * m) * 8 bytes / 2^20, rounded up to 100 MB, with n from
    :func:`system_size`, r regions from :func:`system_shape` of ``source`` (default: the
    job's source wildcard) and ``native``, m from :func:`final_demand_columns`. ``base_mb``
    covers the interpreter, the imported libraries (about 200 MB) and the small arrays. The
    arguments of each rule were set from peaks measured at Eora26 real volume and EXIOBASE
    size (docs/performance.md, benchmarks/memory.py). The harmonize rules stream Z in row
    blocks (no n x n term; base_mb covers the parser's blocks in flight) and hold the raw
    final demand twice (table_copies = 2). For accounts, copies = 1 on the native n covers
    the one n x n matrix of bri_carbon.core.accounts.regional_accounts: float64 when
    leontief_precision is float64 or the mixed solve falls back, float32 (half) otherwise; Z
    is mapped from the cache, one row block of 16 MB resident at a time; the pymrio engine
    takes ACCOUNTS_COPIES["pymrio"]. Its right-hand sides have up to 2 r + 1 columns (each
    purchasing region's final demand, the excluded categories, each region's changes in
    inventories and valuables), and
    demand_copies = 6 counts the arrays of that shape alive at once (right-hand sides,
    their stacked copy, solution, residual, correction and the scaled solution).
    """

    def estimate(wildcards):
        name = source or wildcards.source
        n = system_size(name, native=native)
        regions = system_shape(name, native)[0]
        cells = copies * n * n + demand_copies * n * (2 * regions + 1)
        if table_copies:
            cells += table_copies * n * final_demand_columns(name)
        need = base_mb + cells * 8 / 2**20
        return int(math.ceil(need / 100.0) * 100)

    return estimate


def gloria_read_mb(wildcards):
    """Memory request in MB of the harmonize_gloria jobs: the formula of :func:`mem_mb_for`
    with no n x n term (T is streamed), the final demand twice (table_copies = 2: its
    product rows, n x 984, and their copy in the cache) and a base of 600 MB plus twelve
    blocks of one region's rows of T in flight (240 x 2n float64 each, with their text and
    temporaries): 1,800 MB at full size (n = 19,680), where the job's measured peak is
    1,293 MiB (docs/performance.md)."""
    blocks = 12 * 240 * 2 * system_size("gloria") * 8 / 2**20
    return mem_mb_for(0, base_mb=600 + blocks, source="gloria", table_copies=2)(wildcards)
