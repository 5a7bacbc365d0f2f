"""Deterministic table output: CSV (fixed float format), Markdown and LaTeX (booktabs).

Same inputs give byte-identical files: rows are written in the order given (callers sort),
floats with a fixed format, booleans as ``true``/``false``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from bri_carbon.core.accounts import DISCREPANCY_COLUMNS, RegionalAccounts
from bri_carbon.runtime.atomic import atomic_path, write_text
from bri_carbon.runtime.errors import WorkflowInputError

FLOAT_FORMAT = "%.12g"


def _normalized(frame: pd.DataFrame) -> pd.DataFrame:
    """Booleans as true/false so that every tool reads them alike."""
    result = frame.copy()
    for column in result.columns:
        if result[column].dtype == bool:
            result[column] = result[column].map({True: "true", False: "false"})
    return result


def write_csv(frame: pd.DataFrame, target: str | os.PathLike[str], index: bool = True) -> None:
    """Write ``frame`` as CSV with :data:`FLOAT_FORMAT`, atomically."""
    with atomic_path(target) as tmp:
        _normalized(frame).to_csv(tmp, index=index, float_format=FLOAT_FORMAT, lineterminator="\n")


def accounts_frame(result: RegionalAccounts) -> pd.DataFrame:
    """The regional accounts as a frame indexed by ``region`` (Mt CO2, million USD)."""
    return pd.DataFrame(result.accounts, index=pd.Index(result.regions, name="region"))


def discrepancy_frame(result: RegionalAccounts) -> pd.DataFrame:
    """Purchases from and sales to the source's discrepancy entry per region (million USD,
    % of gross output), indexed by ``region``; no rows for sources without such an entry."""
    index = pd.Index(result.regions if result.discrepancy else [], name="region")
    columns = {
        name: result.discrepancy[name] if result.discrepancy else [] for name in DISCREPANCY_COLUMNS
    }
    return pd.DataFrame(columns, index=index, dtype=float).sort_index()


def flows_frame(result: RegionalAccounts) -> pd.DataFrame:
    """The flow matrix as an ``origin`` x ``destination`` frame (Mt CO2)."""
    return pd.DataFrame(
        result.flows,
        index=pd.Index(result.regions, name="origin"),
        columns=pd.Index(result.regions, name="destination"),
    )


def flows_long(flows: pd.DataFrame, value: str = "co2_mt") -> pd.DataFrame:
    """An origin x destination matrix as long form (``origin``, ``destination``, ``value``),
    sorted by origin then destination."""
    long = flows.stack().rename(value).reset_index()
    long.columns = ["origin", "destination", value]
    return long.sort_values(["origin", "destination"], kind="stable").reset_index(drop=True)


def read_accounts(path: Path, index: str = "region") -> pd.DataFrame:
    """Read ``accounts.csv`` (``index="region"``) or ``groups/accounts.csv`` (``"group"``).

    Codes are kept verbatim (Namibia's ``NA`` is not a missing value); ``bri`` becomes bool
    and every account column numeric (empty cells, e.g. the intensity of a region without
    value added, become NaN).
    """
    try:
        frame = pd.read_csv(path, index_col=index, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read accounts {path}: {err}") from err
    text_columns = {"name", "group", "bri"}
    for column in frame.columns:
        if column not in text_columns:
            frame[column] = pd.to_numeric(frame[column].replace("", np.nan))
    frame["bri"] = frame["bri"].str.lower() == "true"
    return frame


def read_flows(path: Path) -> pd.DataFrame:
    """Read a long flow file (``origin,destination,co2_mt``) as an origin x destination
    matrix (Mt CO2), codes kept verbatim."""
    try:
        long = pd.read_csv(path, dtype={"origin": str, "destination": str}, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read flows {path}: {err}") from err
    wide = long.pivot(index="origin", columns="destination", values="co2_mt")
    return wide.astype(float)


def read_sector_flows(path: Path) -> pd.DataFrame:
    """Read ``sector_flows.csv`` (``origin``, ``sector``, ``destination_group``, ``co2_mt``),
    codes and names kept verbatim."""
    try:
        return pd.read_csv(
            path,
            dtype={"origin": str, "sector": str, "destination_group": str},
            keep_default_na=False,
        )
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read sector flows {path}: {err}") from err


def _formatted(frame: pd.DataFrame, digits: int) -> pd.DataFrame:
    """Round floats to ``digits`` decimals for display tables; keep everything else."""
    result = _normalized(frame)
    for column in result.columns:
        if pd.api.types.is_float_dtype(result[column]):
            result[column] = result[column].map(lambda v: "" if pd.isna(v) else f"{v:,.{digits}f}")
    return result.astype(str)


def to_markdown(frame: pd.DataFrame, digits: int = 2) -> str:
    """A GitHub-flavoured Markdown table (index as the first column)."""
    table = _formatted(frame.reset_index(), digits)
    header = "| " + " | ".join(str(c) for c in table.columns) + " |"
    rule = (
        "|"
        + "|".join(
            "---:" if pd.api.types.is_numeric_dtype(frame.reset_index()[c]) else "---"
            for c in table.columns
        )
        + "|"
    )
    rows = ["| " + " | ".join(row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *rows]) + "\n"


_LATEX_ESCAPES = {"&": r"\&", "%": r"\%", "_": r"\_", "#": r"\#", "$": r"\$"}


def _latex_escape(text: str) -> str:
    return "".join(_LATEX_ESCAPES.get(ch, ch) for ch in text)


def to_latex(
    frame: pd.DataFrame,
    caption: str,
    label: str,
    digits: int = 2,
    align: str | None = None,
    fit_width: bool = False,
) -> str:
    """A booktabs LaTeX table (needs ``\\usepackage{booktabs}``).

    ``align``: column specification (default: ``r`` for numbers, ``l`` otherwise);
    ``fit_width``: scale the tabular to the text width (needs ``\\usepackage{graphicx}``).
    """
    table = _formatted(frame.reset_index(), digits)
    numeric = [pd.api.types.is_numeric_dtype(frame.reset_index()[c]) for c in table.columns]
    if align is None:
        align = "".join("r" if is_num else "l" for is_num in numeric)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{_latex_escape(caption)}}}",
        rf"\label{{{label}}}",
        rf"\begin{{tabular}}{{{align}}}",
        r"\toprule",
        " & ".join(_latex_escape(str(c)) for c in table.columns) + r" \\",
        r"\midrule",
        *(
            " & ".join(_latex_escape(v) for v in row) + r" \\"
            for row in table.itertuples(index=False)
        ),
        r"\bottomrule",
        r"\end{tabular}",
        r"\end{table}",
    ]
    if fit_width:
        start = lines.index(rf"\begin{{tabular}}{{{align}}}")
        lines.insert(start, r"\resizebox{\textwidth}{!}{%")
        lines.insert(lines.index(r"\end{tabular}") + 1, "}")
    return "\n".join(lines) + "\n"


def write_table_set(
    frame: pd.DataFrame,
    csv_path: str | os.PathLike[str],
    markdown_path: str | os.PathLike[str],
    latex_path: str | os.PathLike[str],
    caption: str,
    label: str,
    digits: int = 2,
    align: str | None = None,
    fit_width: bool = False,
) -> None:
    """Write one table as CSV, Markdown and LaTeX (``digits``, ``align`` and ``fit_width``
    shape the Markdown and LaTeX versions; the CSV keeps full precision)."""
    write_csv(frame, csv_path)
    write_text(markdown_path, f"{caption}\n\n{to_markdown(frame, digits)}")
    write_text(latex_path, to_latex(frame, caption, label, digits, align, fit_width))


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
    result.index.name = "origin / destination"
    return result


def read_headline(path: Path) -> pd.DataFrame:
    """Read ``groups/headline.csv`` (values and paper values numeric, texts verbatim)."""
    try:
        return pd.read_csv(
            path, keep_default_na=False, na_values={"value": [""], "paper_value": [""]}
        )
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read the headline findings {path}: {err}") from err


def headline_reading(
    headline: pd.DataFrame, statistic: str, level: str, subject: str
) -> tuple[float, float | None]:
    """(value, paper value or None) of one reading of the headline table."""
    row = headline[
        (headline["statistic"] == statistic)
        & (headline["level"] == level)
        & (headline["subject"] == subject)
    ]
    if len(row) != 1:
        raise WorkflowInputError(
            f"the headline findings hold {len(row)} rows for ({statistic}, {level}, "
            f"{subject}), expected one; rerun the findings rule."
        )
    paper = row["paper_value"].iloc[0]
    return float(row["value"].iloc[0]), None if pd.isna(paper) else float(paper)


#: Human names of the headline statistics and levels in display tables.
STATISTIC_NAMES = {
    "intensity_ratio": "production / consumption intensity",
    "emission_ratio": "production / consumption emissions",
    "intensity_difference_kg_per_usd": "production - consumption intensity",
    "intensity_ratio_gap": "intensity ratio, BRI / developed",
    "positive_net_export_share": "share of positive net exports",
    "net_embodied_exports_mt": "net embodied exports",
    "driven_share": "emissions driven by the driver groups",
    "bri_groups_within_25_35_pct": "BRI groups within 25-35%",
    "export_share_to_drivers": "exports going to the driver groups",
    "driver_consumption_from_bri": "driver consumption emitted in BRI",
}
LEVEL_NAMES = {
    "region": "over regions",
    "group": "per group",
    "block": "combined",
    "region_pair": "over region pairs",
    "group_pair": "over group pairs",
}


def headline_display(headline: pd.DataFrame) -> pd.DataFrame:
    """The headline readings for display, side by side with the paper's sentence: one row
    per reading (finding, reading, subject, value, unit, paper value), the paper's statement
    written once per finding and statement. Indexed by ``finding``."""
    statement = headline["paper_statement"].fillna("")
    shown = statement.where(~statement.duplicated(), "")
    display = pd.DataFrame(
        {
            "finding": headline["finding"],
            "paper says": shown,
            "reading": [
                f"{STATISTIC_NAMES.get(s, s)}, {LEVEL_NAMES.get(level, level)}"
                for s, level in zip(headline["statistic"], headline["level"], strict=True)
            ],
            "subject": headline["subject"],
            "value": headline["value"],
            "unit": headline["unit"],
            "paper": headline["paper_value"],
        }
    )
    return display.set_index("finding")
