"""Read a GLORIA year's tables in a stream: labels, the small tables, and T block by block.

GLORIA is read as pymrio's ``parse_gloria`` reads it with its defaults (basic prices, region
codes, construct "B"), so that :mod:`bri_carbon.harmonize.gloria_year` can write the same
system into the native cache:

- from T (region-major; per region 120 industries, then 120 products): the supply V (industry
  rows x product columns) and the use U (product rows x industry columns); Y's product rows;
  the industry columns of value added and of TQ; YQ as it is;
- g = V 1 (industry output), q = U 1 + Y 1 (product output), M = diag(g)^-1 V
  (:func:`output_mix`: each industry's output split over products; 0 where g = 0);
- A = U M diag(q)^-1 (0 where q = 0), F = TQ M, value added = V-table M, F_Y = YQ.

The small tables (Y, value added, TQ's and YQ's CO2 row) are read first
(:func:`read_small_tables`); T then streams one region's 240 rows at a time
(:class:`TransactionStream`, over :mod:`bri_carbon.sources.wide_csv`): each region's use rows
are handed on at once, its supply rows kept as (row, column, value) triplets. Peak memory is
Y (n x 6 r) plus a few blocks of 240 x 39,360, never T or Z whole. Units: thousand USD and
kilotonnes, as in the files.
"""

from __future__ import annotations

import logging
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse

from bri_carbon.core import units
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import archives, wide_csv
from bri_carbon.sources import gloria_layout as layout

log = logging.getLogger(__name__)

#: Money of the files per million USD of the cache.
MONEY_TO_MILLION = units.money_factor_to_million(layout.MONEY_UNIT)
#: Rows of V, TQ or Y read per block.
SMALL_TABLE_BLOCK_ROWS = 984
#: Satellite candidates named when the configured CO2 row is missing.
CANDIDATES_SHOWN = 10


@dataclass(frozen=True)
class ReleaseFiles:
    """The three upstream files of one year of one release (``version``: 59 or 60)."""

    version: int
    year: int
    mrio: Path
    satellites: Path
    readme: Path


@dataclass(frozen=True)
class Labels:
    """Sheet by sheet, the labels of GLORIA_ReadMe_0{v}.xlsx (release order).

    ``satellite_indicators`` and ``satellite_heads`` are without the quotes the official
    ReadMe puts around names (:func:`bri_carbon.sources.gloria_layout.unquoted`).
    """

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    value_added: tuple[str, ...]
    final_demand: tuple[str, ...]
    satellite_heads: tuple[str, ...]
    satellite_indicators: tuple[str, ...]
    satellite_units: tuple[str, ...]

    @property
    def t_size(self) -> int:
        """Rows (and columns) of T: regions x 2 x sectors."""
        return 2 * len(self.regions) * len(self.sectors)

    @property
    def y_columns(self) -> int:
        """Columns of Y and YQ: regions x final-demand categories."""
        return len(self.regions) * len(self.final_demand)


# --------------------------------------------------------------------------- files


def release_files(folder: Path, version: int, year: int) -> ReleaseFiles:
    """The upstream files of ``version`` and ``year`` in ``folder``, under their release
    names (:func:`bri_carbon.sources.gloria_layout.release_files`)."""
    names = layout.release_files(version, year)
    return ReleaseFiles(
        version=int(version),
        year=int(year),
        mrio=folder / names["mrio"],
        satellites=folder / names["satellites"],
        readme=folder / names["readme"],
    )


def find_member(archive: Path, table: str, version: int, year: int) -> wide_csv.Member:
    """The member of ``archive`` that holds ``table`` (``T``, ``Y``, ``V``, ``TQ``, ``YQ``)
    at basic prices: the one whose name ends in the release's suffix (the date in front of
    it varies). None or two such members is an error naming the archive."""
    suffix = layout.member_suffix(table, version, year)
    archives.check_safe(archive)
    try:
        with zipfile.ZipFile(archive) as handle:
            names = handle.namelist()
    except (zipfile.BadZipFile, OSError) as err:  # pragma: no cover - check_safe saw it
        raise WorkflowInputError(f"{archive} is not a readable zip archive ({err})") from err
    found = [name for name in names if name.rsplit("/", 1)[-1].endswith(suffix)]
    if len(found) != 1:
        what = "no member" if not found else f"{len(found)} members ({found})"
        raise WorkflowInputError(
            f"{archive} has {what} whose name ends in {suffix!r}, the table {table} of "
            f"GLORIA release 0{version} for {year} at basic prices. Use the release's own "
            f"file (config key gloria.version picks the release) from {layout.HOMEPAGE}."
        )
    return wide_csv.Member(archive, found[0])


# --------------------------------------------------------------------------- labels


def _sheet_column(sheets: dict[str, pd.DataFrame], sheet: str, column: str, path: Path) -> list:
    if sheet not in sheets:
        raise WorkflowInputError(
            f"{path} has no sheet {sheet!r}; it is not a GLORIA ReadMe (sheets: {sorted(sheets)})."
        )
    table = sheets[sheet]
    if column not in table.columns:
        raise WorkflowInputError(
            f"{path}: sheet {sheet!r} has no column {column!r} (it has {list(table.columns)})."
        )
    values = table[column]
    return [value for value in values if not (isinstance(value, float) and np.isnan(value))]


def read_labels(readme: Path) -> Labels:
    """The labels of a GLORIA ReadMe workbook (see :class:`Labels`)."""
    wanted = [layout.REGIONS_SHEET, layout.SECTORS_SHEET, layout.VA_FD_SHEET]
    wanted.append(layout.SATELLITES_SHEET)
    try:
        with pd.ExcelFile(readme, engine="openpyxl") as workbook:
            present = [name for name in wanted if name in workbook.sheet_names]
            sheets = {
                name: pd.read_excel(workbook, sheet_name=name, dtype=object) for name in present
            }
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as err:
        raise WorkflowInputError(
            f"{readme} cannot be read as the GLORIA ReadMe workbook ({err}). Replace it with "
            f"the release's own file from {layout.HOMEPAGE}."
        ) from err

    def column(sheet: str, name: str) -> tuple[str, ...]:
        return tuple(str(value).strip() for value in _sheet_column(sheets, sheet, name, readme))

    for name in (
        layout.SATELLITE_HEAD_COLUMN,
        layout.SATELLITE_COLUMN,
        layout.SATELLITE_UNIT_COLUMN,
    ):
        _sheet_column(sheets, layout.SATELLITES_SHEET, name, readme)
    rows = sheets[layout.SATELLITES_SHEET].dropna(subset=[layout.SATELLITE_COLUMN])
    labels = Labels(
        regions=column(layout.REGIONS_SHEET, layout.REGION_CODE_COLUMN),
        sectors=column(layout.SECTORS_SHEET, layout.SECTOR_COLUMN),
        value_added=column(layout.VA_FD_SHEET, layout.VALUE_ADDED_COLUMN),
        final_demand=column(layout.VA_FD_SHEET, layout.FINAL_DEMAND_COLUMN),
        satellite_heads=tuple(layout.unquoted(v) for v in rows[layout.SATELLITE_HEAD_COLUMN]),
        satellite_indicators=tuple(layout.unquoted(v) for v in rows[layout.SATELLITE_COLUMN]),
        satellite_units=tuple(str(v).strip() for v in rows[layout.SATELLITE_UNIT_COLUMN]),
    )
    for what, values in (("regions", labels.regions), ("sectors", labels.sectors)):
        twice = sorted({value for value in values if values.count(value) > 1})
        if twice or not values:
            raise WorkflowInputError(
                f"{readme}: the {what} are {'empty' if not values else f'listed twice: {twice}'}; "
                "T's rows cannot be labelled. Replace the ReadMe with the release's own file."
            )
    return labels


def satellite_row(labels: Labels, head: str, indicator: str, readme: Path) -> int:
    """The position (0-based) of the satellite row ``indicator`` under head indicator
    ``head`` (both compared without the ReadMe's quotes); exactly one must match."""
    wanted = (layout.unquoted(head), layout.unquoted(indicator))
    matches = [
        i
        for i, pair in enumerate(
            zip(labels.satellite_heads, labels.satellite_indicators, strict=True)
        )
        if pair == wanted
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise WorkflowInputError(
            f"{readme}: sheet {layout.SATELLITES_SHEET!r} lists {wanted[1]!r} under "
            f"{wanted[0]!r} {len(matches)} times (rows {[m + 2 for m in matches]}); which one "
            "holds the CO2 account is ambiguous. Replace the ReadMe with the release's own file."
        )
    similar = [
        f"{h} / {i}"
        for h, i in zip(labels.satellite_heads, labels.satellite_indicators, strict=True)
        if "co2" in i.lower()
    ][:CANDIDATES_SHOWN]
    raise WorkflowInputError(
        f"{readme}: sheet {layout.SATELLITES_SHEET!r} has no row {wanted[1]!r} under "
        f"{wanted[0]!r} (config key stressors.gloria). CO2 rows it has: {similar}."
    )


def emission_factor(unit: str, readme: Path) -> float:
    """Factor from the CO2 row's unit (sheet "Satellites", column Sat_unit) to Mt."""
    try:
        return units.emission_factor_to_mt(unit)
    except WorkflowInputError:
        raise WorkflowInputError(
            f"{readme}: the CO2 row's unit is {unit!r}, not an emission unit the workflow "
            f"knows ({sorted(units.EMISSION_TO_MT)}); choose an emission row in config key "
            "stressors.gloria."
        ) from None


# --------------------------------------------------------------------------- small tables


@dataclass
class SmallTables:
    """Y's product rows (n, r k), value added and CO2 of each industry (n,), households'
    CO2 (r k,), per region whether it has any entry in these tables, and the sums of the
    blocks that the construct leaves out; source units."""

    final_demand: np.ndarray
    value_added: np.ndarray
    emissions: np.ndarray
    household_emissions: np.ndarray
    has_entries: np.ndarray
    ignored: dict[str, float]


def _industry_columns(regions: int, sectors: int) -> np.ndarray:
    """Positions of the industry columns in T's columns (region-major, industries first)."""
    return (np.arange(regions)[:, None] * 2 * sectors + np.arange(sectors)).ravel()


def _by_region(values: np.ndarray, regions: int) -> np.ndarray:
    """True per region where ``values`` (regions x anything, region-major) has an entry."""
    return (np.abs(values).reshape(regions, -1) != 0).any(axis=1)


def read_small_tables(files: ReleaseFiles, labels: Labels, co2_row: int) -> SmallTables:
    """Read TQ's and YQ's row ``co2_row`` (the other rows are counted, not parsed), V (value
    added, summed over its categories) and Y (keeping its product rows), each streamed;
    every table must have the shape the ReadMe's labels give."""
    r, s = len(labels.regions), len(labels.sectors)
    kv, y_columns = len(labels.value_added), labels.y_columns
    n_t, satellites = labels.t_size, len(labels.satellite_indicators)
    industry = _industry_columns(r, s)
    product = industry + s
    has = np.zeros(r, dtype=bool)

    tq = wide_csv.single_row(
        find_member(files.satellites, "TQ", files.version, files.year), n_t, satellites, co2_row
    )
    yq = wide_csv.single_row(
        find_member(files.satellites, "YQ", files.version, files.year),
        y_columns,
        satellites,
        co2_row,
    )
    has |= _by_region(tq, r) | _by_region(yq, r)

    value_added = np.zeros(n_t)
    value_added_abs = np.zeros(n_t)
    va_member = find_member(files.mrio, "V", files.version, files.year)
    for first, block in wide_csv.row_blocks(va_member, n_t, r * kv, SMALL_TABLE_BLOCK_ROWS):
        value_added += block.sum(axis=0)
        magnitude = np.abs(block)
        value_added_abs += magnitude.sum(axis=0)
        rows = magnitude.sum(axis=1) != 0
        has[np.unique((first + np.flatnonzero(rows)) // kv)] = True
    has |= _by_region(value_added_abs, r)

    final_demand = np.empty((r * s, y_columns))
    industry_rows_sum = 0.0
    y_member = find_member(files.mrio, "Y", files.version, files.year)
    columns_used = np.zeros(y_columns, dtype=bool)
    for first, block in wide_csv.row_blocks(y_member, y_columns, n_t, 2 * s * 8):
        for offset in range(0, block.shape[0], 2 * s):
            region = (first + offset) // (2 * s)
            rows = block[offset : offset + 2 * s]
            industry_rows_sum += float(np.abs(rows[:s]).sum())
            final_demand[region * s : (region + 1) * s] = rows[s:]
            if np.abs(rows).any():
                has[region] = True
            columns_used |= np.abs(rows).any(axis=0)
    has |= _by_region(columns_used, r)
    return SmallTables(
        final_demand=final_demand,
        value_added=value_added[industry],
        emissions=tq[industry],
        household_emissions=yq,
        has_entries=has,
        ignored={
            "Y industry rows": industry_rows_sum,
            "value added of product columns": float(value_added_abs[product].sum()),
            "TQ product columns (CO2 row)": float(np.abs(tq[product]).sum()),
        },
    )


# --------------------------------------------------------------------------- T


@dataclass
class TablePass:
    """What one pass over T found (source units, all regions): the supply triplets (row =
    industry, column = product, both as region x sector positions), U's row sums and its
    columns' absolute sums, per region whether its rows and columns are empty, and the
    absolute sums of the blocks the construct leaves out."""

    supply_rows: np.ndarray
    supply_columns: np.ndarray
    supply_values: np.ndarray
    use_row_sums: np.ndarray
    use_column_abs: np.ndarray
    empty: np.ndarray
    ignored: dict[str, float]


class TransactionStream:
    """One pass over T, one region's 240 rows at a time.

    Iterating yields, for each region that ``kept`` (r,) marks, in order: its position
    among the kept regions and its use rows cut to the kept regions' industry columns
    ((sectors, kept x sectors), thousand USD; valid until the next one is asked for).
    Everything else is summed up on the way; once the iteration has ended,
    :attr:`result` holds it (:class:`TablePass`).
    """

    def __init__(self, member: wide_csv.Member, labels: Labels, kept: np.ndarray) -> None:
        self.member, self.labels, self.kept = member, labels, kept
        self.result: TablePass | None = None

    def __iter__(self) -> Iterator[tuple[int, np.ndarray]]:
        labels, kept = self.labels, self.kept
        r, s = len(labels.regions), len(labels.sectors)
        industry = _industry_columns(r, s)
        product = industry + s
        kept_industry = industry.reshape(r, s)[kept].ravel()
        position = np.cumsum(kept) - 1
        rows_abs = np.zeros(r)
        columns_abs = np.zeros(labels.t_size)
        use_row_sums = np.zeros(r * s)
        use_column_abs = np.zeros(r * s)
        triplets: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        ignored = {"T industry x industry": 0.0, "T product x product": 0.0}
        started = time.perf_counter()
        step = max(1, r // 10)
        blocks = wide_csv.row_blocks(self.member, labels.t_size, labels.t_size, 2 * s)
        for first, block in blocks:
            region = first // (2 * s)
            magnitude = np.abs(block)
            rows_abs[region] = magnitude.sum()
            columns_abs += magnitude.sum(axis=0)
            supply, use = block[:s], block[s:]
            ignored["T industry x industry"] += float(magnitude[:s, industry].sum())
            ignored["T product x product"] += float(magnitude[s:, product].sum())
            del magnitude
            entries = supply[:, product]
            row, column = np.nonzero(entries)
            triplets.append((region * s + row, column, entries[row, column]))
            purchases = use[:, industry]
            use_row_sums[region * s : (region + 1) * s] = purchases.sum(axis=1)
            use_column_abs += np.abs(purchases).sum(axis=0)
            if kept[region]:
                yield int(position[region]), use[:, kept_industry]
            if (region + 1) % step == 0 or region + 1 == r:
                log.info(
                    "T: %d of %d regions read (%.0f s)",
                    region + 1,
                    r,
                    time.perf_counter() - started,
                )
        empty = (rows_abs == 0) & (columns_abs.reshape(r, 2 * s).sum(axis=1) == 0)
        rows, columns, values = (np.concatenate(part) for part in zip(*triplets, strict=True))
        self.result = TablePass(rows, columns, values, use_row_sums, use_column_abs, empty, ignored)


# --------------------------------------------------------------------------- construct


def output_mix(table: TablePass, n: int) -> tuple[scipy.sparse.csr_matrix, np.ndarray, bool]:
    """M = diag(g)^-1 V (n x n, sparse), g = V 1, and whether V is diagonal."""
    g = np.bincount(table.supply_rows, weights=table.supply_values, minlength=n)
    inverse = np.zeros(n)
    np.divide(1.0, g, out=inverse, where=g != 0)
    diagonal = bool(np.array_equal(table.supply_rows, table.supply_columns))
    if diagonal:
        mix = scipy.sparse.diags((g != 0).astype(float), format="csr")
    else:
        mix = scipy.sparse.csr_matrix(
            (
                table.supply_values * inverse[table.supply_rows],
                (table.supply_rows, table.supply_columns),
            ),
            shape=(n, n),
        )
    return mix, g, diagonal
