"""The workflow's own tables: the user's region grouping and the reference tables it ships.

Each reader checks the columns and values it needs and names the file and the fix when they
are wrong; the other layers receive plain frames and series.

- ``config/regions.csv``: the grouping (``iso3``, ``name``, ``bri``, ``group``);
- ``data/region_codes.csv``: source region codes to output codes (:func:`region_code_mapping`
  reads one source's codes without pandas, for the harmonize jobs);
- ``data/concordances/exio3_{ixi,pxp}.csv``: EXIOBASE sectors to the common sectors;
- ``data/exchange_rates.csv``: annual USD per EUR;
- ``data/paper_values.csv``: the paper's reported values;
- ``data/us_eu28.csv``: the United States and the EU28 of 2015, drivers of finding (c);
- the deflator named by ``drivers.deflator``: a price index by year.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from bri_carbon.runtime.errors import WorkflowInputError

if TYPE_CHECKING:  # imported where used: the harmonize jobs read their tables without it
    import pandas as pd

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


def undecodable_text(path: Path, what: str) -> WorkflowInputError:
    """The error for a file that is not UTF-8: the first bad byte's offset in the file,
    its line and column (pandas reports the offset within a buffer, not the file)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        start = err.start
    else:
        start = 0
    line = data.count(b"\n", 0, start) + 1
    column = start - (data.rfind(b"\n", 0, start) + 1) + 1
    return WorkflowInputError(
        f"{path} is not UTF-8 text: byte {start} (line {line}, column {column}, value "
        f"0x{data[start]:02x}) cannot be decoded; {what} must be a CSV file in UTF-8. Save it "
        "again as 'CSV UTF-8' (or convert it, e.g. with iconv -f latin1 -t utf-8)."
    )


def _read(path: Path, what: str, columns: tuple[str, ...], **options) -> pd.DataFrame:
    """Read a CSV table (UTF-8) and check that it has ``columns``; every error is one
    paragraph naming the file and the fix."""
    import pandas as pd

    try:
        table = pd.read_csv(path, encoding="utf-8", **options)
    except UnicodeDecodeError:
        raise undecodable_text(path, what) from None
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


def numbers(
    table: pd.DataFrame,
    column: str,
    path: Path,
    what: str,
    integer: bool = False,
    allow_empty: bool = False,
) -> pd.Series:
    """Column ``column`` of ``table`` (read as text) as float64 (or int64 with
    ``integer``; empty cells NaN with ``allow_empty``); a cell that is not a finite number
    (or not a whole number) is an error naming the file, its line (the header is line 1),
    the column and the value."""
    import pandas as pd

    text = table[column].astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = ~values.abs().lt(float("inf"))
    if allow_empty:
        bad &= text != ""
    if integer:
        bad |= values.notna() & (values % 1 != 0)
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        kind = "a whole number" if integer else "a number"
        raise WorkflowInputError(
            f"{path}, line {position + 2}, column {column}: {text.iloc[position]!r} is not "
            f"{kind} ({int(bad.sum())} such cell(s) in this column); {what} needs {kind} in "
            "every row there (a decimal point, no thousands separators, no units)."
        )
    return values.astype("int64") if integer else values.astype("float64")


def _norm(name: str) -> str:
    """A group name as two names that differ only in white space or case share it."""
    return " ".join(name.split()).casefold()


def read_regions(path: Path) -> pd.DataFrame:
    """Read and validate the grouping file; returns a frame indexed by ``iso3``.

    Values are trimmed of leading and trailing white space. Raises a clear error for
    missing columns, duplicate codes, unreadable ``bri`` values, rows without a group, a
    group whose members differ in ``bri`` (a group is BRI or not, as a whole) and group
    names that differ only in white space or case (one group written two ways).
    """
    table = _read(path, "the region grouping", REGION_COLUMNS, dtype=str, keep_default_na=False)
    for column in REGION_COLUMNS:
        table[column] = table[column].str.strip()
    duplicated = sorted(set(table["iso3"][table["iso3"].duplicated()]))
    if duplicated:
        raise WorkflowInputError(f"{path} lists these codes more than once: {duplicated}")
    flags = table["bri"].str.lower()
    bad = table.loc[~flags.isin(_TRUE | _FALSE), "iso3"].tolist()
    if bad:
        raise WorkflowInputError(f"{path}: column bri must be true or false; bad rows: {bad}")
    empty_group = table.loc[table["group"] == "", "iso3"].tolist()
    if empty_group:
        raise WorkflowInputError(f"{path}: rows without a group: {empty_group}")
    table["bri"] = flags.isin(_TRUE)
    spellings = table.groupby(table["group"].map(_norm), sort=False)["group"].unique()
    twice = [list(names) for names in spellings if len(names) > 1]
    if twice:
        raise WorkflowInputError(
            f"{path}: these group names differ only in white space or case, so one group "
            f"would be split in two: {twice}. Write each group's name the same way in every "
            "row."
        )
    kinds = table.groupby("group", sort=False)["bri"].nunique()
    for group in kinds[kinds > 1].index:
        members = table[table["group"] == group]
        odd = bool(members["bri"].value_counts().idxmin())
        rows = members.loc[members["bri"] == odd, "iso3"].tolist()
        raise WorkflowInputError(
            f"{path}: group {group!r} mixes BRI and non-BRI regions ({rows} have bri="
            f"{str(odd).lower()}, its other {len(members) - len(rows)} members "
            f"{str(not odd).lower()}). A group is BRI or not as a whole: give these rows "
            "the group's bri value, or move them to a group of their own."
        )
    return table.set_index("iso3")


def read_region_codes(path: Path) -> pd.DataFrame:
    """The region code table (``source``, ``source_code``, ``region``, ``name``, ...)."""
    return _read(
        path, "the region code table", REGION_CODE_COLUMNS, dtype=str, keep_default_na=False
    )


def region_code_mapping(path: Path, source: str) -> dict[str, str]:
    """One source's region codes -> output region codes (ISO3 or an aggregate code), from
    the region code table (columns of :data:`REGION_CODE_COLUMNS`), read with the csv
    module: the harmonize jobs need no pandas. The synthetic world uses the Eora26 codes.
    Several source codes may map to one output code (the source regions stay apart in the
    solve and are summed in the results); one source code listed twice is an error."""
    what = "the region code table"
    table_source = "eora26" if source == "synthetic" else source
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            rows = list(reader)
    except UnicodeDecodeError:
        raise undecodable_text(path, what) from None
    except (OSError, csv.Error) as err:
        raise WorkflowInputError(
            f"cannot read {what} {path}: {err}. Point config key region_codes at a readable "
            f"CSV file with the header {','.join(REGION_CODE_COLUMNS)}."
        ) from None
    missing = [column for column in REGION_CODE_COLUMNS if column not in header]
    if missing:
        raise WorkflowInputError(
            f"{path} lacks columns {missing}; {what} needs the header "
            f"{','.join(REGION_CODE_COLUMNS)} and its rows."
        )
    mapping: dict[str, str] = {}
    duplicated = []
    for row in rows:
        if row["source"] != table_source:
            continue
        code = row["source_code"]
        if code in mapping:
            duplicated.append(code)
        mapping[code] = row["region"]
    if duplicated:
        raise WorkflowInputError(
            f"{path} lists these {table_source} codes more than once: {duplicated}; which "
            "output region they belong to is ambiguous. Keep one row per source code."
        )
    return mapping


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
    """The annual rate table (``year``, ``usd_per_eur``, ``source``), indexed by year; every
    year a whole number, every rate a positive number."""
    what = "the exchange-rate table"
    table = _read(path, what, EXCHANGE_RATE_COLUMNS, dtype=str, keep_default_na=False)
    table["year"] = numbers(table, "year", path, what, integer=True)
    table["usd_per_eur"] = numbers(table, "usd_per_eur", path, what)
    _positive(table, "usd_per_eur", path, what)
    _unique_years(table, path)
    return table.set_index("year")


def _positive(table: pd.DataFrame, column: str, path: Path, what: str) -> None:
    """Every value of ``column`` must be above zero (a rate or an index)."""
    bad = table[column] <= 0
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise WorkflowInputError(
            f"{path}, line {position + 2}, column {column}: {table[column].iloc[position]} is "
            f"not above zero; {what} needs positive values there."
        )


def _unique_years(table: pd.DataFrame, path: Path) -> None:
    """Each year at most once."""
    twice = sorted(set(table["year"][table["year"].duplicated()]))
    if twice:
        raise WorkflowInputError(
            f"{path} lists the years {twice} more than once; keep one row per year."
        )


def read_paper_values(path: Path) -> pd.DataFrame:
    """Read the paper's reported values (``data/paper_values.csv``, columns of
    :data:`PAPER_VALUE_COLUMNS`; see :mod:`bri_carbon.core.paper`): one row per statistic,
    level, subject (``*``: every subject of that statistic and level) and abstract
    (``journal``). ``paper_value`` is given exactly where the sentence gives a number: then
    ``paper_wording`` holds the words that give it, found verbatim in ``paper_statement``
    and naming that number; otherwise both are empty. A value that is not a number names
    its line and column."""
    import pandas as pd

    what = "the paper's values"
    table = _read(path, what, PAPER_VALUE_COLUMNS, dtype=str, keep_default_na=False)
    table["paper_value"] = numbers(table, "paper_value", path, what, allow_empty=True)
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
    """A price index by year (columns ``year``, ``index``), for the drivers of change; every
    year a whole number, every index a positive number."""
    what = "the deflator"
    table = _read(path, what, PRICE_INDEX_COLUMNS, dtype=str, keep_default_na=False)
    table["year"] = numbers(table, "year", path, what, integer=True)
    table["index"] = numbers(table, "index", path, what)
    _positive(table, "index", path, what)
    _unique_years(table, path)
    return table.set_index("year")["index"]
