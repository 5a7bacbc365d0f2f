"""The workflow's own tables: the user's region grouping and the reference tables it ships.

Each reader checks the columns and values it needs and names the file and the fix when they
are wrong; the other layers receive plain frames and series.

- ``config/regions.csv``: the grouping (``iso3``, ``name``, ``bri``, ``group``);
- ``data/region_codes.csv``: source region codes to output codes;
- ``data/concordances/exio3_{ixi,pxp}.csv``: EXIOBASE sectors to the common sectors;
- ``data/exchange_rates.csv``: annual USD per EUR;
- ``data/paper_values.csv``: the paper's reported values;
- ``data/us_eu28.csv``: the United States and the EU28 of 2015, drivers of finding (c);
- the deflator named by ``drivers.deflator``: a price index by year.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bri_carbon.runtime.errors import WorkflowInputError

REGION_COLUMNS = ("iso3", "name", "bri", "group")
REGION_CODE_COLUMNS = ("source", "source_code", "region", "name")
CONCORDANCE_COLUMNS = ("source_sector", "target_sector")
EXCHANGE_RATE_COLUMNS = ("year", "usd_per_eur", "source")
PAPER_VALUE_COLUMNS = (
    "finding",
    "statistic",
    "level",
    "subject",
    "paper_value",
    "unit",
    "paper_wording",
    "paper_statement",
    "journal",
    "citation",
)
PRICE_INDEX_COLUMNS = ("year", "index")
REGION_LIST_COLUMNS = ("iso3",)
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _read(path: Path, what: str, columns: tuple[str, ...], **options) -> pd.DataFrame:
    """Read a CSV table (UTF-8) and check that it has ``columns``; every error is one
    paragraph naming the file and the fix."""
    try:
        table = pd.read_csv(path, encoding="utf-8", **options)
    except UnicodeDecodeError as err:
        raise WorkflowInputError(
            f"{path} is not UTF-8 text (byte {err.start} cannot be decoded); {what} must be a "
            "CSV file in UTF-8. Save it again as 'CSV UTF-8' (or convert it, e.g. with "
            f"iconv -f latin1 -t utf-8)."
        ) from None
    except pd.errors.EmptyDataError:
        raise WorkflowInputError(
            f"{path} is empty; {what} needs the header {','.join(columns)} and its rows."
        ) from None
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read {what} {path}: {err}") from None
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise WorkflowInputError(
            f"{path} lacks columns {missing}; {what} needs the header {','.join(columns)}."
        )
    return table


def read_regions(path: Path) -> pd.DataFrame:
    """Read and validate the grouping file; returns a frame indexed by ``iso3``.

    Raises a clear error for missing columns, duplicate codes or unreadable ``bri`` values.
    """
    table = _read(path, "the region grouping", REGION_COLUMNS, dtype=str, keep_default_na=False)
    duplicated = sorted(set(table["iso3"][table["iso3"].duplicated()]))
    if duplicated:
        raise WorkflowInputError(f"{path} lists these codes more than once: {duplicated}")
    flags = table["bri"].str.strip().str.lower()
    bad = table.loc[~flags.isin(_TRUE | _FALSE), "iso3"].tolist()
    if bad:
        raise WorkflowInputError(f"{path}: column bri must be true or false; bad rows: {bad}")
    empty_group = table.loc[table["group"].str.strip() == "", "iso3"].tolist()
    if empty_group:
        raise WorkflowInputError(f"{path}: rows without a group: {empty_group}")
    table["bri"] = flags.isin(_TRUE)
    return table.set_index("iso3")


def read_region_codes(path: Path) -> pd.DataFrame:
    """The region code table (``source``, ``source_code``, ``region``, ``name``, ...)."""
    return _read(
        path, "the region code table", REGION_CODE_COLUMNS, dtype=str, keep_default_na=False
    )


def read_concordance(path: Path) -> pd.Series:
    """Read a sector concordance CSV (``source_sector``, ``target_sector``, ...).

    Returns source sector -> target sector. Fails when a source sector is listed twice or
    a row is incomplete, naming the rows.
    """
    table = _read(
        path, "the sector concordance", CONCORDANCE_COLUMNS, dtype=str, keep_default_na=False
    )
    twice = sorted(set(table["source_sector"][table["source_sector"].duplicated()]))
    if twice:
        raise WorkflowInputError(f"{path} maps these source sectors more than once: {twice}")
    empty = table.loc[
        (table["source_sector"].str.strip() == "") | (table["target_sector"].str.strip() == ""),
        "source_sector",
    ].tolist()
    if empty:
        raise WorkflowInputError(f"{path} has rows without a source or target sector: {empty}")
    return table.set_index("source_sector")["target_sector"]


def read_exchange_rates(path: Path) -> pd.DataFrame:
    """The annual rate table (``year``, ``usd_per_eur``, ``source``), indexed by year."""
    table = _read(path, "the exchange-rate table", EXCHANGE_RATE_COLUMNS, keep_default_na=False)
    if table["year"].duplicated().any():
        raise WorkflowInputError(f"{path} lists a year more than once")
    return table.set_index("year")


def read_paper_values(path: Path) -> pd.DataFrame:
    """Read the paper's reported values (``data/paper_values.csv``, columns of
    :data:`PAPER_VALUE_COLUMNS`; see :mod:`bri_carbon.core.paper`): one row per statistic,
    level, subject (``*``: every subject of that statistic and level) and abstract
    (``journal``). ``paper_value`` is given exactly where the sentence gives a number: then
    ``paper_wording`` holds the words that give it, found verbatim in ``paper_statement``
    and naming that number; otherwise both are empty."""
    table = _read(
        path,
        "the paper's values",
        PAPER_VALUE_COLUMNS,
        dtype={column: str for column in PAPER_VALUE_COLUMNS if column != "paper_value"}
        | {"paper_value": float},
        keep_default_na=False,
        na_values={"paper_value": [""]},
    )
    key = ["statistic", "level", "subject", "journal"]
    twice = table[table.duplicated(key)]
    if not twice.empty:
        raise WorkflowInputError(
            f"{path} lists these readings more than once per abstract: "
            f"{twice[key].to_dict('records')}"
        )
    bad = []
    for row in table.itertuples(index=False):
        has_value, wording = pd.notna(row.paper_value), row.paper_wording.strip()
        if has_value != bool(wording):
            bad.append(
                f"{row.statistic}/{row.level}/{row.subject} ({row.journal}): a value needs "
                "its wording and a wording its value"
            )
        elif wording and wording.lower() not in row.paper_statement.lower():
            bad.append(
                f"{row.statistic}/{row.level}/{row.subject} ({row.journal}): wording "
                f"{wording!r} is not in the statement"
            )
        elif wording and f"{row.paper_value:g}" not in wording:
            bad.append(
                f"{row.statistic}/{row.level}/{row.subject} ({row.journal}): wording "
                f"{wording!r} does not give the value {row.paper_value:g}"
            )
    if bad:
        raise WorkflowInputError(
            f"{path}: a paper value must come with the words of the sentence that give it: "
            + "; ".join(bad)
        )
    return table


def read_region_list(path: Path, key: str) -> list[str]:
    """A list of region codes (column ``iso3``; other columns are notes), such as
    ``data/us_eu28.csv`` (config key ``key``), in file order; a code listed twice is an
    error."""
    table = _read(
        path,
        f"the region list of config key {key}",
        REGION_LIST_COLUMNS,
        dtype=str,
        keep_default_na=False,
    )
    codes = table["iso3"].str.strip()
    twice = sorted(set(codes[codes.duplicated()]))
    if twice:
        raise WorkflowInputError(f"{path} lists these codes more than once: {twice}")
    return codes.tolist()


def read_price_index(path: Path) -> pd.Series:
    """A price index by year (columns ``year``, ``index``), for the drivers of change."""
    table = _read(path, "the deflator", PRICE_INDEX_COLUMNS)
    return table.set_index("year")["index"]
