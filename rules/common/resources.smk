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


def system_size(source, native=False):
    """Number of region-sectors n of the source's tables (drives memory requests).

    Raw tables (retrieve, harmonize): Eora26 and the synthetic world 26 sectors per country
    plus Eora's ROW entry (189 x 26 + 1 = 4915), EXIOBASE 3 49 regions x 163 industries
    (ixi) or 200 products (pxp). ``native``: the system of the accounts stage, the source's
    own regions and sectors without Eora's ROW entry (4914; EXIOBASE as above).
    """
    source = bri_databases.source_of(source)
    if source == "exiobase3":
        regions = EXIOBASE_REGIONS
        sectors = EXIOBASE_SECTORS[config["exiobase3"]["system"]]
        extra = 0
    else:
        countries = config["synthetic"]["countries"] if source == "synthetic" else None
        regions = len(countries) if countries else EORA_COUNTRIES
        sectors, extra = EORA_SECTORS, 1
    return regions * sectors + (0 if native else extra)


def mem_mb_for(copies, base_mb=400, source=None, native=False):
    """Memory request in MB: ``copies`` dense n x n float64 matrices plus ``base_mb``.

    Formula: mem_mb = base_mb + copies * n^2 * 8 bytes / 2^20, rounded up to 100 MB,
    with n from :func:`system_size` of ``source`` (default: the job's source wildcard) and
    ``native``. ``base_mb`` covers the interpreter, the imported libraries (about 200 MB)
    and the small arrays. For accounts, copies = 1 on the native n covers the one n x n
    matrix of bri_carbon.core.accounts.regional_accounts: float64 when leontief_precision is
    float64 or the mixed solve falls back, float32 (half) otherwise; Z is read in row blocks
    of 16 MB and the n x regions arrays (final demand, solution, residual) fit in base_mb.
    """

    def estimate(wildcards):
        n = system_size(source or wildcards.source, native=native)
        need = base_mb + copies * n * n * 8 / 2**20
        return int(math.ceil(need / 100.0) * 100)

    return estimate
