"""The paper's tables as people read them: CSV (through :mod:`bri_carbon.results.store`, fixed
float format), Markdown and LaTeX (booktabs), with their captions and displays.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from bri_carbon.outputs import typeset
from bri_carbon.outputs.typeset import Column
from bri_carbon.results.store import read_accounts, read_headline, write_csv
from bri_carbon.runtime.atomic import write_text
from bri_carbon.runtime.errors import WorkflowInputError


def write_table_set(
    frame: pd.DataFrame,
    table: typeset.Display,
    csv_path: str | os.PathLike[str],
    markdown_path: str | os.PathLike[str],
    latex_path: str | os.PathLike[str],
    caption: str,
    label: str,
) -> None:
    """Write one table as CSV (``frame`` at full precision) and as Markdown and LaTeX
    (``table``, the same data as shown: human headers, rounded numbers)."""
    write_csv(frame, csv_path)
    write_text(markdown_path, typeset.to_markdown(table, caption))
    write_text(latex_path, typeset.to_latex(table, caption, label))


def table_caption(title: str, source: str, year: int, synthetic: bool, units: str) -> str:
    """Caption naming the data: ``{title}, {year} ({source or 'synthetic data'}): {units}``."""
    label = "synthetic data, not real emissions" if synthetic else source
    return f"{title}, {year} ({label}): {units}"


def region_membership(regions: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Groups with their BRI flag, number of regions and member names (``codes`` only).

    ``regions``: the grouping indexed by code (``name``, ``bri``, ``group``); ``codes``:
    the regions of the data. Groups in file order, members sorted by name.
    """
    present = regions.loc[[c for c in regions.index if c in set(codes)]]
    rows = []
    for group in dict.fromkeys(present["group"]):
        members = present[present["group"] == group]
        rows.append(
            {
                "group": group,
                "bri": bool(members["bri"].all()),
                "regions": len(members),
                "members": ", ".join(
                    sorted(f"{name} ({code})" for code, name in members["name"].items())
                ),
            }
        )
    return pd.DataFrame(rows).set_index("group")


def flow_matrix_with_totals(flows: pd.DataFrame) -> pd.DataFrame:
    """Origin x destination matrix (Mt CO2) with a ``Total`` column and row appended."""
    result = flows.copy()
    result["Total"] = result.sum(axis=1)
    result.loc["Total"] = result.sum(axis=0)
    result.index.name = "origin"
    result.columns.name = None
    return result


#: Human names of the headline statistics and levels in display tables.
STATISTIC_NAMES = {
    "intensity_ratio": "production / consumption intensity",
    "emission_ratio": "production / consumption emissions",
    "intensity_difference_kg_per_usd": "production \u2212 consumption intensity",
    "intensity_ratio_gap": "intensity ratio, BRI / developed",
    "emission_ratio_gap": "emission ratio, BRI / developed",
    "regions_intensity_ratio_above_one": "regions with intensity ratio above 1",
    "regions_intensity_ratio_above_one_pct": "regions with intensity ratio above 1 (share)",
    "positive_net_export_share": "share of positive net exports",
    "positive_net_export_share_bri_developed": "share of positive net exports, BRI + developed",
    "net_flow_to_developed_share": "share of developed net imports from BRI",
    "gross_export_share": "share of gross embodied exports",
    "net_embodied_exports_mt": "net embodied exports",
    "driven_share": "emissions driven by the driver groups",
    "driven_share_all_developed": "emissions driven by all developed groups",
    "driven_share_us_eu28": "emissions driven by the US and the EU28",
    "driven_share_pba": "driven emissions over production-based emissions",
    "bri_groups_within_25_35_pct": "BRI groups within 25\u201335%",
    "export_share_to_drivers": "exports going to the driver groups",
    "driver_consumption_from_bri": "driver consumption emitted in BRI",
    "consumption_share_from_developed": "consumption emissions emitted in developed regions",
    "developed_share_of_world_cba": "developed share of world consumption emissions",
}
LEVEL_NAMES = {
    "region": "over regions",
    "group": "per group",
    "block": "combined",
    "region_pair": "over region pairs",
    "group_pair": "over group pairs",
}


def reading_name(statistic: str, level: str) -> str:
    """A reading of the findings in words: ``statistic, level`` (:data:`STATISTIC_NAMES`,
    :data:`LEVEL_NAMES`; unknown names verbatim)."""
    return f"{STATISTIC_NAMES.get(statistic, statistic)}, {LEVEL_NAMES.get(level, level)}"


def headline_table(headline: pd.DataFrame) -> pd.DataFrame:
    """The headline readings as the table ``headline`` holds them: ``finding``,
    ``paper_statement`` (the abstracts' sentences the reading belongs to: the statement a
    reading first carries in ``groups/headline.csv``, kept for the readings after it in the
    same finding), ``reading`` (statistic and level in words), ``subject``, ``value``,
    ``unit``, ``paper_value`` and ``paper_wording`` (the abstracts' words for the value), one
    row per reading in the order of ``headline``; indexed by ``finding``."""
    statement = headline["paper_statement"].fillna("").astype(str)
    first = statement.where(~statement.duplicated(), "")
    belongs = first.replace("", np.nan).groupby(headline["finding"]).ffill().fillna("")
    table = pd.DataFrame(
        {
            "finding": headline["finding"],
            "paper_statement": belongs,
            "reading": [
                reading_name(statistic, level)
                for statistic, level in zip(headline["statistic"], headline["level"], strict=True)
            ],
            "subject": headline["subject"],
            "value": headline["value"],
            "unit": headline["unit"],
            "paper_value": headline["paper_value"],
            "paper_wording": headline["paper_wording"].fillna("").astype(str),
        }
    )
    return table.set_index("finding")


# --- The tables as people read them (Markdown, LaTeX, the HTML report) -------------------

#: Caption title and units of each table (see table_caption).
TABLE_TITLES = {
    "region_membership": (
        "Region membership of the groups",
        "regions of the data in each group of the grouping file",
    ),
    "group_accounts": (
        "Production- and consumption-based CO2 by group",
        "Mt CO2, billion current USD, kg CO2 per USD; ratio: production- over "
        "consumption-based intensity",
    ),
    "group_flows": (
        "Embodied CO2 flows between groups (rows: where emitted; columns: whose final demand)",
        "Mt CO2, industry emissions (household direct emissions excluded)",
    ),
    "headline": (
        "Headline findings: every reading recomputed, next to the paper's statement",
        "units per row",
    ),
}

_EMISSIONS, _ECONOMY, _INTENSITY = "CO2 emissions", "Economy", "Intensity"
#: How the account columns (accounts.csv, groups/accounts.csv) are shown.
ACCOUNT_COLUMNS = {
    "production_mt": Column(
        "production_mt", "Production-based", "number", "Mt CO2", spanner=_EMISSIONS
    ),
    "consumption_mt": Column(
        "consumption_mt", "Consumption-based", "number", "Mt CO2", spanner=_EMISSIONS
    ),
    "household_direct_mt": Column(
        "household_direct_mt", "Household direct", "number", "Mt CO2", spanner=_EMISSIONS
    ),
    "net_export_mt": Column(
        "net_export_mt", "Net embodied exports", "number", "Mt CO2", spanner=_EMISSIONS
    ),
    "primary_inputs_musd": Column(
        "primary_inputs_musd",
        "Primary inputs",
        "number",
        "billion USD",
        scale=1e-3,
        spanner=_ECONOMY,
        new_part=True,
    ),
    "final_demand_musd": Column(
        "final_demand_musd", "Final demand", "number", "billion USD", scale=1e-3, spanner=_ECONOMY
    ),
    "value_added_musd": Column(
        "value_added_musd",
        "Value-added rows",
        "number",
        "billion USD",
        scale=1e-3,
        spanner=_ECONOMY,
    ),
    "gross_output_musd": Column(
        "gross_output_musd", "Gross output", "number", "billion USD", scale=1e-3, spanner=_ECONOMY
    ),
    "production_intensity_kg_per_usd": Column(
        "production_intensity_kg_per_usd",
        "Production-based intensity",
        "number",
        "kg CO2 per USD",
        spanner=_INTENSITY,
        short="Production-based",
    ),
    "consumption_intensity_kg_per_usd": Column(
        "consumption_intensity_kg_per_usd",
        "Consumption-based intensity",
        "number",
        "kg CO2 per USD",
        spanner=_INTENSITY,
        short="Consumption-based",
    ),
    "production_to_consumption_intensity_ratio": Column(
        "production_to_consumption_intensity_ratio",
        "Production / consumption intensity",
        "number",
        rounding="ratio",
        short="Ratio",
    ),
}
_GROUP = Column("group", "Group")
_BRI = Column("bri", "BRI", "flag")


def region_membership_display(membership: pd.DataFrame) -> typeset.Display:
    """Table ``region_membership`` as shown: group, BRI, number of regions and the members,
    which fill the rest of the line (a long table: the list grows with the grouping)."""
    columns = [
        _GROUP,
        _BRI,
        Column("regions", "Regions", "number", rounding="count"),
        Column("members", "Members", fill=True),
    ]
    return typeset.display(columns, [("", membership.reset_index())], long=True)


def group_accounts_display(accounts: pd.DataFrame) -> typeset.Display:
    """Table ``group_accounts`` as shown: emissions (Mt CO2), then in a second part the money
    (billion USD, from the million USD of the CSV), the intensities (kg CO2 per USD) and
    their ratio."""
    columns = [_GROUP, _BRI]
    columns += [column for key, column in ACCOUNT_COLUMNS.items() if key in accounts.columns]
    return typeset.display(columns, [("", accounts.reset_index())])


def group_flows_display(matrix: pd.DataFrame) -> typeset.Display:
    """Table ``group_flows`` as shown: origins as rows, the destinations (whose final demand)
    under one heading, Mt CO2; the last row (totals) set apart by a rule."""
    frame = matrix.copy()
    frame.insert(0, "", matrix.index)
    columns = [Column("", "Emitted in")]
    columns += [
        Column(
            str(name),
            "Total" if name == "Total" else str(name),
            "number",
            rounding="Mt CO2",
            spanner="" if name == "Total" else "Final demand of",
        )
        for name in matrix.columns
    ]
    blocks = [("", frame.iloc[:-1]), ("", frame.iloc[-1:])]
    return typeset.display(columns, blocks)


def headline_display(table: pd.DataFrame) -> typeset.Display:
    """Table ``headline`` as shown: one block per paper statement, headed by the finding and
    the statement, with each reading's value (rounded by its unit) next to the paper's."""
    columns = [
        Column("reading", "Reading", fill=True),
        Column("subject", "Subject", width_cm=4.0),
        Column("value", "Value", "number", unit_key="unit"),
        Column("unit", "Unit"),
        Column("paper_wording", "Paper (abstract)", width_cm=4.0),
    ]
    table = table.reset_index()
    key = table["finding"].astype(str) + "\0" + table["paper_statement"].astype(str)
    starts = key.ne(key.shift())
    blocks = []
    for _, rows in table.groupby(starts.cumsum(), sort=False):
        finding, statement = rows["finding"].iloc[0], rows["paper_statement"].iloc[0]
        heading = f"({finding}) {statement}" if statement else f"({finding})"
        blocks.append((heading, rows))
    return typeset.display(columns, blocks, stub=0, long=True)


def _labels(names: Sequence[str], labels: Sequence[str] | None) -> list[str]:
    """The shown names of the databases ``names`` (``labels`` when given)."""
    return list(labels) if labels is not None else list(names)


def comparison_display(
    table: pd.DataFrame, names: Sequence[str], labels: Sequence[str] | None = None
) -> typeset.Display:
    """The comparison of the group accounts (bri_carbon.core.compare.side_by_side) as shown:
    per compared column its value in every database and the relative difference of every
    database but the first, the reference, in percent, under one heading; split into parts
    as wide as the page. ``names``: the databases as the CSV columns name them, in order;
    ``labels``: how to show them (default the names)."""
    shown_names = _labels(names, labels)
    reference = shown_names[0]
    columns = [
        _GROUP,
        _BRI,
        *(
            Column(f"in_{name}", f"In {label}", "flag")
            for name, label in zip(names, shown_names, strict=True)
        ),
    ]
    for key, column in ACCOUNT_COLUMNS.items():
        if f"{key}_{names[0]}" not in table.columns:
            continue
        shown = {"unit": column.unit, "rounding": column.rounding, "scale": column.scale}
        columns += [
            Column(
                f"{key}_{name}",
                f"{column.header}, {label}",
                "number",
                **shown,
                short=label,
                spanner=column.header,
            )
            for name, label in zip(names, shown_names, strict=True)
        ]
        columns += [
            Column(
                f"{key}_rel_diff_{name}",
                f"{column.header}, relative difference of {label} to {reference}",
                "number",
                "%",
                scale=100.0,
                spanner=column.header,
                short=f"{label} vs {reference}" if len(names) > 2 else "Difference",
            )
            for name, label in zip(names[1:], shown_names[1:], strict=True)
        ]
    return typeset.display(columns, [("", table.reset_index())])


def read_comparison(path: Path, names: Sequence[str]) -> pd.DataFrame:
    """Read a comparison's ``group_accounts.csv`` (the input of :func:`comparison_display`):
    ``bri`` and ``in_{name}`` as bool, numbers as float."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False).set_index("group")
    except (OSError, ValueError, KeyError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read the comparison {path}: {err}") from err
    flags = ["bri", *(f"in_{name}" for name in names)]
    for column in frame.columns:
        if column in flags:
            frame[column] = frame[column].str.lower() == "true"
        else:
            frame[column] = pd.to_numeric(frame[column].replace("", np.nan))
    return frame


def read_comparison_headline(path: Path) -> pd.DataFrame:
    """Read a comparison's ``headline.csv`` (bri_carbon.core.compare.headline_differences):
    texts verbatim, values and paper values numeric."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read the comparison {path}: {err}") from err
    texts = ["finding", "statistic", "level", "subject", "unit"]
    for column in frame.columns:
        if column not in texts:
            frame[column] = pd.to_numeric(frame[column].replace("", np.nan))
    return frame


def comparison_headline_display(
    table: pd.DataFrame, names: Sequence[str], labels: Sequence[str] | None = None
) -> typeset.Display:
    """The readings of the findings of several databases side by side (``table``: rows of a
    comparison's headline.csv): per finding a block, per reading its value in every
    database (rounded by its unit) and the paper's value."""
    shown_names = _labels(names, labels)
    columns = [
        Column("reading", "Reading", fill=True),
        Column("subject", "Subject", width_cm=3.5),
        *(
            Column(f"value_{name}", label, "number", unit_key="unit", spanner="Value")
            for name, label in zip(names, shown_names, strict=True)
        ),
        Column("unit", "Unit"),
        Column("paper_value", "Paper", "number", rounding="as given"),
    ]
    rows = table.assign(
        reading=[
            reading_name(statistic, level)
            for statistic, level in zip(table["statistic"], table["level"], strict=True)
        ]
    )
    blocks = [(f"({finding})", block) for finding, block in rows.groupby("finding", sort=False)]
    return typeset.display(columns, blocks, stub=0, long=True)


#: The display of each table, from the frame its CSV holds (see read_table).
DISPLAYS = {
    "region_membership": region_membership_display,
    "group_accounts": group_accounts_display,
    "group_flows": group_flows_display,
    "headline": headline_display,
}


def read_table(name: str, path: Path) -> pd.DataFrame:
    """Read the CSV of table ``name`` back into the frame it was written from (the input of
    ``DISPLAYS[name]``): texts verbatim, flags as bool, numbers as float."""
    try:
        if name == "group_accounts":
            return read_accounts(path, "group")
        if name == "headline":
            return read_headline(path).set_index("finding")
        index = "group" if name == "region_membership" else "origin"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False).set_index(index)
    except (OSError, ValueError, KeyError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read the table {path}: {err}") from err
    if name == "region_membership":
        frame["bri"] = frame["bri"].str.lower() == "true"
        frame["regions"] = frame["regions"].astype(int)
        return frame
    return frame.apply(lambda column: pd.to_numeric(column.replace("", np.nan)))
