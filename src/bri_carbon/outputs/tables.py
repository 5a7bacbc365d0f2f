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


def headline_display(headline: pd.DataFrame) -> pd.DataFrame:
    """The headline findings for display: finding, statistic, value, paper value, unit,
    paper statement and definition (indexed by ``finding``)."""
    columns = ["statistic", "value", "paper_value", "unit", "paper_statement", "definition"]
    return headline.set_index("finding")[columns]
