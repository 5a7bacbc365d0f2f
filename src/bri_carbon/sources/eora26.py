"""Parse an Eora26 release with pymrio and keep only what the study needs.

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
from bri_carbon.sources import archives, eora26_shapes
from bri_carbon.sources import eora26_layout as layout
from bri_carbon.sources.parsed import Discrepancy, ParsedSystem

log = logging.getLogger(__name__)

#: A satellite label as pymrio indexes it after parsing: (stressor without unit, source).
SatelliteLabel = tuple[str, str]
#: Read buffer of the streamed tables (zip members read line by line are slow otherwise).
_READ_BUFFER = 1 << 22
#: Rows listed in the message when no configured CO2 label matches.
CANDIDATES_SHOWN = 20


def indices_path(archive: Path) -> Path:
    """Where real Eora26 downloads keep the label files: ``indices.zip`` next to the archive."""
    return archive.parent / "indices.zip"


def _members(archive: Path) -> set[str]:
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
    members = _members(archive)
    missing = [name for name in expected if name not in members]
    labels_missing = [name for name in layout.LABEL_FILES if name not in members]
    indices = indices_path(archive)
    if labels_missing and indices.exists():
        archives.check_safe(indices)
        index_members = _members(indices)
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


def _co2_candidates(index: pd.MultiIndex) -> list[str]:
    """Satellite rows a user may have meant, EDGAR rows and CO2 totals first, then other
    rows that mention CO2."""
    labels = [tuple(str(part) for part in label) for label in index]
    first = [
        label
        for label in labels
        if "EDGAR" in label[0] or ("CO2" in " ".join(label) and "total" in " ".join(label).lower())
    ]
    rest = [label for label in labels if "CO2" in " ".join(label) and label not in first]
    return [_label_text(label) for label in [*first, *rest]]


def select_co2_row(
    satellite: pymrio.Extension, alternatives: Sequence[SatelliteLabel], origin: Path
) -> int:
    """Position of the CO2 row among the satellite rows: the first of ``alternatives`` that
    the file has, which must name exactly one row.

    ``alternatives``: (stressor without unit, source) pairs tried in order (the label
    changed between Eora26 vintages). Two rows with the configured label are ambiguous and
    stop the parse, naming the rows and ``origin``; so does a row without a unit. When none
    matches, the message lists the rows that mention EDGAR or CO2 totals first, and the full
    list of satellite labels goes to the log.
    """
    index = satellite.F.index
    for stressor, source in alternatives:
        hits = [i for i, label in enumerate(index) if tuple(label) == (stressor, source)]
        if len(hits) > 1:
            units = [str(satellite.unit.iloc[i, 0]) for i in hits]
            raise WorkflowInputError(
                f"{origin}: the satellite label ({stressor!r}, {source!r}) names {len(hits)} "
                f"rows of labels_Q.txt (rows {[i + 1 for i in hits]}, units {units}). Which one "
                "is CO2 is ambiguous; repair the label file or fetch it again."
            )
        if hits:
            unit = satellite.unit.iloc[hits[0], 0]
            if pd.isna(unit) or not str(unit).strip():
                raise WorkflowInputError(
                    f"{origin}: the satellite row ({stressor!r}, {source!r}) has no unit; "
                    "labels_Q.txt writes it in parentheses after the label, e.g. "
                    f"'{stressor} (Gg)'. Repair the label file or fetch it again."
                )
            return hits[0]
    log.info(
        "satellite labels of %s (%d rows): %s",
        origin,
        len(index),
        [_label_text(tuple(label)) for label in index],
    )
    wanted = [f"{stressor} / {source}" for stressor, source in alternatives]
    candidates = _co2_candidates(index)
    raise WorkflowInputError(
        f"{origin} has no satellite row {wanted}. Rows that mention EDGAR or CO2 totals "
        f"first: {candidates[:CANDIDATES_SHOWN]}"
        f"{' ...' if len(candidates) > CANDIDATES_SHOWN else ''}. Set config key "
        "stressors.eora26 to the label of the CO2 row (stressor without the unit, and "
        "source); the rule's log lists every satellite row."
    )


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
