"""Checks of a parsed pymrio system: every number finite, shapes as the labels say.

pymrio reads empty or malformed fields as NaN without complaint; these checks stop such
tables before any emission can be lost silently.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio

from bri_carbon import eora26_layout as layout
from bri_carbon.errors import WorkflowInputError


def _first_bad_cells(frame: pd.DataFrame, limit: int = 5) -> list[str]:
    """Row/column labels of the first non-finite cells of ``frame``."""
    rows, columns = np.nonzero(~np.isfinite(frame.to_numpy(dtype=float)))
    return [f"({frame.index[r]}, {frame.columns[c]})" for r, c in zip(rows, columns, strict=True)][
        :limit
    ]


def check_finite(system: pymrio.IOSystem, origin: Path) -> None:
    """Fail if Z, Y or any extension's F/F_Y holds NaN or infinite values.

    ``origin`` names the file the system was parsed from, for the message.
    """
    tables: dict[str, pd.DataFrame] = {"T (Z)": system.Z, "FD (Y)": system.Y}
    for extension in system.get_extensions(data=True):
        tables[f"{extension.name} F"] = extension.F
        if getattr(extension, "F_Y", None) is not None:
            tables[f"{extension.name} F_Y"] = extension.F_Y
    problems = {
        name: (int((~np.isfinite(frame.to_numpy(dtype=float))).sum()), _first_bad_cells(frame))
        for name, frame in tables.items()
    }
    problems = {name: found for name, found in problems.items() if found[0]}
    if problems:
        details = "; ".join(
            f"{name}: {count} cells, first at {cells}" for name, (count, cells) in problems.items()
        )
        raise WorkflowInputError(
            f"{origin} has empty, NaN or infinite values: {details}. The file is damaged or "
            "not in the expected layout; fetch it again or repair these cells."
        )


def _table_shape(handle: zipfile.ZipFile, member: str) -> tuple[int, set[int]]:
    """(number of lines, set of field counts per line) of a tab-separated member."""
    lines, widths = 0, set()
    with handle.open(member) as stream:
        for raw in stream:
            if raw.strip():
                lines += 1
                widths.add(raw.rstrip(b"\r\n").count(b"\t") + 1)
    return lines, widths


def describe_shape_mismatch(archive: Path, year: int, price: str = "bp") -> str:
    """Explain how the Eora26 tables in ``archive`` disagree with their label files.

    Used after pymrio failed to parse, so the happy path reads nothing twice. Returns an
    empty string when no mismatch is found.
    """
    names = layout.table_names(year, price)
    with zipfile.ZipFile(archive) as handle:
        members = set(handle.namelist())
        labels_source = handle
        if "labels_T.txt" not in members and (archive.parent / "indices.zip").exists():
            labels_source = zipfile.ZipFile(archive.parent / "indices.zip")
        label_counts = {name: _table_shape(labels_source, name)[0] for name in layout.LABEL_FILES}
        t_rows, t_widths = _table_shape(handle, names["T"])
        fd_rows, fd_widths = _table_shape(handle, names["FD"])
    n, fd = label_counts["labels_T.txt"], label_counts["labels_FD.txt"]
    problems = []
    if len(t_widths) > 1:
        problems.append(f"{names['T']} has rows of different lengths {sorted(t_widths)}")
    elif t_widths and t_rows != next(iter(t_widths)):
        problems.append(f"{names['T']} is not square: {t_rows} rows x {t_widths.pop()} columns")
    if t_rows != n:
        problems.append(f"{names['T']} has {t_rows} rows but labels_T.txt lists {n} entries")
    if fd_rows != n:
        problems.append(f"{names['FD']} has {fd_rows} rows but labels_T.txt lists {n}")
    if fd_widths and fd_widths != {fd}:
        problems.append(
            f"{names['FD']} has {sorted(fd_widths)} columns but labels_FD.txt lists {fd}"
        )
    return "; ".join(problems)
