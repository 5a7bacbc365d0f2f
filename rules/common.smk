"""Shared helpers for the rule files (targets, paths, resource estimates)."""

import math

SOURCES = ["synthetic", "eora26", "exiobase3"]
EORA_SECTORS = 26
EORA_COUNTRIES = 189
SECTORS_PER_SOURCE = {"exiobase3": 163}
EXIOBASE_REGIONS = 49


def config_years():
    """Years of the run, as strings, in config order."""
    return [str(year) for year in config["years"]]


def system_size(source):
    """Number of region-sectors n of the source's tables (drives memory requests)."""
    if source == "exiobase3":
        return EXIOBASE_REGIONS * SECTORS_PER_SOURCE["exiobase3"]
    countries = config["synthetic"]["countries"] if source == "synthetic" else None
    return EORA_SECTORS * (len(countries) if countries else EORA_COUNTRIES) + 1


def mem_mb_for(copies, base_mb=400, source=None):
    """Memory request in MB: ``copies`` dense n x n float64 matrices plus ``base_mb``.

    Formula: mem_mb = base_mb + copies * n^2 * 8 bytes / 2^20, rounded up to 100 MB,
    with n from :func:`system_size` of ``source`` (default: the job's source wildcard).
    """

    def estimate(wildcards):
        n = system_size(source or wildcards.source)
        need = base_mb + copies * n * n * 8 / 2**20
        return int(math.ceil(need / 100.0) * 100)

    return estimate


def result_dir(source=None, year=None):
    """results/{source}/{year} for the given values (wildcard patterns when None)."""
    return f"results/{source or '{source}'}/{year or '{year}'}"


def all_targets():
    """Every final output of the configured source and years."""
    targets = []
    for year in config_years():
        base = result_dir(config["source"], year)
        targets += [
            f"{base}/accounts.csv",
            f"{base}/flows.csv",
            f"{base}/diagnostics.json",
            f"{base}/groups/accounts.csv",
            f"{base}/groups/flows.csv",
            f"{base}/figures/net_exports_by_group.png",
            f"{base}/figures/net_exports_by_group.pdf",
            f"{base}/tables/group_accounts.csv",
            f"{base}/tables/group_accounts.md",
            f"{base}/tables/group_accounts.tex",
        ]
    return targets
