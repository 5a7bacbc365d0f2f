"""Resource requests of the rules: the memory formula and the system sizes behind it.

Measured peaks behind the formula: docs/performance.md; tests: tests/unit/test_memory_formula.py
and tests/workflow/test_memory_formula.py.
"""

import math

EORA_SECTORS = 26
EORA_COUNTRIES = 189
EXIOBASE_SECTORS = {"ixi": 163, "pxp": 200}
EXIOBASE_REGIONS = 49


def system_size(source, native=False):
    """Number of region-sectors n of the source's tables (drives memory requests).

    Raw tables (retrieve, harmonize): Eora26 and the synthetic world 26 sectors per country
    plus Eora's ROW entry (189 x 26 + 1 = 4915), EXIOBASE 3 49 regions x 163 industries
    (ixi) or 200 products (pxp). ``native``: the system of the accounts stage, the source's
    own regions and sectors without Eora's ROW entry (4914; EXIOBASE as above).
    """
    if source == "exiobase3":
        regions = EXIOBASE_REGIONS
        sectors = EXIOBASE_SECTORS[config["exiobase3"]["system"]]
        extra = 0
    else:
        countries = config["synthetic"]["countries"] if source == "synthetic" else None
        regions = len(countries) if countries else EORA_COUNTRIES
        sectors, extra = EORA_SECTORS, 1
    return regions * sectors + (0 if native else extra)


#: Dense n x n float64 matrices each accounts engine is granted (docs/performance.md): the
#: default LU holds one (float32 with leontief_precision mixed; float64 covers a fallback);
#: pymrio's calc_all was measured at 7.0-7.1 (Z, A, I - A, L and the inverse's temporaries).
ACCOUNTS_COPIES = {"lu": 1.0, "pymrio": 8.0}


def final_demand_columns(source):
    """Number of final-demand columns m of the source's raw tables (regions x categories):
    Eora26 and the synthetic world 6 per country plus ROW's 6 (190 x 6 = 1140), EXIOBASE 3
    7 per region (49 x 7 = 343)."""
    if source == "exiobase3":
        return EXIOBASE_REGIONS * 7
    countries = config["synthetic"]["countries"] if source == "synthetic" else None
    return ((len(countries) if countries else EORA_COUNTRIES) + 1) * 6


def mem_mb_for(copies, base_mb=400, source=None, native=False, demand_copies=0):
    """Memory request in MB: ``copies`` dense n x n float64 matrices, ``demand_copies``
    n x m final-demand tables and ``base_mb``.

    Formula: mem_mb = base_mb + (copies * n^2 + demand_copies * n * m) * 8 bytes / 2^20,
    rounded up to 100 MB, with n from :func:`system_size` of ``source`` (default: the job's
    source wildcard) and ``native``, m from :func:`final_demand_columns`. ``base_mb`` covers
    the interpreter, the imported libraries and the small arrays. The figures behind each
    rule's arguments were measured at Eora26 real volume and EXIOBASE size
    (docs/performance.md, benchmarks/memory.py): the harmonize rules stream Z in row blocks
    and hold the final demand a few times (no n x n term); the accounts rule holds one n x n
    matrix (float32 with leontief_precision mixed, float64 when it is float64 or the mixed
    solve falls back; copies = 1 covers both), Z read in row blocks of 16 MB; the pymrio
    engine about seven (rules/accounts.smk).
    """

    def estimate(wildcards):
        name = source or wildcards.source
        n = system_size(name, native=native)
        square = copies * n * n
        demand = demand_copies * n * final_demand_columns(name) if demand_copies else 0
        need = base_mb + (square + demand) * 8 / 2**20
        return int(math.ceil(need / 100.0) * 100)

    return estimate
