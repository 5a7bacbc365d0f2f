"""Read an Eora26 release straight into the arrays the solve needs, each table once.

The archive ``Eora26_{year}_{price}.zip`` holds five tab-separated tables without headers
(T n x n, FD n x m, VA 6 x n, Q q x n, QY q x m; n = 4,915 with Eora's ``ROW`` entry) and
the four label files, or (as in real downloads) the labels are in an ``indices.zip`` next to
it. The labels are read as pymrio's :func:`pymrio.parse_eora26` reads them: country code
(second column) and sector or category (fourth) of labels_T.txt and labels_FD.txt; group and
category of labels_VA.txt; stressor and source of labels_Q.txt, the unit in parentheses
taken out of the stressor. Entries whose code is ``ROW`` (the statistical discrepancy) are
left out of the system, as pymrio does, and kept apart per sector
(:class:`~bri_carbon.sources.parsed.Discrepancy`).

Only what the study needs is converted to numbers: T as row blocks while the cache is
written (:mod:`bri_carbon.sources.tsv`, both cores), FD, VA, and the one CO2 row of Q and
QY; the other ~2,700 satellite rows are inflated (every member's CRC is checked) and counted,
never parsed. The numbers are pymrio's, bit for bit (same parser); the shapes are checked
against the label files as pymrio would fail on them, with a message that says which table
disagrees with which label file.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import archives, eora26_shapes, plain_numbers, tsv
from bri_carbon.sources import eora26_layout as layout
from bri_carbon.sources.parsed import Discrepancy, SourceYear

log = logging.getLogger(__name__)

#: A satellite label as pymrio indexes it after parsing: (stressor without unit, source).
SatelliteLabel = tuple[str, str]
#: Rows listed in the message when no configured CO2 label matches.
CANDIDATES_SHOWN = 20
#: pymrio's unit and stressor rules for labels_Q.txt (greedy, first "(" to last ")").
_UNIT = re.compile(r"\((.*)\)")
_UNIT_IN_LABEL = re.compile(r"\s\((.*)\)")


def indices_path(archive: Path) -> Path:
    """Where real Eora26 downloads keep the label files: ``indices.zip`` next to the archive."""
    return archive.parent / "indices.zip"


def _members(archive: Path, test_members: bool = True) -> set[str]:
    """Member names of a zip; a clear error for unreadable or (with ``test_members``, which
    inflates every member) corrupt archives."""
    try:
        with zipfile.ZipFile(archive) as handle:
            members = set(handle.namelist())
            broken = handle.testzip() if test_members else None
    except (zipfile.BadZipFile, OSError) as err:
        raise WorkflowInputError(
            f"{archive} is not a readable zip archive ({err}). Delete it and fetch "
            f"{archive.name} again from Eora (https://worldmrio.com)."
        ) from err
    if broken is not None:
        raise WorkflowInputError(
            f"{archive}: member {broken} is corrupt (CRC mismatch); the file is damaged or "
            "truncated. Delete it and fetch it again."
        )
    return members


def labels_inside(archive: Path) -> bool:
    """True when the Eora26 archive itself holds the four label files."""
    try:
        with zipfile.ZipFile(archive) as handle:
            members = set(handle.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return all(name in members for name in layout.LABEL_FILES)


def check_archive(archive: Path, year: int, price: str = "bp", test_members: bool = True) -> None:
    """Fail with a clear message unless ``archive`` is a readable Eora26 zip for ``year``.

    The label files may instead be in an ``indices.zip`` next to the archive, as in real
    downloads; that file is then checked too. ``test_members``: inflate every member to
    check its CRC (the streaming reader checks each CRC while it reads, and leaves it out).
    """
    archives.check_safe(archive)
    expected = list(layout.table_names(year, price).values())
    members = _members(archive, test_members)
    missing = [name for name in expected if name not in members]
    labels_missing = [name for name in layout.LABEL_FILES if name not in members]
    indices = indices_path(archive)
    if labels_missing and indices.exists():
        archives.check_safe(indices)
        index_members = _members(indices, test_members)
        labels_missing = [name for name in labels_missing if name not in index_members]
        if labels_missing:
            raise WorkflowInputError(
                f"{indices} lacks the label files {labels_missing} that {archive.name} does "
                "not hold either. Fetch indices.zip again from Eora (https://worldmrio.com)."
            )
    missing += labels_missing
    if missing:
        raise WorkflowInputError(
            f"{archive} lacks {missing}. An Eora26 {price} archive for {year} holds "
            f"{expected} and the label files {list(layout.LABEL_FILES)} (or an indices.zip "
            "next to it, as in real downloads). Fetch the complete files again."
        )


@dataclass(frozen=True)
class SatelliteRow:
    """One line of labels_Q.txt as pymrio reads it: ``stressor`` without the unit,
    ``source`` (second column) and ``unit`` (from the parentheses; "" when none)."""

    stressor: str
    source: str
    unit: str

    @property
    def text(self) -> str:
        return f"{self.stressor} / {self.source}"


def satellite_row(fields: Sequence[str]) -> SatelliteRow:
    """A labels_Q.txt line's first two fields as pymrio indexes and units them."""
    raw = fields[0] if fields else ""
    unit = _UNIT.search(raw)
    return SatelliteRow(
        stressor=_UNIT_IN_LABEL.sub("", raw),
        source=fields[1] if len(fields) > 1 else "",
        unit=unit.group(1) if unit else "",
    )


def _co2_candidates(rows: Sequence[SatelliteRow]) -> list[str]:
    """Satellite rows a user may have meant, EDGAR rows and CO2 totals first, then other
    rows that mention CO2."""
    first = [
        row
        for row in rows
        if "EDGAR" in row.stressor or ("CO2" in row.text and "total" in row.text.lower())
    ]
    rest = [row for row in rows if "CO2" in row.text and row not in first]
    return [row.text for row in [*first, *rest]]


def select_co2_row(
    rows: Sequence[SatelliteRow], alternatives: Sequence[SatelliteLabel], origin: Path
) -> int:
    """Position of the CO2 row among the satellite rows: the first of ``alternatives`` that
    the file has, which must name exactly one row.

    ``alternatives``: (stressor without unit, source) pairs tried in order (the label
    changed between Eora26 vintages). Two rows with the configured label are ambiguous and
    stop the parse, naming the rows and ``origin``; so does a row without a unit. When none
    matches, the message lists the rows that mention EDGAR or CO2 totals first, and the full
    list of satellite labels goes to the log.
    """
    for stressor, source in alternatives:
        hits = [i for i, row in enumerate(rows) if (row.stressor, row.source) == (stressor, source)]
        if len(hits) > 1:
            units = [rows[i].unit for i in hits]
            raise WorkflowInputError(
                f"{origin}: the satellite label ({stressor!r}, {source!r}) names {len(hits)} "
                f"rows of labels_Q.txt (rows {[i + 1 for i in hits]}, units {units}). Which one "
                "is CO2 is ambiguous; repair the label file or fetch it again."
            )
        if hits:
            if not rows[hits[0]].unit.strip():
                raise WorkflowInputError(
                    f"{origin}: the satellite row ({stressor!r}, {source!r}) has no unit; "
                    "labels_Q.txt writes it in parentheses after the label, e.g. "
                    f"'{stressor} (Gg)'. Repair the label file or fetch it again."
                )
            return hits[0]
    log.info("satellite labels of %s (%d rows): %s", origin, len(rows), [row.text for row in rows])
    wanted = [f"{stressor} / {source}" for stressor, source in alternatives]
    candidates = _co2_candidates(rows)
    raise WorkflowInputError(
        f"{origin} has no satellite row {wanted}. Rows that mention EDGAR or CO2 totals "
        f"first: {candidates[:CANDIDATES_SHOWN]}"
        f"{' ...' if len(candidates) > CANDIDATES_SHOWN else ''}. Set config key "
        "stressors.eora26 to the label of the CO2 row (stressor without the unit, and "
        "source); the rule's log lists every satellite row."
    )


def _label_rows(archive: Path, name: str) -> list[list[str]]:
    """The non-blank lines of one label file, split at tabs, from the archive or the
    indices.zip next to it."""
    with zipfile.ZipFile(archive) as handle:
        if name in handle.namelist():
            text = handle.read(name)
        else:
            with zipfile.ZipFile(indices_path(archive)) as indices:
                text = indices.read(name)
    return [
        line.rstrip("\r").split("\t")
        for line in text.decode("utf-8", errors="replace").split("\n")
        if line.strip()
    ]


def _pairs(rows: list[list[str]]) -> list[tuple[str, str]]:
    """(code, name) of labels_T.txt / labels_FD.txt lines: columns 2 and 4, as pymrio."""
    return [(row[1] if len(row) > 1 else "", row[3] if len(row) > 3 else "") for row in rows]


def _product(
    pairs: list[tuple[str, str]], file: str, origin: Path, regions: tuple[str, ...] | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(regions, names) of ``pairs`` (ROW left out), which must be every region with the
    same names in region-major order (as Eora writes them); ``regions``, when given, must be
    the regions found (labels_FD.txt against labels_T.txt)."""
    kept = [pair for pair in pairs if pair[0] != layout.DISCREPANCY_CODE]
    found_regions = tuple(dict.fromkeys(code for code, _ in kept))
    names = tuple(dict.fromkeys(name for _, name in kept))
    seen: set[tuple[str, str]] = set()
    twice = sorted(
        {
            f"{code} / {name}"
            for code, name in kept
            if (code, name) in seen or seen.add((code, name))
        }
    )
    if twice:
        raise WorkflowInputError(
            f"{origin}: {file} lists these labels more than once: {twice[:5]}. Two rows or "
            "columns with one label are ambiguous; repair the label file or fetch it again."
        )
    expected = [(code, name) for code in found_regions for name in names]
    if kept != expected:
        raise WorkflowInputError(
            f"{origin}: {file} does not list {len(names)} entries for each of its "
            f"{len(found_regions)} regions in region-major order, as Eora26 does; the file is "
            "damaged or not an Eora26 label file. Fetch it again."
        )
    if regions is not None and found_regions != regions:
        foreign = sorted(set(found_regions) - set(regions))
        raise WorkflowInputError(
            f"{origin}: labels_FD.txt lists other purchasing regions than the producing "
            f"regions of labels_T.txt (not in labels_T.txt: {foreign}); the table is not a "
            "closed MRIO system. Fetch the label files again."
        )
    return found_regions, names


def _positions(pairs: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """(kept, dropped) positions: entries of the system and the ROW entries."""
    row = np.array([code == layout.DISCREPANCY_CODE for code, _ in pairs], dtype=bool)
    return np.flatnonzero(~row), np.flatnonzero(row)


class EoraArchive:
    """One Eora26 archive (and its indices.zip), read for the native cache."""

    def __init__(
        self,
        archive: Path,
        year: int,
        stressors: Sequence[SatelliteLabel] = layout.CO2_LABELS,
        price: str = "bp",
        threads: int = 2,
    ) -> None:
        self.archive = Path(archive)
        self.year = int(year)
        self.price = price
        self.threads = max(1, int(threads))
        self.tables = layout.table_names(year, price)
        self.t_pairs = t_pairs = _pairs(_label_rows(self.archive, "labels_T.txt"))
        self.fd_pairs = fd_pairs = _pairs(_label_rows(self.archive, "labels_FD.txt"))
        self.va_labels = _label_rows(self.archive, "labels_VA.txt")
        self.satellite = [
            satellite_row(fields) for fields in _label_rows(self.archive, "labels_Q.txt")
        ]
        try:
            self.regions, self.sectors = _product(t_pairs, "labels_T.txt", self.archive)
            _, self.categories = _product(fd_pairs, "labels_FD.txt", self.archive, self.regions)
        except WorkflowInputError as err:
            # Labels out of step with the tables: name the table that disagrees first.
            if eora26_shapes.describe_shape_mismatch(self.archive, self.year, price):
                raise self._shape_error(str(err)) from None
            raise
        self.t_kept, self.t_row = _positions(t_pairs)
        #: Each table row's row in the system (-1 for ROW's).
        self.t_position = _row_map(len(t_pairs), self.t_kept)
        self.fd_kept, self.fd_row = _positions(fd_pairs)
        self.width_t, self.width_fd = len(t_pairs), len(fd_pairs)
        self.co2 = select_co2_row(self.satellite, stressors, self.archive)

    def _shape_error(self, detail: str) -> WorkflowInputError:
        mismatch = eora26_shapes.describe_shape_mismatch(self.archive, self.year, self.price)
        return WorkflowInputError(
            f"{self.archive}: {mismatch or detail}. The tables do not match the Eora26 layout "
            "(label files and matrix sizes must agree); fetch the archive again or repair it."
        )

    def _label(self, names: tuple[str, ...], position: int) -> str:
        """``region / name`` of a row or column of the system (ROW left out)."""
        region, name = divmod(int(position), len(names))
        return f"{self.regions[region]} / {names[name]}"

    def _rows(self, member: str, width: int, table: str) -> Iterator[tuple[int, np.ndarray]]:
        """(first row, block) of a whole table, every line parsed; shapes checked."""
        parse = _block_parser(width)
        with zipfile.ZipFile(self.archive) as handle:
            size = tsv.block_bytes(handle.getinfo(member).file_size, self.threads)
        blocks = tsv.line_blocks(tsv.member_chunks(self.archive, member), size)
        try:
            for first, _, values in tsv.parse_rows(blocks, parse, self.threads):
                yield first, values
        except tsv.ShapeError as err:
            raise self._shape_error(f"{member}: {err}") from None
        except tsv.NotNumbersError as err:
            raise self._not_numbers(table, member, err) from None

    def _not_numbers(self, table: str, member: str, err: tsv.NotNumbersError) -> WorkflowInputError:
        """The message naming the first cells of ``member`` that are not numbers, by the
        labels of their row (labels_T.txt, or line number for VA) and column."""
        rows = self.t_pairs if member in (self.tables["T"], self.tables["FD"]) else None
        columns = self.fd_pairs if member == self.tables["FD"] else self.t_pairs
        cells = []
        for row, column, text in err.cells:
            line = err.first_row + row
            row_text = " / ".join(rows[line]) if rows is not None else f"line {line + 1}"
            cells.append(f"row {row_text}, column {' / '.join(columns[column])}: {text!r}")
        return tsv.not_numbers_error(self.archive, table, cells)

    def _count_lines(self, member: str, rows: int, width: int, wanted: int) -> np.ndarray:
        """Line ``wanted`` of a table of ``rows`` lines of ``width`` fields, parsed; every
        other line is only counted and its fields counted."""
        found: bytes | None = None
        count = 0
        for index, line in enumerate(tsv.lines(tsv.member_chunks(self.archive, member))):
            if line.count(b"\t") + 1 != width:
                raise self._shape_error(f"{member} line {index + 1} does not have {width} fields")
            if index == wanted:
                found = line
            count += 1
        if count != rows or found is None:
            raise self._shape_error(f"{member} has {count} rows, expected {rows}")
        return _parse_line(found, width)

    def _value_added(self) -> np.ndarray:
        """VA (rows of labels_VA.txt, n): every row, checked finite in the system's columns."""
        member = self.tables["VA"]
        va = np.vstack([values for _, values in self._rows(member, self.width_t, "value added")])
        if va.shape[0] != len(self.va_labels):
            raise self._shape_error(f"{member} has {va.shape[0]} rows")
        check = self._check(
            "value added", lambda i: " / ".join(self.va_labels[i][:2]), self._t_column
        )
        check.block(0, va[:, self.t_kept])
        check.raise_if_any()
        return va

    def _final_demand(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(the system's final demand (n x r k, without ROW's row and columns), ROW's row
        (m,), every table row's sum over ROW's columns (n_all,)), FD parsed whole."""
        member, n_all, m_all = self.tables["FD"], self.width_t, self.width_fd
        r, s, k = len(self.regions), len(self.sectors), len(self.categories)
        final_demand = np.empty((r * s, r * k))
        row_final_demand = np.zeros(m_all)
        fd_row_sums = np.zeros(n_all)
        check = self._check("Y (final demand)", self._t_row, self._fd_column)
        position = self.t_position
        rows_seen = 0
        # ROW's columns last (as in every release): the kept columns are a slice, no copy.
        fd_columns = slice(0, m_all - self.fd_row.size) if _trailing(self.fd_row, m_all) else None
        for first, values in self._rows(member, m_all, "Y (final demand)"):
            rows_seen = first + values.shape[0]
            if rows_seen > n_all:
                raise self._shape_error(f"{member} has more than {n_all} rows")
            target = position[first:rows_seen]
            system = target >= 0
            fd_row_sums[first:rows_seen] = values[:, self.fd_row].sum(axis=1)
            if system.all() and fd_columns is not None:
                kept = values[:, fd_columns]
                rows = slice(int(target[0]), int(target[-1]) + 1)
            else:
                kept = values[np.ix_(system, self.fd_kept)]
                rows = target[system]
            check.block(int(target[system][0]) if system.any() else 0, kept)
            final_demand[rows] = kept
            for row in np.flatnonzero(~system):
                row_final_demand += values[row]
        if rows_seen != n_all:
            raise self._shape_error(f"{member} has {rows_seen} rows")
        check.raise_if_any()
        return final_demand, row_final_demand, fd_row_sums

    def read(self) -> SourceYear:
        """The system without ROW, in thousand USD and the CO2 row's unit; Z streams."""
        tables, n_all, m_all = self.tables, self.width_t, self.width_fd
        r, s, k = len(self.regions), len(self.sectors), len(self.categories)
        keep_t, keep_fd = self.t_kept, self.fd_kept
        co2 = self.satellite[self.co2]
        q = len(self.satellite)
        # The CO2 rows of Q and QY (every line counted) on a thread while VA and FD parse.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="satellite") as pool:
            co2_rows = pool.submit(
                lambda: (
                    self._count_lines(tables["Q"], q, n_all, self.co2),
                    self._count_lines(tables["QY"], q, m_all, self.co2),
                )
            )
            va = self._value_added()
            final_demand, row_final_demand, fd_row_sums = self._final_demand()
            emissions, household = co2_rows.result()
        for values, table, column in (
            (emissions[keep_t], "the CO2 row (industries)", self._t_column),
            (household[keep_fd], "the CO2 row (final demand)", self._fd_column),
        ):
            check = self._check(table, lambda _: co2.text, column)
            check.block(0, values[None, :])
            check.raise_if_any()
        position = self.t_position
        discrepancy: dict[str, Discrepancy] = {}

        def intermediate() -> Iterator[tuple[int, np.ndarray]]:
            row_inputs = np.zeros(n_all)
            column_sales = np.zeros(n_all)
            check = self._check("Z (intermediate flows)", self._t_row, self._t_column)
            seen = 0
            simple = _trailing(self.t_row, n_all)
            for first, values in self._rows(tables["T"], n_all, "Z (intermediate flows)"):
                stop = first + values.shape[0]
                if stop > n_all:
                    raise self._shape_error(f"{tables['T']} has more than {n_all} rows")
                seen = stop
                column_sales[first:stop] = values[:, self.t_row].sum(axis=1)
                target = position[first:stop]
                system = target >= 0
                for row in np.flatnonzero(~system):
                    row_inputs += values[row]
                if simple and system.all():
                    block = values[:, : n_all - self.t_row.size]
                else:
                    block = values[np.ix_(system, keep_t)]
                if block.shape[0]:
                    check.block(int(target[system][0]), block)
                    yield int(target[system][0]), block
            if seen != n_all:
                raise self._shape_error(
                    f"{tables['T']} has {seen} rows, labels_T.txt lists {n_all}"
                )
            check.raise_if_any()
            discrepancy["entry"] = Discrepancy(
                inputs_from=row_inputs[keep_t],
                final_demand_from=row_final_demand[keep_fd],
                sales_to=(column_sales + fd_row_sums)[keep_t],
                value_added_of_row=float(va[:, self.t_row].sum()),
                row_to_row=float(
                    row_inputs[self.t_row].sum() + row_final_demand[self.fd_row].sum()
                ),
            )
            log.info(
                "Eora ROW discrepancy in %s, thousand USD: purchases from ROW %.6g "
                "(intermediate) + %.6g (final demand), sales to ROW %.6g, ROW value added "
                "%.6g, ROW to ROW %.6g",
                self.archive,
                discrepancy["entry"].inputs_from.sum(),
                discrepancy["entry"].final_demand_from.sum(),
                discrepancy["entry"].sales_to.sum(),
                discrepancy["entry"].value_added_of_row,
                discrepancy["entry"].row_to_row,
            )

        log.info(
            "reading %s: %d regions x %d sectors (n = %d), %d final-demand categories, "
            "CO2 row %s (unit %s) of %d satellite rows",
            self.archive,
            r,
            s,
            r * s,
            k,
            co2.text,
            co2.unit,
            q,
        )
        plain_numbers.log_parser(log)
        return SourceYear(
            regions=self.regions,
            sectors=self.sectors,
            categories=self.categories,
            intermediate=intermediate,
            final_demand=final_demand,
            value_added=va[:, keep_t].sum(axis=0),
            emissions=emissions[keep_t],
            household_emissions=household[keep_fd],
            money_unit=layout.MONEY_UNIT,
            emission_unit=co2.unit,
            co2_rows=(co2.text,),
            origin=self.archive,
            discrepancy=lambda: discrepancy.get("entry"),
        )

    def _check(self, table, row_label, column_label) -> tsv.FiniteCheck:
        return tsv.FiniteCheck(self.archive, table, row_label, column_label)

    def _t_row(self, position: int) -> str:
        return self._label(self.sectors, position)

    _t_column = _t_row

    def _fd_column(self, position: int) -> str:
        return self._label(self.categories, position)


def _trailing(positions: np.ndarray, total: int) -> bool:
    """Whether ``positions`` (ROW's rows or columns) are the last ones of ``total``."""
    return bool(
        positions.size == 0 or (positions == np.arange(total - positions.size, total)).all()
    )


def _row_map(total: int, kept: np.ndarray) -> np.ndarray:
    """For each of ``total`` table rows its row in the system, -1 for ROW entries."""
    target = np.full(total, -1)
    target[kept] = np.arange(kept.size)
    return target


def _block_parser(width: int):
    def parse(block: bytes) -> tuple[list[tuple], np.ndarray]:
        return tsv.parse_block(block, width)

    return parse


def _parse_line(line: bytes, width: int) -> np.ndarray:
    return tsv.parse_block(line + b"\n", width)[1][0]


def read_eora26(
    archive: Path,
    year: int,
    stressors: Sequence[SatelliteLabel] = layout.CO2_LABELS,
    price: str = "bp",
    threads: int = 2,
) -> SourceYear:
    """Check ``archive`` (:func:`bri_carbon.sources.eora26.check_archive`) and read it:
    the labels, the CO2 row (the first of ``stressors`` the file has), FD, VA and the CO2
    rows now; T as row blocks while the cache is written, on ``threads`` threads."""
    check_archive(archive, year, price, test_members=False)
    return EoraArchive(archive, year, stressors, price, threads).read()
