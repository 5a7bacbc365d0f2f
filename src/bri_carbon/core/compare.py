"""The findings across databases: the results of one year from several databases side by side.

A database is a source in one release (``eora26``, ``exiobase3``, ``exiobase3@3.8.2``, see
:mod:`bri_carbon.sources.databases`); each is computed on its own data at its own
resolution. For two or more databases, in the order given (the first is the *reference*):

- the group accounts: for each group and account column c, c of every database and the
  relative difference (d - reference) / |reference| of every other database d (NaN where
  the reference is 0 or a group is missing in either); units of the group accounts (Mt CO2,
  million current USD, kg CO2 per USD);
- every headline reading of the findings, as each database computes it;
- the group flow matrix on the regions all databases have (Mt CO2),

so that a user sees how robust each finding is to the data. Nothing here names a source: a
new one takes part by its name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from bri_carbon.core import grouping
from bri_carbon.runtime.errors import WorkflowInputError

#: Account columns compared by default (present in every source's groups/accounts.csv).
COMPARED_COLUMNS = (
    "production_mt",
    "consumption_mt",
    "net_export_mt",
    "primary_inputs_musd",
    "final_demand_musd",
    "production_intensity_kg_per_usd",
    "consumption_intensity_kg_per_usd",
)
#: The key of a headline reading (groups/headline.csv).
READING_KEY = ("finding", "statistic", "level", "subject")


def relative_differences(reference: pd.Series, other: pd.Series) -> pd.Series:
    """(other - reference) / |reference|, NaN where the reference is 0 or a value is
    missing."""
    denominator = reference.abs().where(reference != 0)
    return (other - reference) / denominator


def _names(frames: Mapping[str, object]) -> list[str]:
    """The database names of ``frames`` in order; at least two."""
    names = list(frames)
    if len(names) < 2:
        raise WorkflowInputError(
            f"a comparison needs two or more databases; got {names} (config key compare.sources)."
        )
    return names


def side_by_side(
    accounts: Mapping[str, pd.DataFrame], columns: Sequence[str] = COMPARED_COLUMNS
) -> pd.DataFrame:
    """Group accounts of several databases with relative differences, one row per group.

    ``accounts``: per database name (in order, the first the reference) its group accounts,
    indexed by ``group`` with ``bri`` and ``columns``. Groups in any database are kept (in
    order of first appearance); ``in_{name}`` says where a group is present. For every
    column c: ``{c}_{name}`` per database, then ``{c}_rel_diff_{name}`` per database but
    the reference. A final ``World`` row sums the additive (``_mt`` and ``_musd``) columns.
    """
    names = _names(accounts)
    for name, frame in accounts.items():
        missing = [column for column in columns if column not in frame.columns]
        if missing:
            raise WorkflowInputError(f"group accounts of {name} lack columns {missing}.")
    order = list(dict.fromkeys(group for frame in accounts.values() for group in frame.index))
    additive = [c for c in columns if c.endswith(("_mt", "_musd"))]
    aligned = {}
    for name, frame in accounts.items():
        rows = frame.reindex(order)
        world = rows[additive].sum().rename("World")
        aligned[name] = pd.concat([rows[list(columns)], world.to_frame().T]).astype(float)
    table = pd.DataFrame(index=pd.Index([*order, "World"], name="group"))
    bri = pd.Series(np.nan, index=pd.Index(order), dtype=object)
    for frame in accounts.values():
        bri = bri.combine_first(frame["bri"].astype(object))
    table["bri"] = [*(bool(flag) for flag in bri.reindex(order)), False]
    for name, frame in accounts.items():
        table[f"in_{name}"] = [*np.isin(order, frame.index), True]
    reference = names[0]
    for column in columns:
        for name in names:
            table[f"{column}_{name}"] = aligned[name][column].to_numpy()
        for name in names[1:]:
            table[f"{column}_rel_diff_{name}"] = relative_differences(
                aligned[reference][column], aligned[name][column]
            ).to_numpy()
    return table


def _differences(values: Mapping[str, pd.Series], prefix: str) -> pd.DataFrame:
    """Columns ``{prefix}_{name}`` of aligned series per database, then ``difference_{name}``
    (d - reference) and ``relative_difference_{name}`` ((d - reference) / |reference|) per
    database but the first, the reference."""
    names = list(values)
    reference = values[names[0]]
    columns = {f"{prefix}_{name}": series for name, series in values.items()}
    for name in names[1:]:
        columns[f"difference_{name}"] = values[name] - reference
        columns[f"relative_difference_{name}"] = relative_differences(reference, values[name])
    return pd.DataFrame(columns)


def headline_differences(headlines: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every headline reading of several databases side by side, each computed on its own
    data.

    ``headlines``: per database name (the first the reference) its findings' headline table
    (finding, statistic, level, subject, value, unit, paper_value). Readings of some
    databases only are kept (the others' values NaN), in order of first appearance. Returns
    finding, statistic, level, subject, unit, paper_value and the columns of
    :func:`_differences` (``value_{name}``, ...).
    """
    _names(headlines)
    key = list(READING_KEY)
    readings = pd.concat([frame[key] for frame in headlines.values()]).drop_duplicates()
    table = readings.reset_index(drop=True)
    units, papers, values = [], [], {}
    for name, headline in headlines.items():
        twice = headline[headline.duplicated(key)]
        if not twice.empty:
            raise WorkflowInputError(
                f"the headline readings of {name} list {len(twice)} reading(s) twice, e.g. "
                f"{tuple(twice.iloc[0][key])}; rerun its findings rule."
            )
        own = table.merge(headline[[*key, "unit", "paper_value", "value"]], on=key, how="left")
        units.append(own["unit"])
        papers.append(own["paper_value"])
        values[name] = own["value"].astype(float)
    unit, paper = units[0], papers[0]
    for other_unit, other_paper in zip(units[1:], papers[1:], strict=True):
        unit, paper = unit.combine_first(other_unit), paper.combine_first(other_paper)
    table = table.assign(unit=unit, paper_value=paper)
    return pd.concat([table, _differences(values, "value")], axis=1)


def common_group_flows(flows: Mapping[str, pd.DataFrame], regions: pd.DataFrame) -> pd.DataFrame:
    """The group flow matrices of several databases on the regions all of them have.

    ``flows``: per database name (the first the reference) its origin x destination region
    matrix (Mt CO2). Only flows between regions every database has are kept, then summed to
    groups, so that the matrices cover the same economies. Long form: origin, destination
    (groups, grouping-file order) and the columns of :func:`_differences` (``co2_mt_{name}``,
    ...).
    """
    names = _names(flows)
    common = sorted(set.intersection(*(set(frame.index) for frame in flows.values())))
    if not common:
        raise WorkflowInputError(
            f"the databases {', '.join(names)} have no region code in common; their flows "
            "cannot be compared. Check config/region_codes.csv."
        )
    matrices = {
        name: grouping.group_flows(frame.loc[common, common], regions)
        for name, frame in flows.items()
    }
    index = matrices[names[0]].index
    for matrix in matrices.values():
        index = index.union(matrix.index, sort=False)
    values = {
        name: matrix.reindex(index=index, columns=index, fill_value=0.0).stack()
        for name, matrix in matrices.items()
    }
    table = _differences(values, "co2_mt")
    table.index.names = ["origin", "destination"]
    return table.reset_index()
