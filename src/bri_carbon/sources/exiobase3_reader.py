"""Read an EXIOBASE 3 IOT archive straight into the arrays the solve needs, each table once.

The archive is found and read as :func:`pymrio.parse_exiobase3` reads it (pymrio's
``load_all``): the one ``file_parameters.json`` whose ``systemtype`` is ``IOSystem`` marks the
core folder (the zip root or a top folder ``IOT_{year}_{system}/``); its ``files`` name the
tab-separated tables and their numbers of index columns and header lines; ``metadata.json``
beside it names the system; every other folder with a ``file_parameters.json`` is an
extension named after the folder. Both release layouts are read:

- v3.8.x (3.8.2): one ``satellite/`` extension holding value added, employment
  and emissions (plus ``impacts/``);
- v3.9.x and later: one folder per account, CO2 in ``air_emissions/`` and value added in
  ``factor_inputs/``.

Z streams in row blocks (or A, rebuilt as Z = A diag(x) block by block, for releases that
ship A and x only); Y is parsed whole; of the extensions only the configured CO2 rows and
the value-added rows are converted to numbers, every other row is inflated and skipped. The
numbers are pymrio's, bit for bit (same parser, same sums). Older releases' ``F_hh`` is
read as ``F_Y``, as pymrio does. pymrio also renames the three-letter region codes of the
3.4 release (AUT to AT, ...); the releases of the datasets table (3.8.2 on) write the
two-letter codes, and a code missing from ``data/region_codes.csv`` stops the harmonize step
with a message naming it.

Value added is taken at basic prices, as in Eora26: compensation of employees, other net
taxes on production and operating surplus. EXIOBASE's row "Taxes less subsidies on products
purchased: Total" is a cost of the purchased inputs, not value added, and is left out.
"""

from __future__ import annotations

import json
import logging
import posixpath
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import archives, tsv
from bri_carbon.sources.parsed import SourceYear

log = logging.getLogger(__name__)

#: Default CO2 rows: fossil CO2 from combustion, cement, lime and fossil waste (kg). Names as
#: the release writes them: Humanmademovies/world4 docs/data/exiobase-stressors.md (read from
#: IOT_2022_pxp.zip) and it-is-me-mario/MARIO mario/ops/ghg.py.
CO2_STRESSORS: Final[tuple[str, ...]] = (
    "CO2 - combustion - air",
    "CO2 - non combustion - Cement production - air",
    "CO2 - non combustion - Lime production - air",
    "CO2 - waste - fossil - air",
)

#: Value-added rows at basic prices: eight of the nine monetary rows at the top of the 3.8
#: satellite/F.txt (factor_inputs/F.txt in 3.9), as it-is-me-mario/MARIO
#: mario/parsers/specs.py lists them; the ninth, "Taxes less subsidies on products
#: purchased: Total", is left out (see the module docstring). pymrio's own valueadded.tsv
#: lists other rows and is not the file's list.
VALUE_ADDED_ROWS: Final[tuple[str, ...]] = (
    "Other net taxes on production",
    "Compensation of employees; wages, salaries, & employers' social contributions: Low-skilled",
    "Compensation of employees; wages, salaries, & employers' social contributions: Medium-skilled",
    "Compensation of employees; wages, salaries, & employers' social contributions: High-skilled",
    "Operating surplus: Consumption of fixed capital",
    "Operating surplus: Rents on land",
    "Operating surplus: Royalties on resources",
    "Operating surplus: Remaining net operating surplus",
)

#: Extensions searched for the CO2 rows (v3.9 first, then v3.8).
EMISSION_EXTENSIONS: Final[tuple[str, ...]] = ("air_emissions", "satellite")
#: Extensions searched for the value-added rows (v3.9 first, then v3.8).
VALUE_ADDED_EXTENSIONS: Final[tuple[str, ...]] = ("factor_inputs", "satellite")

SYSTEMS: Final[tuple[str, ...]] = ("ixi", "pxp")
PARAMETERS: Final[str] = "file_parameters.json"


def archive_name(year: int, system: str) -> str:
    """Name of the EXIOBASE 3 IOT archive, e.g. ``IOT_2015_ixi.zip``."""
    return f"IOT_{year}_{system}.zip"


def check_archive(archive: Path, year: int, system: str) -> None:
    """Fail with a clear message unless ``archive`` is a readable EXIOBASE 3 IOT zip."""
    if system not in SYSTEMS:
        raise WorkflowInputError(f"EXIOBASE system must be one of {SYSTEMS}, not {system!r}")
    archives.check_safe(archive)
    try:
        with zipfile.ZipFile(archive) as handle:
            names = handle.namelist()
    except (zipfile.BadZipFile, OSError) as err:
        raise WorkflowInputError(
            f"{archive} is not a readable zip archive ({err}). Delete it and fetch "
            f"{archive_name(year, system)} again from its release's Zenodo record."
        ) from err
    basenames = {name.rsplit("/", 1)[-1] for name in names}
    missing = [f for f in (PARAMETERS, "metadata.json") if f not in basenames]
    if missing:
        raise WorkflowInputError(
            f"{archive} lacks {missing}; it is not an EXIOBASE 3 IOT archive in pymrio's "
            f"layout. Fetch {archive_name(year, system)} again."
        )


@dataclass(frozen=True)
class TableFile:
    """One table of a folder's ``file_parameters.json``: member name, index columns and
    header lines."""

    member: str
    index_columns: int
    header_lines: int


@dataclass(frozen=True)
class Folder:
    """A folder of the archive with a ``file_parameters.json``: its ``name`` (the folder's
    base name, as pymrio names the extension), ``kind`` (IOSystem or Extension), its tables
    and its ``directory`` inside the archive ("" for the zip root)."""

    name: str
    kind: str
    tables: dict[str, TableFile]
    directory: str = ""


class Header:
    """The header of a table: its column labels (tuples, one per value column) and how many
    lines precede the data."""

    def __init__(self, lines: list[list[str]], index_columns: int, header_lines: int) -> None:
        levels = lines[:header_lines]
        self.columns = list(zip(*(level[index_columns:] for level in levels), strict=True))
        names = lines[header_lines] if len(lines) > header_lines else []
        # pandas reads the line after a multi-line header as the index names when only the
        # index fields hold text (EXIOBASE writes "region\tsector\t\t..." there).
        is_names = bool(names) and not any(field for field in names[index_columns:])
        self.skip = header_lines + (1 if is_names and header_lines > 1 else 0)


class ExiobaseArchive:
    """One EXIOBASE 3 IOT archive, read for the native cache."""

    def __init__(
        self, archive: Path, year: int, system: str, stressors: Sequence[str], threads: int = 2
    ) -> None:
        self.archive = Path(archive)
        self.year, self.system = int(year), system
        self.stressors = tuple(stressors)
        self.threads = max(1, int(threads))
        self._scanned: dict[tuple[str, str], tuple[Header, list[str], dict]] = {}
        with zipfile.ZipFile(self.archive) as handle:
            self.core, self.extensions = _find_folders(handle, self.archive)
            metadata = self._metadata(handle)
        declared = str(metadata.get("system", "") or "")
        if declared and declared != system:
            raise WorkflowInputError(
                f"{self.archive} holds the {declared} system but config key exiobase3.system "
                f"is {system!r}; rename nothing, set the key to {declared!r} instead."
            )

    def _metadata(self, handle: zipfile.ZipFile) -> dict:
        name = (
            posixpath.join(self.core.directory, "metadata.json")
            if self.core.directory
            else "metadata.json"
        )
        try:
            return json.loads(handle.read(name).decode("utf-8"))
        except KeyError:
            raise WorkflowInputError(
                f"{self.archive} lacks {name} beside the core tables; fetch it again."
            ) from None

    # -- tables ------------------------------------------------------------------------

    def _header(self, table: TableFile) -> tuple[Header, Iterator[bytes]]:
        """The table's header and an iterator over blocks of its data lines."""
        chunks = tsv.member_chunks(self.archive, table.member)
        blocks = tsv.line_blocks(chunks)
        first = next(blocks, b"")
        lines = first.split(b"\n")
        head = [
            line.rstrip(b"\r").decode("utf-8", errors="replace").split("\t")
            for line in lines[: table.header_lines + 1]
        ]
        header = Header(head, table.index_columns, table.header_lines)
        rest = b"\n".join(lines[header.skip :])

        def data() -> Iterator[bytes]:
            if rest.strip():
                yield rest
            yield from blocks

        return header, data()

    def _lines(self, table: TableFile) -> tuple[Header, Iterator[bytes]]:
        """The table's header and its data lines (blank lines skipped)."""
        header, blocks = self._header(table)

        def lines() -> Iterator[bytes]:
            for block in blocks:
                for line in block.split(b"\n"):
                    line = line.rstrip(b"\r")
                    if line.strip():
                        yield line

        return header, lines()

    def _missing(self, detail: str) -> WorkflowInputError:
        return WorkflowInputError(f"{self.archive}: {detail}. Fetch the archive again.")

    def _scan(self, extension: Folder, key: str) -> tuple[Header, list[str], dict]:
        """(header, row labels, lines of the rows the study needs by label) of extension
        table ``key``, read once (every other row is only split off at its first tab)."""
        memo = (extension.name, key)
        if memo not in self._scanned:
            header, lines = self._lines(extension.tables[key])
            targets = {*self.stressors, *VALUE_ADDED_ROWS}
            index: list[str] = []
            found: dict[str, list[bytes]] = {}
            for line in lines:
                label = line.split(b"\t", 1)[0].decode("utf-8", errors="replace")
                index.append(label)
                if label in targets:
                    found.setdefault(label, []).append(line)
            self._scanned[memo] = (header, index, found)
        return self._scanned[memo]

    def _rows_of(
        self, extension: Folder, key: str, wanted: Sequence[str], columns: list[tuple] | None
    ) -> np.ndarray:
        """The ``wanted`` rows of extension table ``key`` as an array, in ``wanted`` order;
        each must occur exactly once, and the table's columns must be ``columns``."""
        table = extension.tables[key]
        header, _, found = self._scan(extension, key)
        width = len(header.columns)
        twice = [row for row in wanted if len(found.get(row, [])) > 1]
        if twice:
            raise WorkflowInputError(
                f"{self.archive}: extension {extension.name} lists the rows {twice} more than "
                "once; which one to use is ambiguous. Repair F.txt of that extension or fetch "
                "the archive again."
            )
        missing = [row for row in wanted if row not in found]
        if missing:
            raise self._missing(f"{table.member} lacks the rows {missing}")
        block = b"".join(found[row][0] + b"\n" for row in wanted)
        try:
            _, values = tsv.parse_block(block, width, labels=table.index_columns)
        except tsv.ShapeError as err:
            raise self._missing(f"{table.member} does not have {width} columns ({err})") from None
        except tsv.NotNumbersError as err:
            raise tsv.not_numbers_error(
                self.archive,
                table.member,
                [f"row {wanted[r]}, field {c + 1}: {t!r}" for r, c, t in err.cells],
            ) from None
        if columns is not None and header.columns != columns:
            raise self._missing(f"the columns of {table.member} are not those of the core tables")
        return values

    def _index(self, extension: Folder) -> set[str]:
        """The row labels of an extension's F.txt."""
        return set(self._scan(extension, "F")[1])

    def _units(self, extension: Folder, rows: Sequence[str]) -> str:
        """The single unit of ``rows`` in the extension's unit table."""
        table = extension.tables.get("unit")
        if table is None:
            raise WorkflowInputError(f"{self.archive}: extension {extension.name} has no unit.txt")
        _, lines = self._lines(table)
        units: dict[str, str] = {}
        for line in lines:
            fields = line.decode("utf-8", errors="replace").split("\t")
            units.setdefault(fields[0], fields[1].strip() if len(fields) > 1 else "")
        found = {units.get(row, "") for row in rows}
        if len(found) != 1:
            raise WorkflowInputError(
                f"{self.archive}: rows {list(rows)} of {extension.name} mix units {sorted(found)}; "
                "choose rows of one unit in config key stressors.exiobase3."
            )
        return found.pop()

    def _extension_with(self, candidates: Sequence[str], rows: Sequence[str]) -> Folder:
        """The first extension among ``candidates`` whose F holds every one of ``rows``."""
        missing: dict[str, list[str]] = {}
        for name in candidates:
            extension = self.extensions.get(name)
            if extension is None or "F" not in extension.tables:
                continue
            index = self._index(extension)
            absent = [row for row in rows if row not in index]
            if not absent:
                return extension
            missing[name] = absent
        raise WorkflowInputError(
            f"{self.archive}: no extension among {list(candidates)} holds all rows {list(rows)}; "
            f"missing per extension: {missing or 'no such extension'}. Check config key "
            "stressors.exiobase3 against the file's extension unit.txt."
        )

    def read(self) -> SourceYear:
        core = self.core
        if "Y" not in core.tables:
            raise WorkflowInputError(f"{self.archive} has no final demand table Y.txt")
        if "unit" not in core.tables:
            raise WorkflowInputError(f"{self.archive} has no core unit.txt (money unit of Z and Y)")
        money_unit = self._money_unit()
        y_header, y_blocks = self._header(core.tables["Y"])
        nodes_and_y = self._parse_whole(core.tables["Y"], y_header, y_blocks)
        row_labels, final_demand = nodes_and_y
        regions = tuple(dict.fromkeys(str(code) for code, _ in row_labels))
        sectors = tuple(dict.fromkeys(str(name) for _, name in row_labels))
        nodes = [(region, sector) for region in regions for sector in sectors]
        if [tuple(map(str, label)) for label in row_labels] != nodes:
            raise self._missing(
                f"the rows of {core.tables['Y'].member} are not every region's sectors in "
                "region-major order"
            )
        categories = tuple(dict.fromkeys(str(category) for _, category in y_header.columns))
        if y_header.columns != [(region, c) for region in regions for c in categories]:
            raise self._missing(
                f"the columns of {core.tables['Y'].member} are not every region's final-demand "
                "categories in region-major order"
            )
        emissions_ext = self._extension_with(EMISSION_EXTENSIONS, self.stressors)
        f_y_key = "F_Y" if "F_Y" in emissions_ext.tables else "F_hh"
        if f_y_key not in emissions_ext.tables:
            raise WorkflowInputError(
                f"{self.archive}: extension {emissions_ext.name} has no F_Y (household direct "
                "emissions)"
            )
        co2_unit = self._units(emissions_ext, self.stressors)
        co2 = self._rows_of(emissions_ext, "F", self.stressors, nodes)
        co2_y = self._rows_of(emissions_ext, f_y_key, self.stressors, y_header.columns)
        va_ext = self._extension_with(VALUE_ADDED_EXTENSIONS, VALUE_ADDED_ROWS)
        va_unit = self._units(va_ext, VALUE_ADDED_ROWS)
        if va_unit != money_unit:
            raise WorkflowInputError(
                f"{self.archive}: value added is in {va_unit} but Z and Y are in {money_unit}"
            )
        value_added = self._rows_of(va_ext, "F", VALUE_ADDED_ROWS, nodes)
        for values, what in (
            (final_demand, "Y"),
            (co2, "the CO2 rows"),
            (value_added, "value added"),
        ):
            finite = np.isfinite(values)
            if not finite.all():
                raise WorkflowInputError(
                    f"{self.archive}: {what} has empty, NaN or infinite values: "
                    f"{int((~finite).sum())} cells. The file is damaged or not in the expected "
                    "layout; fetch it again or repair these cells."
                )
        log.info(
            "reading %s: %d regions x %d sectors (n = %d), %d final-demand categories; CO2 = "
            "sum of %d rows of %s (unit %s); value added = %d rows of %s",
            self.archive,
            len(regions),
            len(sectors),
            len(nodes),
            len(categories),
            len(self.stressors),
            emissions_ext.name,
            co2_unit,
            len(VALUE_ADDED_ROWS),
            va_ext.name,
        )
        return SourceYear(
            regions=regions,
            sectors=sectors,
            categories=categories,
            intermediate=lambda: self._intermediate(nodes),
            final_demand=final_demand,
            value_added=_column_sums(value_added),
            emissions=_column_sums(co2),
            household_emissions=_column_sums(co2_y),
            money_unit=money_unit,
            emission_unit=co2_unit,
            co2_rows=self.stressors,
            origin=self.archive,
            discrepancy=lambda: None,
        )

    def _money_unit(self) -> str:
        _, lines = self._lines(self.core.tables["unit"])
        first = next(lines, None)
        if first is None:
            raise WorkflowInputError(f"{self.archive}: the core unit.txt is empty")
        fields = first.decode("utf-8", errors="replace").split("\t")
        return fields[self.core.tables["unit"].index_columns].strip()

    def _parse_whole(
        self, table: TableFile, header: Header, blocks: Iterator[bytes]
    ) -> tuple[list[tuple], np.ndarray]:
        labels: list[tuple] = []
        parts = []
        for _, block_labels, values in self._parse(table, header, blocks):
            labels += block_labels
            parts.append(values)
        return labels, np.vstack(parts)

    def _parse(
        self, table: TableFile, header: Header, blocks: Iterator[bytes]
    ) -> Iterator[tuple[int, list[tuple], np.ndarray]]:
        width = len(header.columns)

        def parse(block: bytes) -> tuple[list[tuple], np.ndarray]:
            return tsv.parse_block(block, width, labels=table.index_columns)

        try:
            yield from tsv.parse_rows(blocks, parse, self.threads)
        except tsv.ShapeError as err:
            raise self._missing(f"{table.member} does not have {width} columns ({err})") from None
        except tsv.NotNumbersError as err:
            cells = [
                f"line {err.first_row + row + 1} of the data, field {column + 1}: {text!r}"
                for row, column, text in err.cells
            ]
            raise tsv.not_numbers_error(self.archive, table.member, cells) from None

    def _intermediate(self, nodes: list[tuple[str, str]]) -> Iterator[tuple[int, np.ndarray]]:
        """Z as row blocks: from Z.txt, or A.txt times x (Z = A diag(x), as pymrio's calc_Z)."""
        tables = self.core.tables
        if "Z" in tables:
            table, scale = tables["Z"], None
        elif "A" in tables and "x" in tables:
            table, scale = tables["A"], self._output(nodes)
            log.info("%s ships A and x without Z; Z = A diag(x) rebuilt", self.archive)
        else:
            raise WorkflowInputError(f"{self.archive} has neither Z.txt nor both A.txt and x.txt")
        header, blocks = self._header(table)
        if header.columns != nodes:
            raise self._missing(f"the columns of {table.member} are not the rows of Y.txt")
        seen = 0
        check = tsv.FiniteCheck(
            self.archive,
            "Z (intermediate flows)",
            lambda i: " / ".join(nodes[i]),
            lambda j: " / ".join(nodes[j]),
        )
        for first, labels, values in self._parse(table, header, blocks):
            if [tuple(map(str, label)) for label in labels] != nodes[first : first + len(labels)]:
                raise self._missing(f"the rows of {table.member} are not the rows of Y.txt")
            if scale is not None:
                values = values * scale
            check.block(first, values)
            seen = first + values.shape[0]
            yield first, values
        if seen != len(nodes):
            raise self._missing(f"{table.member} has {seen} rows, Y.txt {len(nodes)}")
        check.raise_if_any()

    def _output(self, nodes: list[tuple[str, str]]) -> np.ndarray:
        table = self.core.tables["x"]
        header, blocks = self._header(table)
        labels, values = self._parse_whole(table, header, blocks)
        if [tuple(map(str, label)) for label in labels] != nodes:
            raise self._missing(f"the rows of {table.member} are not the rows of Y.txt")
        return values[:, 0][None, :]


def _find_folders(handle: zipfile.ZipFile, archive: Path) -> tuple[Folder, dict[str, Folder]]:
    """The core folder (with its directory) and the extensions by name."""
    folders: dict[str, Folder] = {}
    core: list[Folder] = []
    for member in handle.namelist():
        if posixpath.basename(member) != PARAMETERS:
            continue
        directory = posixpath.dirname(member)
        try:
            content = json.loads(handle.read(member).decode("utf-8"))
            tables = {
                ("F_Y" if key == "FY" else key): TableFile(
                    member=posixpath.join(directory, spec["name"]) if directory else spec["name"],
                    index_columns=int(spec["nr_index_col"]),
                    header_lines=int(spec["nr_header"]),
                )
                for key, spec in content["files"].items()
            }
            kind = content["systemtype"]
        except (KeyError, ValueError, TypeError) as err:
            raise WorkflowInputError(
                f"{archive}: {member} is not a pymrio file-parameter file ({err!r}); fetch "
                "the archive again."
            ) from err
        folder = Folder(posixpath.basename(directory), kind, tables, directory)
        if kind == "IOSystem":
            core.append(folder)
        elif folder.name in folders:
            raise WorkflowInputError(
                f"{archive} holds two extension folders named {folder.name!r}; which one is "
                "meant is ambiguous. Fetch the archive again."
            )
        else:
            folders[folder.name] = folder
    if len(core) != 1:
        raise WorkflowInputError(
            f"{archive} holds {len(core)} core folders (file_parameters.json of an IOSystem), "
            "not one; it is not an EXIOBASE 3 IOT archive. Fetch it again."
        )
    return core[0], folders


def read_exiobase3(
    archive: Path,
    year: int,
    system: str,
    stressors: Sequence[str] = CO2_STRESSORS,
    threads: int = 2,
) -> SourceYear:
    """Check ``archive`` and read it: Y, the CO2 rows (the sum of ``stressors``, each
    exactly once in the file) and the value-added rows now, Z as row blocks while the cache
    is written, on ``threads`` threads. Money in the file's unit (M.EUR), CO2 in its unit
    (kg)."""
    stressors = tuple(stressors)
    if not stressors:
        raise WorkflowInputError("config key stressors.exiobase3 lists no rows")
    twice = sorted({row for row in stressors if stressors.count(row) > 1})
    if twice:
        raise WorkflowInputError(
            f"config key stressors.exiobase3 lists {twice} more than once; each row counts once."
        )
    check_archive(archive, year, system)
    return ExiobaseArchive(archive, year, system, stressors, threads).read()


def _column_sums(rows: np.ndarray) -> np.ndarray:
    """The (rows, n) array summed over its rows, as pandas sums a frame of these rows (as
    pymrio does): each column's values added along contiguous memory, which numpy does
    pairwise. Summed row after row instead, nine or more rows (EXIOBASE's value added) can
    differ in the last bit, whatever the layout the parser gave."""
    return np.ascontiguousarray(rows.T).sum(axis=1)
