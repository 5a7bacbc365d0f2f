"""What a source reader hands to harmonization: one year of one source, in source units.

The workflow's readers (:mod:`bri_carbon.sources.eora26_reader`,
:mod:`bri_carbon.sources.exiobase3_reader`) stream the raw tables once and hand over a
:class:`SourceYear`, whose Z comes as row blocks; :func:`bri_carbon.harmonize.harmonized.
write_source_year` writes it into the native cache as it is read. pymrio's parsers, the
reference the readers are tested against, give a :class:`ParsedSystem`
(:func:`bri_carbon.sources.eora26.parse_co2_system`,
:func:`bri_carbon.sources.exiobase3.parse_co2_system`). Nothing here is aggregated: the
system keeps the source's own regions and sectors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the streaming readers never import pymrio
    import pymrio


@dataclass(frozen=True)
class Discrepancy:
    """Eora's ``ROW`` statistical-discrepancy entry, which pymrio drops (source money units).

    ``inputs_from`` (n,): the ROW row of T, each sector's purchases from ROW.
    ``final_demand_from`` (m,): the ROW row of FD over the final-demand columns of the
    regions (ROW's own columns left out), in the order of Y's columns.
    ``sales_to`` (n,): each sector's sales to ROW, its cells in T's ROW column plus ROW's
    final-demand columns. ``value_added_of_row``: ROW's column of VA, summed.
    ``row_to_row``: the ROW x ROW cells of T and FD, summed.
    """

    inputs_from: np.ndarray
    final_demand_from: np.ndarray
    sales_to: np.ndarray
    value_added_of_row: float
    row_to_row: float


@dataclass(frozen=True)
class ParsedSystem:
    """A source year as parsed by pymrio, cut to what the study needs.

    ``system``: a :class:`pymrio.IOSystem` with ``Z`` (n, n) and ``Y`` (n, m), their
    ``unit`` table, an extension ``co2`` with one row (``F`` 1 x n, ``F_Y`` 1 x m, unit from
    the file) and an extension ``value_added``. ``co2_rows``: the satellite labels that make
    up the CO2 row, as written in the file. ``origin``: the file it was parsed from, named
    in messages. ``discrepancy``: Eora's ROW entry (None for sources without one).
    """

    system: pymrio.IOSystem
    co2_rows: tuple[str, ...]
    origin: Path = Path("<memory>")
    discrepancy: Discrepancy | None = None


#: Z of a source year as row blocks, in the source's money unit: a callable that yields
#: (first row, block of shape (rows, n)) over rows 0..n-1 in order (region-major, the
#: discrepancy entry left out); called once.
SourceRows = Callable[[], Iterator[tuple[int, np.ndarray]]]


@dataclass(frozen=True)
class SourceYear:
    """A source year as a streaming reader hands it to harmonization, in source units.

    ``regions`` (r), ``sectors`` (s), ``categories`` (k): labels verbatim, n = r x s in
    region-major order. ``intermediate``: Z as row blocks (:data:`SourceRows`), read while
    the cache is written. ``final_demand`` (n, r x k), ``value_added`` (n,): money in
    ``money_unit``; ``emissions`` (n,), ``household_emissions`` (r x k,): the CO2 rows
    summed, in ``emission_unit``. ``co2_rows``: the satellite labels summed, as written in
    the file. ``discrepancy``: a callable giving the source's discrepancy entry (None for
    sources without one), valid once ``intermediate`` has been read to its end.
    ``origin``: the file, named in messages.
    """

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    categories: tuple[str, ...]
    intermediate: SourceRows
    final_demand: np.ndarray
    value_added: np.ndarray
    emissions: np.ndarray
    household_emissions: np.ndarray
    money_unit: str
    emission_unit: str
    co2_rows: tuple[str, ...]
    origin: Path
    discrepancy: Callable[[], Discrepancy | None]
