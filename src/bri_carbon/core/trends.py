"""Trends across data vintages: every headline reading and the group accounts year by year.

A year's readings are its own headline table (``groups/headline.csv``, see
:mod:`bri_carbon.core.findings`), so the trend values carry exactly the statistic, level and
subject names of the yearly findings, and a multi-year run shows each reading over time.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import pandas as pd

from bri_carbon.core.findings import HEADLINE_COLUMNS
from bri_carbon.runtime.errors import WorkflowInputError

log = logging.getLogger(__name__)

#: Columns of the trends table: the year, then the headline columns a reader needs (the
#: paper's statement and its citation, the same in every year, are left out).
SERIES_COLUMNS = (
    "year",
    *(column for column in HEADLINE_COLUMNS if column not in ("paper_statement", "citation")),
)
#: Readings drawn over time in the trends figure: (statistic, level, subject).
FIGURE_READINGS = (
    ("positive_net_export_share", "region", "BRI"),
    ("driven_share", "block", "BRI"),
    ("export_share_to_drivers", "block", "BRI"),
)
GROUP_COLUMNS = ("production_mt", "consumption_mt", "net_export_mt")
_KEY = ["statistic", "level", "subject"]


def headline_series(headlines_by_year: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """The headline readings of every year in one long table (:data:`SERIES_COLUMNS`),
    sorted by year, each year's rows in their own order.

    Readings present in some years only (another grouping, a group without regions in a
    year) are kept and logged; a year with a reading twice is an error.
    """
    if not headlines_by_year:
        raise WorkflowInputError("the trends stage needs the headline findings of a year")
    keys = {}
    frames = []
    for year in sorted(headlines_by_year):
        frame = headlines_by_year[year]
        twice = frame[frame.duplicated(_KEY)]
        if not twice.empty:
            raise WorkflowInputError(
                f"the headline findings of {year} hold readings twice: "
                f"{twice[_KEY].to_dict('records')}; rerun the findings rule."
            )
        keys[year] = set(map(tuple, frame[_KEY].to_numpy()))
        frames.append(frame.assign(year=year)[list(SERIES_COLUMNS)])
    common = set.intersection(*keys.values())
    partial = sorted(set.union(*keys.values()) - common)
    if partial:
        log.warning("readings missing in some years (kept where present): %s", partial[:20])
    return pd.concat(frames, ignore_index=True)


def group_series(accounts_by_year: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """Group PBA, CBA and net exports per year: ``year``, ``group``, ``bri`` and
    :data:`GROUP_COLUMNS` (Mt CO2), in year then grouping-file order."""
    frames = []
    for year in sorted(accounts_by_year):
        frame = accounts_by_year[year][["bri", *GROUP_COLUMNS]].reset_index()
        frame.insert(0, "year", year)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def figure_series(series: pd.DataFrame) -> pd.DataFrame:
    """The :data:`FIGURE_READINGS` as a year x reading table (percent), for the figure."""
    selected = []
    for statistic, level, subject in FIGURE_READINGS:
        rows = series[
            (series["statistic"] == statistic)
            & (series["level"] == level)
            & (series["subject"] == subject)
        ]
        selected.append(rows.set_index("year")["value"].rename(statistic))
    return pd.concat(selected, axis=1).sort_index()
