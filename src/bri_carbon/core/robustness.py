"""How the readings of the findings move under other defensible choices.

``groups/robustness.csv`` holds every reading of ``groups/headline.csv`` under each variant
of :data:`VARIANTS`, one row per reading and variant (:data:`ROBUSTNESS_COLUMNS`):

- ``baseline``: the configuration as run; these rows are headline.csv's own values;
- ``no_inventories``: final demand without changes in inventories and valuables (config key
  ``robustness.inventory_categories``). The accounts stage solves their final demand with the
  same LU factorization and takes out everything it induces: flows, PBA and CBA, household
  direct CO2 in those categories, final demand, primary inputs (so the world's two
  intensities stay equal), value added and gross output
  (:func:`bri_carbon.core.accounts.without_inventories`);
- ``drivers_developed``: finding (c) with all developed groups (config key
  ``findings.developed_groups``) as the driving final demand;
- ``drivers_us_eu28``: finding (c) with the United States and the 28 EU member states of
  2015 (config key ``findings.us_eu28``) as the driving final demand.

Readings that do not depend on a variant's choice keep their baseline value in it, so every
variant holds every reading. With several years, ``trends/robustness.csv`` stacks the tables
of every year; with a comparison of databases, ``compare/{year}/robustness.csv`` those of
every database (:func:`stacked`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from bri_carbon.core import readings
from bri_carbon.runtime.errors import WorkflowInputError

#: Columns of groups/robustness.csv (source, year and synthetic come in front).
ROBUSTNESS_COLUMNS = ("finding", "statistic", "level", "subject", "variant", "value", "unit")
#: The variants, in output order, with what each changes.
VARIANTS: dict[str, str] = {
    "baseline": "as configured",
    "no_inventories": "final demand without changes in inventories and valuables",
    "drivers_developed": "drivers of finding (c): all developed groups",
    "drivers_us_eu28": "drivers of finding (c): the United States and the EU28 of 2015",
}
#: Label of the driver set of variant ``drivers_us_eu28``.
US_EU28 = "United States + EU28 (2015)"


def driver_variants(
    developed_groups: list[str], regions: pd.DataFrame, codes: list[str], us_eu28: list[str]
) -> dict[str, readings.Drivers]:
    """The driver sets of the ``drivers_*`` variants, among the regions ``codes`` of the data."""
    present = [c for c in codes if c in set(us_eu28)]
    return {
        "drivers_developed": readings.Drivers.of_groups(developed_groups, regions, codes),
        "drivers_us_eu28": readings.Drivers(US_EU28, tuple(present)),
    }


def robustness_table(
    baseline: pd.DataFrame, variants: Mapping[str, pd.DataFrame | Callable[[], pd.DataFrame]]
) -> pd.DataFrame:
    """Every reading under every variant (:data:`ROBUSTNESS_COLUMNS`).

    ``baseline``: the headline readings as run; ``variants``: the headline readings of each
    other variant of :data:`VARIANTS` (or a function that computes them). Rows: variant by
    variant in :data:`VARIANTS` order, each in its headline order.
    """
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        raise ValueError(f"unknown variants {unknown}; known: {list(VARIANTS)}")
    frames = [baseline.assign(variant="baseline")]
    for name in VARIANTS:
        if name in variants:
            found = variants[name]
            frame = found() if callable(found) else found
            frames.append(frame.assign(variant=name))
    return pd.concat(frames, ignore_index=True)[list(ROBUSTNESS_COLUMNS)]


def stacked(tables: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Several groups/robustness.csv (of other years or sources, each with its ``source``
    and ``year`` columns) in one table, in the given order; a reading twice for one source,
    year and variant is an error."""
    table = pd.concat(list(tables), ignore_index=True)
    key = ["source", "year", "variant", "statistic", "level", "subject"]
    twice = table[table.duplicated(key)]
    if not twice.empty:
        raise WorkflowInputError(
            f"the robustness tables hold readings twice: {twice[key].head(5).to_dict('records')}; "
            "rerun the findings rule."
        )
    return table
