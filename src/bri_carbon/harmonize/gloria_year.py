"""One GLORIA year into the native cache, with the construct of pymrio's ``parse_gloria``.

pymrio builds A = U M diag(q)^-1 and finds x = (I - A)^-1 Y 1, which is q (product output);
the cache holds Z = A diag(q) = U M, with the columns of products without output (q = 0) set
to zero, so that the accounts, which take x = Z 1 + Y 1 and A = Z diag(x)^-1, solve the same
system and equal ``pymrio.parse_gloria(...).calc_all()``. GLORIA's supply is diagonal (each
industry makes its own product only; pymrio: "all constructs are equivalent"), so M is the
identity but for industries without output and Z is U itself, written while T streams
(:func:`bri_carbon.sources.gloria.stream_transactions`). Any other supply, and inputs bought
by industries without output, are applied exactly in one further pass over the written Z.

A region without any entry (T rows and columns, Y, value added, CO2: GLORIA's DYE after
1990) is left out, as pymrio drops regions whose T rows and columns sum to zero, and
reported. Which regions qualify is known from the small tables before T is read and
confirmed on T; a region that turns out to have transactions is kept and T read again.
What the construct cannot carry (CO2 and value added of industries without output, as in
pymrio) is reported in the log and in the cache's attributes, never dropped silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse

from bri_carbon.harmonize import harmonized
from bri_carbon.harmonize.native_cache import NativeCache, native_cache, write_arrays
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import eora26_layout, gloria, wide_csv
from bri_carbon.sources import gloria_layout as layout

log = logging.getLogger(__name__)


@dataclass
class YearReport:
    """What reading one year found, for the log and the cache's attributes.

    ``regions``: the regions of the system; ``dropped``: regions without any entry, left
    out. Money in million USD, emissions in Mt: ``lost_emissions`` and ``lost_value_added``
    of industries without output (the construct cannot carry them, as in pymrio);
    ``lost_inputs``: purchases of industries without output or of products without output;
    ``ignored``: absolute sums of the blocks pymrio leaves out (T's industry x industry and
    product x product blocks, Y's industry rows, the product columns of value added and of
    the CO2 row), zero in a consistent release. ``t_reads``: passes over T (1, or 2 when a
    region taken for empty had transactions).
    """

    regions: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    diagonal_supply: bool = True
    lost_emissions: float = 0.0
    lost_value_added: float = 0.0
    lost_inputs: float = 0.0
    ignored: dict[str, float] = field(default_factory=dict)
    t_reads: int = 0

    def attrs(self) -> dict[str, object]:
        """The report as attributes of the cache."""
        return {
            "dropped_regions": list(self.dropped),
            "diagonal_supply": int(self.diagonal_supply),
            "lost_emissions_mt": self.lost_emissions,
            "lost_value_added_musd": self.lost_value_added,
            "lost_inputs_musd": self.lost_inputs,
            "ignored_blocks_abs_sum": self.ignored,
        }


class _RegionNotEmptyError(Exception):
    """Regions taken for empty from the small tables have transactions in T."""

    def __init__(self, regions: np.ndarray) -> None:
        super().__init__(regions)
        self.regions = regions


@dataclass(frozen=True)
class _Year:
    """Everything one attempt at writing the cache needs."""

    files: gloria.ReleaseFiles
    labels: gloria.Labels
    small: gloria.SmallTables
    transactions: wide_csv.Member
    output_regions: pd.Series
    common_sectors: pd.Series
    emission_to_mt: float
    attrs: dict[str, object]


def _rewrite_z(cache: NativeCache, mix: scipy.sparse.csr_matrix, keep: np.ndarray) -> None:
    """Z <- Z M with the columns where ``keep`` is False set to zero, one region's rows at a
    time (million USD; M is (n, n) on the system's regions)."""
    r, s = cache.regions, cache.sectors
    for region in range(r):
        block = np.asarray(cache.z[region]).reshape(s, r * s)
        cache.write_rows(region, np.asarray(block @ mix) * keep)


def _write(year: _Year, dropped: np.ndarray, target: Path) -> YearReport:
    """Write the cache with the ``dropped`` regions left out; raises
    :class:`_RegionNotEmptyError` (leaving no file) when one of them has transactions."""
    labels, small = year.labels, year.small
    s, k = len(labels.sectors), len(labels.final_demand)
    n = len(labels.regions) * s
    kept = ~dropped
    regions = tuple(code for code, keep in zip(labels.regions, kept, strict=True) if keep)
    node, demand = np.repeat(kept, s), np.repeat(kept, k)
    money = gloria.MONEY_TO_MILLION
    with native_cache(
        target,
        regions=regions,
        sectors=labels.sectors,
        categories=labels.final_demand,
        output_regions=[str(year.output_regions[code]) for code in regions],
        common_sectors=[str(year.common_sectors[sector]) for sector in labels.sectors],
        attrs=year.attrs,
    ) as cache:

        def write_rows(position: int, use: np.ndarray) -> None:
            cache.write_rows(position, use * money)

        table = gloria.stream_transactions(year.transactions, labels, kept, write_rows)
        busy = dropped & ~table.empty
        if busy.any():
            raise _RegionNotEmptyError(busy)
        mix, g, diagonal = gloria.output_mix(table, n)
        q = table.use_row_sums + small.final_demand.sum(axis=1)
        without_output = g == 0
        lost = (table.use_column_abs != 0) & (without_output | (q == 0))
        report = YearReport(
            regions=regions,
            dropped=tuple(code for code, drop in zip(labels.regions, dropped, strict=True) if drop),
            diagonal_supply=diagonal,
            lost_emissions=float(np.abs(small.emissions[without_output]).sum())
            * year.emission_to_mt,
            lost_value_added=float(np.abs(small.value_added[without_output]).sum()) * money,
            lost_inputs=float(table.use_column_abs[lost].sum()) * money,
            ignored={**small.ignored, **table.ignored},
        )
        if not diagonal or lost.any():
            log.info("the supply is not the identity on Z's columns: Z <- U M, written again")
            _rewrite_z(cache, mix[node][:, node], (q != 0)[node])
        write_arrays(
            cache,
            Y=small.final_demand[node][:, demand] * money,
            F=(mix.T @ small.emissions)[node] * year.emission_to_mt,
            F_Y=small.household_emissions[demand] * year.emission_to_mt,
            VA=(mix.T @ small.value_added)[node] * money,
        )
        cache.set_attrs(report.attrs())
    quiet = table.empty & kept
    if quiet.any():
        log.warning(
            "regions %s have no transactions in T but entries in Y, value added or CO2; they "
            "are kept (pymrio would drop them with all they hold)",
            [labels.regions[i] for i in np.flatnonzero(quiet)],
        )
    return report


def read_year(
    files: gloria.ReleaseFiles,
    target: Path,
    *,
    output_regions: pd.Series,
    common_sectors: pd.Series,
    concordance_path: Path,
    head: str = layout.CO2_HEAD,
    indicator: str = layout.CO2_INDICATOR,
) -> YearReport:
    """Read one GLORIA year into the native cache ``target`` (see the module docstring).

    ``output_regions``: GLORIA region code -> code of the results (data/region_codes.csv,
    :func:`bri_carbon.harmonize.harmonized.region_mapping`); ``common_sectors``: GLORIA
    sector -> common sector, the concordance read from ``concordance_path`` (checked here
    against the ReadMe's sectors); ``head``/``indicator``: the CO2 satellite row (config key
    stressors.gloria), matched without the ReadMe's quotes. Returns what the read found.
    """
    labels = gloria.read_labels(files.readme)
    unknown = sorted(set(labels.regions) - set(output_regions.index))
    if unknown:
        raise WorkflowInputError(
            f"{files.readme}: region codes {unknown} are not in data/region_codes.csv (source "
            "gloria); add a row per code (columns source, source_code, region, name, note)."
        )
    harmonized.check_concordance(
        common_sectors, list(labels.sectors), eora26_layout.SECTORS, concordance_path
    )
    row = gloria.satellite_row(labels, head, indicator, files.readme)
    unit = labels.satellite_units[row]
    emission_to_mt = gloria.emission_factor(unit, files.readme)
    log.info(
        "GLORIA 0%d %d: %d regions x %d sectors (T %d x %d); CO2 = satellite row %d, %s / %s (%s)",
        files.version,
        files.year,
        len(labels.regions),
        len(labels.sectors),
        labels.t_size,
        labels.t_size,
        row + 1,
        layout.unquoted(head),
        layout.unquoted(indicator),
        unit,
    )
    small = gloria.read_small_tables(files, labels, row)
    year = _Year(
        files=files,
        labels=labels,
        small=small,
        transactions=gloria.find_member(files.mrio, "T", files.version, files.year),
        output_regions=output_regions,
        common_sectors=common_sectors,
        emission_to_mt=emission_to_mt,
        attrs={
            "source": "gloria",
            "year": int(files.year),
            "synthetic": 0,
            "source_money_unit": layout.MONEY_UNIT,
            "money_to_million_usd": gloria.MONEY_TO_MILLION,
            "emission_to_mt": emission_to_mt,
            "co2_rows": [f"{layout.unquoted(head)} / {layout.unquoted(indicator)}"],
            "gloria_version": f"0{files.version}",
            "valuation": f"{layout.BASIC_PRICES} (basic prices)",
        },
    )
    dropped = ~small.has_entries
    for attempt in (1, 2):
        try:
            report = _write(year, dropped, target)
        except _RegionNotEmptyError as busy:
            log.warning(
                "regions %s have no final demand, value added or CO2 but transactions in T; "
                "they are kept and T is read again",
                [labels.regions[i] for i in np.flatnonzero(busy.regions)],
            )
            dropped = dropped & ~busy.regions
            continue
        report.t_reads = attempt
        _log(report)
        return report
    raise AssertionError("the second pass over T keeps every region with transactions")


def _log(report: YearReport) -> None:
    """Say what the read found; warnings for what the construct cannot carry."""
    log.info(
        "system: %d regions; dropped (no entries): %s; supply diagonal: %s",
        len(report.regions),
        list(report.dropped) or "none",
        report.diagonal_supply,
    )
    if report.lost_emissions or report.lost_value_added or report.lost_inputs:
        log.warning(
            "industries without output hold %.6g Mt CO2 and %.6g million USD of value added, "
            "and %.6g million USD are bought by industries or products without output; the "
            "construct (as pymrio's) cannot carry them into the system",
            report.lost_emissions,
            report.lost_value_added,
            report.lost_inputs,
        )
    odd = {name: value for name, value in report.ignored.items() if value}
    if odd:
        log.warning(
            "blocks that the construct leaves out (as pymrio does) are not zero, absolute "
            "sums in thousand USD or kilotonnes: %s",
            odd,
        )
