"""What a source reader hands to harmonization: one year of one source, in source units.

The readers (:mod:`bri_carbon.sources.eora26`, :mod:`bri_carbon.sources.exiobase3`) parse
the raw tables with pymrio and keep the CO2 row and the value added;
:mod:`bri_carbon.harmonize.harmonized` turns the result into the native cache. Nothing
here is aggregated: the system keeps the source's own regions and sectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
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
