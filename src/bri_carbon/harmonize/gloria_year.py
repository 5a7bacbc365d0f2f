"""One GLORIA year into the native cache, with the construct of pymrio's ``parse_gloria``.

pymrio builds A = U M diag(q)^-1 and finds x = (I - A)^-1 Y 1, which is q (product output);
the cache holds Z = A diag(q) = U M, with the columns of products without output (q = 0) set
to zero, so that the accounts, which take x = Z 1 + Y 1 and A = Z diag(x)^-1, solve the same
system and equal ``pymrio.parse_gloria(...).calc_all()``. GLORIA's supply is diagonal (each
industry makes its own product only; pymrio: "all constructs are equivalent"), so M is the
identity but for industries without output and Z is U itself, handed to the cache's writer
(:func:`bri_carbon.harmonize.cache.write_cache`) region by region while T streams
(:class:`bri_carbon.sources.gloria.TransactionStream`). Any other supply, and inputs bought
by industries or products without output, are known only once T has been read: then T is
read a second time and each block written as U M, with those columns set to zero.

A region without any entry (T rows and columns, Y, value added, CO2: GLORIA's DYE after
1990) is left out, as pymrio drops regions whose T rows and columns sum to zero, and
reported. Which regions qualify is known from the small tables before T is read and
confirmed on T; a region that turns out to have transactions is kept and T read again (in
the same second pass).
What the construct cannot carry (CO2 and value added of industries without output, as in
pymrio) is reported in the log and in the cache's attributes, never dropped silently.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse

from bri_carbon.harmonize import harmonized
from bri_carbon.harmonize.cache import CacheArrays, CacheLabels, write_cache
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import eora26_layout, gloria, plain_numbers, wide_csv
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
    the CO2 row), zero in a consistent release. ``empty_in_t``: regions kept although T has
    nothing for them (they have final demand, value added or CO2). ``t_reads``: passes over
    T (1; 2 when a region taken for empty had transactions or the supply is not diagonal).
    """

    regions: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    diagonal_supply: bool = True
    lost_emissions: float = 0.0
    lost_value_added: float = 0.0
    lost_inputs: float = 0.0
    ignored: dict[str, float] = field(default_factory=dict)
    empty_in_t: tuple[str, ...] = ()
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


@dataclass(frozen=True)
class _Construct:
    """What the first pass over T found that a second one must apply: M (n x n on every
    region, sparse) and q (n,) of the construct."""

    mix: scipy.sparse.csr_matrix
    product_output: np.ndarray


class _ReadAgainError(Exception):
    """The first pass over T found regions taken for empty with transactions in T
    (``busy``, (r,) bool), or a supply that is not the identity on Z's columns
    (``construct``, else None): T is read again, and no cache is left behind."""

    def __init__(self, busy: np.ndarray, construct: _Construct | None) -> None:
        super().__init__("read T again")
        self.busy, self.construct = busy, construct


@dataclass(frozen=True)
class _Year:
    """Everything one pass that writes the cache needs."""

    files: gloria.ReleaseFiles
    labels: gloria.Labels
    small: gloria.SmallTables
    transactions: wide_csv.Member
    output_regions: Mapping[str, str]
    common_sectors: pd.Series
    emission_to_mt: float
    attrs: dict[str, str | int | float]


def _attribute(value: object) -> str | int | float:
    """A cache attribute: numbers and text as they are, anything else as JSON text."""
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value
    return json.dumps(value)


def _write(
    year: _Year, dropped: np.ndarray, target: Path, construct: _Construct | None
) -> YearReport:
    """Write the cache with the ``dropped`` regions left out, Z as U (or U M with the
    columns of products without output zero, given the ``construct`` of a first pass).
    Raises :class:`_ReadAgainError` (leaving no file) when T must be read again."""
    labels, small = year.labels, year.small
    s, k = len(labels.sectors), len(labels.final_demand)
    n = len(labels.regions) * s
    kept = ~dropped
    regions = tuple(code for code, keep in zip(labels.regions, kept, strict=True) if keep)
    node, demand = np.repeat(kept, s), np.repeat(kept, k)
    money = gloria.MONEY_TO_MILLION
    stream = gloria.TransactionStream(year.transactions, labels, kept)
    if construct is not None:
        mix = construct.mix[node][:, node]
        keep_columns = (construct.product_output != 0)[node]

    def blocks():
        for position, use in stream:
            block = use * money
            if construct is not None:
                block = np.asarray(block @ mix) * keep_columns
            yield position * s, block

    report = YearReport(regions=regions)
    # write_cache writes the attributes after it has called arrays(), which adds the report.
    attrs = dict(year.attrs)

    def arrays() -> CacheArrays:
        table = stream.result
        assert table is not None
        busy = dropped & ~table.empty
        mix_all, g, diagonal = gloria.output_mix(table, n)
        q = table.use_row_sums + small.final_demand.sum(axis=1)
        without_output = g == 0
        lost = (table.use_column_abs != 0) & (without_output | (q == 0))
        needs_construct = construct is None and (not diagonal or lost.any())
        if busy.any() or needs_construct:
            found = _Construct(mix_all, q) if needs_construct else construct
            raise _ReadAgainError(busy, found)
        report.dropped = tuple(
            code for code, drop in zip(labels.regions, dropped, strict=True) if drop
        )
        report.diagonal_supply = diagonal
        report.lost_emissions = float(np.abs(small.emissions[without_output]).sum()) * (
            year.emission_to_mt
        )
        report.lost_value_added = float(np.abs(small.value_added[without_output]).sum()) * money
        report.lost_inputs = float(table.use_column_abs[lost].sum()) * money
        report.ignored = {**small.ignored, **table.ignored}
        report.empty_in_t = tuple(labels.regions[i] for i in np.flatnonzero(table.empty & kept))
        attrs.update({key: _attribute(value) for key, value in report.attrs().items()})
        return CacheArrays(
            final_demand=small.final_demand[node][:, demand] * money,
            emissions=(mix_all.T @ small.emissions)[node] * year.emission_to_mt,
            household_emissions=small.household_emissions[demand] * year.emission_to_mt,
            value_added=(mix_all.T @ small.value_added)[node] * money,
        )

    write_cache(
        target,
        CacheLabels(
            regions=regions,
            sectors=labels.sectors,
            categories=labels.final_demand,
            output_regions=tuple(str(year.output_regions[code]) for code in regions),
            common_sectors=tuple(str(year.common_sectors[sector]) for sector in labels.sectors),
        ),
        blocks(),
        arrays,
        attrs,
    )
    return report


def read_year(
    files: gloria.ReleaseFiles,
    target: Path,
    *,
    output_regions: Mapping[str, str],
    common_sectors: pd.Series,
    concordance_path: Path,
    head: str = layout.CO2_HEAD,
    indicator: str = layout.CO2_INDICATOR,
) -> YearReport:
    """Read one GLORIA year into the native cache ``target`` (see the module docstring).

    ``output_regions``: GLORIA region code -> code of the results (data/region_codes.csv,
    :func:`bri_carbon.sources.config_tables.region_code_mapping`); ``common_sectors``: GLORIA
    sector -> common sector, the concordance read from ``concordance_path`` (checked here
    against the ReadMe's sectors); ``head``/``indicator``: the CO2 satellite row (config key
    stressors.gloria), matched without the ReadMe's quotes. Returns what the read found.
    """
    labels = gloria.read_labels(files.readme)
    unknown = sorted(set(labels.regions) - set(output_regions.keys()))
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
    plain_numbers.log_parser(log)
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
            "co2_rows": json.dumps([f"{layout.unquoted(head)} / {layout.unquoted(indicator)}"]),
            "gloria_version": f"0{files.version}",
            "valuation": f"{layout.BASIC_PRICES} (basic prices)",
        },
    )
    dropped = ~small.has_entries
    construct: _Construct | None = None
    for attempt in (1, 2):
        try:
            report = _write(year, dropped, target, construct)
        except _ReadAgainError as again:
            if again.busy.any():
                log.warning(
                    "regions %s have no final demand, value added or CO2 but transactions in "
                    "T; they are kept and T is read again",
                    [labels.regions[i] for i in np.flatnonzero(again.busy)],
                )
            if again.construct is not None and construct is None:
                log.info(
                    "the supply is not the identity on Z's columns (or industries without "
                    "output buy inputs): T is read again and written as U M"
                )
            dropped, construct = dropped & ~again.busy, again.construct
            continue
        report.t_reads = attempt
        _log(report)
        return report
    raise AssertionError("a second pass over T knows every region and the construct")


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
    if report.empty_in_t:
        log.warning(
            "regions %s have no transactions in T but entries in Y, value added or CO2; they "
            "are kept (pymrio would drop them with all they hold)",
            list(report.empty_in_t),
        )
