"""Shapes of the Eora26 tables against their label files, explained after pymrio fails.

pymrio's own errors on such tables ("Length mismatch: Expected axis has 6 elements") name
no table; :func:`describe_shape_mismatch` says which table disagrees with which label file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from bri_carbon.sources import eora26_layout as layout


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
        shapes = {key: _table_shape(handle, names[key]) for key in ("T", "FD", "Q", "QY", "VA")}
    n, fd = label_counts["labels_T.txt"], label_counts["labels_FD.txt"]
    q, va = label_counts["labels_Q.txt"], label_counts["labels_VA.txt"]
    t_rows, t_widths = shapes["T"]
    problems = []
    if len(t_widths) > 1:
        problems.append(f"{names['T']} has rows of different lengths {sorted(t_widths)}")
    elif t_widths and t_rows != next(iter(t_widths)):
        problems.append(f"{names['T']} is not square: {t_rows} rows x {t_widths.pop()} columns")
    expected = {
        # table: (rows, the label file that counts them, columns, the label file for those)
        "T": (n, "labels_T.txt", n, "labels_T.txt"),
        "FD": (n, "labels_T.txt", fd, "labels_FD.txt"),
        "Q": (q, "labels_Q.txt", n, "labels_T.txt"),
        "QY": (q, "labels_Q.txt", fd, "labels_FD.txt"),
        "VA": (va, "labels_VA.txt", n, "labels_T.txt"),
    }
    for key, (rows, row_labels, columns, column_labels) in expected.items():
        found_rows, widths = shapes[key]
        if found_rows != rows:
            problems.append(
                f"{names[key]} has {found_rows} rows but {row_labels} lists {rows} entries"
            )
        if widths and widths != {columns}:
            problems.append(
                f"{names[key]} has {sorted(widths)} columns but {column_labels} lists {columns}"
            )
    return "; ".join(problems)
