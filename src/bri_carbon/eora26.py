"""Parse an Eora26 release with pymrio and keep only what the study needs.

Eora26 ships about 2,700 satellite rows; only the CO2 row and the value added survive, so
that the cached binary system is small and later stages never reread the text tables.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import pymrio

from bri_carbon import archives, checks
from bri_carbon import eora26_layout as layout
from bri_carbon.errors import WorkflowInputError

log = logging.getLogger(__name__)


def check_archive(archive: Path, year: int, price: str = "bp") -> None:
    """Fail with a clear message unless ``archive`` is a readable Eora26 zip for ``year``.

    The label files may instead be in an ``indices.zip`` next to the archive, as in real
    downloads.
    """
    archives.check_safe(archive)
    expected = list(layout.table_names(year, price).values())
    try:
        with zipfile.ZipFile(archive) as handle:
            members = set(handle.namelist())
            broken = handle.testzip()
    except (zipfile.BadZipFile, OSError) as err:
        raise WorkflowInputError(
            f"{archive} is not a readable zip archive ({err}). Delete it and fetch "
            f"{layout.archive_name(year, price)} again from Eora (https://worldmrio.com)."
        ) from err
    if broken is not None:
        raise WorkflowInputError(
            f"{archive}: member {broken} is corrupt (CRC mismatch); the file is damaged or "
            "truncated. Delete it and fetch it again."
        )
    missing = [name for name in expected if name not in members]
    labels_missing = [name for name in layout.LABEL_FILES if name not in members]
    if labels_missing and not (archive.parent / "indices.zip").exists():
        missing += labels_missing
    if missing:
        raise WorkflowInputError(
            f"{archive} lacks {missing}. An Eora26 {price} archive for {year} holds "
            f"{expected} and the label files {list(layout.LABEL_FILES)} (or an indices.zip "
            "next to it). Fetch the complete archive again."
        )


def parse_co2_system(
    archive: Path, year: int, stressor: str, stressor_source: str, price: str = "bp"
) -> pymrio.IOSystem:
    """Parse ``archive`` with :func:`pymrio.parse_eora26` and keep CO2 and value added.

    Returns an IOSystem with ``Z`` and ``Y`` (thousand USD), an extension ``co2`` holding the
    single row (``stressor``, ``stressor_source``) of Eora's Q/QY tables (unit from the
    label, e.g. Gg), and an extension ``value_added`` with Eora's six VA rows.
    pymrio drops Eora's ``ROW`` discrepancy row and column.
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
