"""The workflow's intermediate results as files: how rules write them and read them back.

Rule scripts that compute (accounts, groups, findings, trends, drivers, the source
comparison) and those that draw read the results of earlier rules through this module, and
write theirs with :func:`write_csv`; ``bri_carbon.outputs`` builds what people read
(Markdown, LaTeX, HTML, figures) on top of it.

Same inputs give byte-identical files: rows are written in the order given (callers sort),
floats with a fixed format (:data:`FLOAT_FORMAT`), booleans as ``true``/``false``; codes
are read back verbatim (Namibia's ``NA`` is not a missing value).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from bri_carbon.core.accounts import DISCREPANCY_COLUMNS, RegionalAccounts
from bri_carbon.runtime.atomic import atomic_path
from bri_carbon.runtime.errors import WorkflowInputError

FLOAT_FORMAT = "%.12g"


def _normalized(frame: pd.DataFrame) -> pd.DataFrame:
    """Booleans as true/false so that every tool reads them alike; float columns as the
    text that ``to_csv(float_format=FLOAT_FORMAT)`` writes (missing values empty),
    formatted here because pandas formats each number through several Python calls (half
    a second of the Eora26 accounts job, whose files hold about 135,000 numbers)."""
    result = frame.copy()
    for position, dtype in enumerate(result.dtypes):
        if isinstance(dtype, np.dtype) and dtype.kind == "b":
            result.isetitem(position, result.iloc[:, position].map({True: "true", False: "false"}))
        elif isinstance(dtype, np.dtype) and dtype.kind == "f":
            values = result.iloc[:, position].to_numpy().tolist()
            text = ["" if value != value else FLOAT_FORMAT % value for value in values]
            result.isetitem(position, pd.Series(text, index=result.index, dtype=object))
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


def read_headline(path: Path) -> pd.DataFrame:
    """Read ``groups/headline.csv`` (values and paper values numeric, texts verbatim)."""
    try:
        return pd.read_csv(
            path, keep_default_na=False, na_values={"value": [""], "paper_value": [""]}
        )
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read the headline findings {path}: {err}") from err


def _headline_row(headline: pd.DataFrame, statistic: str, level: str, subject: str) -> pd.Series:
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
    return row.iloc[0]


def headline_reading(
    headline: pd.DataFrame, statistic: str, level: str, subject: str
) -> tuple[float, float | None]:
    """(value, paper value or None) of one reading of the headline table."""
    row = _headline_row(headline, statistic, level, subject)
    paper = row["paper_value"]
    return float(row["value"]), None if pd.isna(paper) else float(paper)


def paper_wording(headline: pd.DataFrame, statistic: str, level: str, subject: str) -> str:
    """The abstracts' words for the value of one reading (``paper_wording`` of the headline
    table, e.g. "more than 95% (J. Geogr. Sci.); up to 95% (Acta Geogr. Sin.)"), or ""."""
    wording = _headline_row(headline, statistic, level, subject).get("paper_wording", "")
    return "" if pd.isna(wording) else str(wording)


def read_robustness(path: Path) -> pd.DataFrame:
    """Read ``groups/robustness.csv`` (values numeric, texts verbatim)."""
    try:
        return pd.read_csv(path, keep_default_na=False, na_values={"value": [""]})
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read the robustness readings {path}: {err}") from err
