"""Parse an Eora26 release with pymrio and keep only what the study needs.

Eora26 ships about 2,700 satellite rows; only the CO2 row and the value added survive, so
that the cached binary system is small and later stages never reread the text tables.

Two release layouts are read: the label files inside ``Eora26_{year}_bp.zip``, or (as in
real downloads) in a separate ``indices.zip`` next to it. :func:`discrepancy` measures the
``ROW`` statistical-discrepancy row and column that pymrio drops.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import numpy as np
import pymrio

from bri_carbon import archives, checks
from bri_carbon import eora26_layout as layout
from bri_carbon.errors import WorkflowInputError

log = logging.getLogger(__name__)

#: File next to the parsed system with the size of the dropped ROW row and column.
DISCREPANCY_FILE = "source_discrepancy.json"


def indices_path(archive: Path) -> Path:
    """Where real Eora26 downloads keep the label files: ``indices.zip`` next to the archive."""
    return archive.parent / "indices.zip"


def _members(archive: Path, year: int, price: str) -> set[str]:
    """Member names of a zip; a clear error for unreadable or corrupt archives."""
    try:
        with zipfile.ZipFile(archive) as handle:
            members = set(handle.namelist())
            broken = handle.testzip()
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


def check_archive(archive: Path, year: int, price: str = "bp") -> None:
    """Fail with a clear message unless ``archive`` is a readable Eora26 zip for ``year``.

    The label files may instead be in an ``indices.zip`` next to the archive, as in real
    downloads; that file is then checked too.
    """
    archives.check_safe(archive)
    expected = list(layout.table_names(year, price).values())
    members = _members(archive, year, price)
    missing = [name for name in expected if name not in members]
    labels_missing = [name for name in layout.LABEL_FILES if name not in members]
    indices = indices_path(archive)
    if labels_missing and indices.exists():
        archives.check_safe(indices)
        index_members = _members(indices, year, price)
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


def _label_table(archive: Path, name: str) -> list[list[str]]:
    """Rows of one label file (tab-separated), from the archive or its indices.zip."""
    source = archive if not _lacks(archive, name) else indices_path(archive)
    with zipfile.ZipFile(source) as handle:
        text = handle.read(name).decode("utf-8", errors="replace")
    return [line.split("\t") for line in text.splitlines() if line.strip()]


def _lacks(archive: Path, name: str) -> bool:
    with zipfile.ZipFile(archive) as handle:
        return name not in handle.namelist()


def _discrepancy_positions(rows: list[list[str]]) -> list[int]:
    """Positions of the rows whose country code (second column) is Eora's ``ROW``."""
    return [i for i, row in enumerate(rows) if len(row) > 1 and row[1] == layout.DISCREPANCY_CODE]


def _stream_sums(
    archive: Path, member: str, row_positions: list[int], column_positions: list[int]
) -> tuple[float, float, float, int]:
    """Stream one table: (sum of the ``row_positions`` rows outside ``column_positions``,
    sum of the ``column_positions`` columns outside those rows, sum of the crossing cells,
    number of lines). Only these cells are converted to numbers; the rest is split, not
    parsed."""
    rows, columns = set(row_positions), sorted(column_positions)
    in_rows = outside = crossing = 0.0
    count = 0
    with zipfile.ZipFile(archive) as handle, handle.open(member) as stream:
        for index, raw in enumerate(stream):
            fields = raw.rstrip(b"\r\n").rstrip(b"\t").split(b"\t")
            count += 1
            if index in rows:
                values = np.array([float(v) for v in fields], dtype=float)
                crossing += float(values[columns].sum()) if columns else 0.0
                in_rows += float(values.sum()) - (float(values[columns].sum()) if columns else 0.0)
            elif columns:
                outside += sum(float(fields[c]) for c in columns)
    return in_rows, outside, crossing, count


def discrepancy(archive: Path, year: int, price: str = "bp") -> dict[str, float | str]:
    """Magnitude of Eora's ``ROW`` statistical-discrepancy row and column (thousand USD).

    pymrio drops ``ROW`` while parsing and its meta log records only the first column's sum.
    This reads the label files and streams the T, FD and VA tables once more, converting only
    the ROW row and ROW column cells to numbers (a few seconds for real Eora26, against about
    a minute for the full parse). Keys: ``inputs_from_row`` (ROW row of T into the
    industries), ``outputs_to_row`` (industry sales into the ROW column of T),
    ``final_demand_from_row`` (ROW row of FD), ``final_demand_of_row`` (industry sales to
    ROW's FD columns), ``value_added_of_row`` (ROW column of VA), ``row_to_row`` (ROW x ROW
    cells of T and FD), and ``unit``.
    """
    tables = layout.table_names(year, price)
    t_rows = _discrepancy_positions(_label_table(archive, "labels_T.txt"))
    fd_columns = _discrepancy_positions(_label_table(archive, "labels_FD.txt"))
    inputs, outputs, t_cross, t_lines = _stream_sums(archive, tables["T"], t_rows, t_rows)
    fd_from, fd_of, fd_cross, _ = _stream_sums(archive, tables["FD"], t_rows, fd_columns)
    _, va_of, _, _ = _stream_sums(archive, tables["VA"], [], t_rows)
    result: dict[str, float | str] = {
        "unit": layout.MONEY_UNIT,
        "inputs_from_row": inputs,
        "outputs_to_row": outputs,
        "final_demand_from_row": fd_from,
        "final_demand_of_row": fd_of,
        "value_added_of_row": va_of,
        "row_to_row": t_cross + fd_cross,
    }
    log.info("Eora ROW discrepancy in %s (%d T lines): %s", archive, t_lines, result)
    return result


def parse_co2_system(
    archive: Path, year: int, stressor: str, stressor_source: str, price: str = "bp"
) -> pymrio.IOSystem:
    """Parse ``archive`` with :func:`pymrio.parse_eora26` and keep CO2 and value added.

    Returns an IOSystem with ``Z`` and ``Y`` (thousand USD), an extension ``co2`` holding the
    single row (``stressor``, ``stressor_source``) of Eora's Q/QY tables (unit from the
    label, e.g. Gg), and an extension ``value_added`` with Eora's six VA rows.
    pymrio drops Eora's ``ROW`` discrepancy row and column (see :func:`discrepancy`).
    """
    check_archive(archive, year, price)
    try:
        full = pymrio.parse_eora26(archive.parent, year=year, price=price)
    except (ValueError, KeyError, IndexError) as err:
        mismatch = checks.describe_shape_mismatch(archive, year, price)
        raise WorkflowInputError(
            f"pymrio could not parse {archive}: {mismatch or err}. The tables do not match "
            "the Eora26 layout (label files and matrix sizes must agree); fetch the archive "
            "again or repair it."
        ) from err
    key = (stressor, stressor_source)
    if key not in full.Q.F.index:
        candidates = [row for row in full.Q.F.index if "CO2" in row[0]][:20]
        raise WorkflowInputError(
            f"{archive} has no satellite row {key}; CO2 rows found: {candidates}. "
            "Set config key stressors.eora26 to one of them."
        )
    co2 = {
        "name": "co2",
        "F": full.Q.F.loc[[key]],
        "F_Y": full.Q.F_Y.loc[[key]],
        "unit": full.Q.unit.loc[[key]],
    }
    value_added = {"name": "value_added", "F": full.VA.F, "unit": full.VA.unit}
    log.info(
        "parsed %s: %d region-sectors, %d final-demand columns, kept CO2 row %s (unit %s)",
        archive,
        full.Z.shape[0],
        full.Y.shape[1],
        key,
        co2["unit"].iloc[0, 0],
    )
    system = pymrio.IOSystem(
        Z=full.Z,
        Y=full.Y,
        unit=full.unit,
        meta=full.meta,
        co2=co2,
        value_added=value_added,
    )
    checks.check_finite(system, archive)
    return system
