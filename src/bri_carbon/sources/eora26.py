"""Parse an Eora26 release with pymrio (the reference of the streaming reader).

The workflow reads Eora26 with :mod:`bri_carbon.sources.eora26_reader`, which streams each
table once; this module parses the same archive with :func:`pymrio.parse_eora26`, the path
the reader's arrays are tested against, and holds the archive checks both share.

Eora26 ships about 2,700 satellite rows; only the CO2 row and the value added survive, so
that the native cache is small and later stages never reread the text tables.

Two release layouts are read: the label files inside ``Eora26_{year}_bp.zip``, or (as in
real downloads) in a separate ``indices.zip`` next to it. pymrio is given a private folder
that holds exactly these two files, so that other files next to the archive never confuse
it. :func:`discrepancy` measures the ``ROW`` statistical-discrepancy row and column that
pymrio drops, per sector.
"""

from __future__ import annotations

import io
import logging
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import eora26_layout as layout
from bri_carbon.sources import eora26_reader, eora26_shapes
from bri_carbon.sources.eora26_reader import check_archive, indices_path, labels_inside
from bri_carbon.sources.parsed import Discrepancy, ParsedSystem

__all__ = ["check_archive", "discrepancy", "indices_path", "labels_inside", "parse_co2_system"]

log = logging.getLogger(__name__)

#: A satellite label as pymrio indexes it after parsing: (stressor without unit, source).
SatelliteLabel = tuple[str, str]
#: Read buffer of the streamed tables (zip members read line by line are slow otherwise).
_READ_BUFFER = 1 << 22


def _label_source(archive: Path, name: str) -> Path:
    """The zip that holds label file ``name``: the archive, else its indices.zip."""
    with zipfile.ZipFile(archive) as handle:
        return archive if name in handle.namelist() else indices_path(archive)


def _label_table(archive: Path, name: str) -> list[list[str]]:
    """Rows of one label file (tab-separated), from the archive or its indices.zip."""
    with zipfile.ZipFile(_label_source(archive, name)) as handle:
        text = handle.read(name).decode("utf-8", errors="replace")
    return [line.split("\t") for line in text.splitlines() if line.strip()]


def _discrepancy_positions(rows: list[list[str]]) -> list[int]:
    """Positions of the rows whose country code (second column) is Eora's ``ROW``."""
    return [i for i, row in enumerate(rows) if len(row) > 1 and row[1] == layout.DISCREPANCY_CODE]


def _fields(raw: bytes, last: int | None = None) -> list[bytes]:
    """The tab-separated fields of one table line (trailing tab and line end dropped); with
    ``last``, only the last ``last`` fields (the rest of the line is not split)."""
    line = raw.rstrip(b"\r\n").rstrip(b"\t")
    return line.split(b"\t") if last is None else line.rsplit(b"\t", last)[-last:]


def _stream(
    archive: Path, member: str, rows: list[int], columns: list[int], width: int
) -> tuple[np.ndarray, np.ndarray]:
    """Stream one table of ``width`` columns: (the ``rows`` summed, as a full row vector;
    the ``columns`` summed for every line, as a column vector). Only these cells are
    converted to numbers, and other lines are split only as far as the first of
    ``columns`` from the end (Eora puts ROW last)."""
    wanted = set(rows)
    row_sum = np.zeros(width)
    column_sums: list[float] = []
    last = width - min(columns) if columns else 0
    from_end = [c - width for c in columns]
    with (
        zipfile.ZipFile(archive) as handle,
        io.BufferedReader(handle.open(member), buffer_size=_READ_BUFFER) as stream,
    ):
        for index, raw in enumerate(stream):
            if index in wanted:
                values = np.array([float(v) for v in _fields(raw)])
                if values.size != width:
                    raise WorkflowInputError(
                        f"{archive}: line {index + 1} of {member} has {values.size} fields, "
                        f"the label files list {width}; fetch the archive again."
                    )
                row_sum += values
            fields = _fields(raw, last) if last else []
            column_sums.append(sum(float(fields[c]) for c in from_end))
    return row_sum, np.array(column_sums)


def _without(values: np.ndarray, positions: list[int]) -> np.ndarray:
    """``values`` with the entries at ``positions`` left out."""
    return np.delete(values, positions)


def discrepancy(archive: Path, year: int, price: str = "bp") -> Discrepancy:
    """Eora's ``ROW`` statistical-discrepancy row and column, per sector (thousand USD).

    pymrio drops ``ROW`` while parsing and its meta log records only the first column's sum.
    This reads the label files and streams the T, FD and VA tables once more, converting only
    the ROW row and ROW column cells to numbers (a few seconds for real Eora26). The vectors
    follow the order of the parsed ``Z`` rows and ``Y`` columns (label order, ROW left out).
    """
    tables = layout.table_names(year, price)
    t_labels = _label_table(archive, "labels_T.txt")
    fd_labels = _label_table(archive, "labels_FD.txt")
    t_rows, fd_columns = _discrepancy_positions(t_labels), _discrepancy_positions(fd_labels)
    n, m = len(t_labels), len(fd_labels)
    t_row, t_column = _stream(archive, tables["T"], t_rows, t_rows, n)
    fd_row, fd_columns_sum = _stream(archive, tables["FD"], t_rows, fd_columns, m)
    _, va_column = _stream(archive, tables["VA"], [], t_rows, n)
    result = Discrepancy(
        inputs_from=_without(t_row, t_rows),
        final_demand_from=_without(fd_row, fd_columns),
        sales_to=_without(t_column + fd_columns_sum, t_rows),
        value_added_of_row=float(va_column.sum()),
        row_to_row=float(t_row[t_rows].sum() + fd_row[fd_columns].sum()),
    )
    log.info(
        "Eora ROW discrepancy in %s (%d entries), thousand USD: purchases from ROW %.6g "
        "(intermediate) + %.6g (final demand), sales to ROW %.6g, ROW value added %.6g, "
        "ROW to ROW %.6g",
        archive,
        n,
        result.inputs_from.sum(),
        result.final_demand_from.sum(),
        result.sales_to.sum(),
        result.value_added_of_row,
        result.row_to_row,
    )
    return result


def _label_text(label: tuple[str, ...]) -> str:
    return " / ".join(str(part) for part in label)


def select_co2_row(
    satellite: pymrio.Extension, alternatives: Sequence[SatelliteLabel], origin: Path
) -> int:
    """Position of the CO2 row among the satellite rows of a pymrio parse, chosen as the
    streaming reader chooses it (:func:`bri_carbon.sources.eora26_reader.select_co2_row`)."""
    rows = [
        eora26_reader.SatelliteRow(
            stressor=str(label[0]),
            source=str(label[1]),
            unit="" if pd.isna(unit) else str(unit),
        )
        for label, unit in zip(satellite.F.index, satellite.unit.iloc[:, 0], strict=True)
    ]
    return eora26_reader.select_co2_row(rows, alternatives, origin)


def _private_folder(archive: Path, folder: Path) -> None:
    """Link ``archive`` (and its indices.zip, if any) into ``folder`` for pymrio, which
    reads every zip of a folder that names the year."""
    (folder / archive.name).symlink_to(archive.resolve())
    indices = indices_path(archive)
    if indices.exists():
        (folder / indices.name).symlink_to(indices.resolve())


def parse_co2_system(
    archive: Path,
    year: int,
    stressors: Sequence[SatelliteLabel] = layout.CO2_LABELS,
    price: str = "bp",
) -> ParsedSystem:
    """Parse ``archive`` with :func:`pymrio.parse_eora26` and keep CO2 and value added.

    Returns the system with ``Z`` and ``Y`` (thousand USD), an extension ``co2`` holding the
    single satellite row chosen by :func:`select_co2_row` from ``stressors`` (unit from the
    label, e.g. Gg), and an extension ``value_added`` with Eora's six VA rows; plus the ROW
    discrepancy entry that pymrio drops (:func:`discrepancy`).
    """
    check_archive(archive, year, price)
    with tempfile.TemporaryDirectory(prefix="eora26_") as folder:
        _private_folder(archive, Path(folder))
        try:
            full = pymrio.parse_eora26(folder, year=year, price=price)
        except (ValueError, KeyError, IndexError) as err:
            mismatch = eora26_shapes.describe_shape_mismatch(archive, year, price)
            raise WorkflowInputError(
                f"pymrio could not parse {archive}: {mismatch or err}. The tables do not "
                "match the Eora26 layout (label files and matrix sizes must agree); fetch "
                "the archive again or repair it."
            ) from err
    row = select_co2_row(full.Q, stressors, archive)
    co2 = {
        "name": "co2",
        "F": full.Q.F.iloc[[row]],
        "F_Y": full.Q.F_Y.iloc[[row]],
        "unit": full.Q.unit.iloc[[row]],
    }
    label = tuple(str(part) for part in full.Q.F.index[row])
    value_added = {"name": "value_added", "F": full.VA.F, "unit": full.VA.unit}
    log.info(
        "parsed %s: %d region-sectors, %d final-demand columns, kept CO2 row %s (unit %s)",
        archive,
        full.Z.shape[0],
        full.Y.shape[1],
        label,
        co2["unit"].iloc[0, 0],
    )
    system = pymrio.IOSystem(
        Z=full.Z, Y=full.Y, unit=full.unit, meta=full.meta, co2=co2, value_added=value_added
    )
    return ParsedSystem(
        system=system,
        co2_rows=(_label_text(label),),
        origin=archive,
        discrepancy=discrepancy(archive, year, price),
    )
