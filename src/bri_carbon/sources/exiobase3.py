"""Parse an EXIOBASE 3 IOT archive with pymrio (the reference of the streaming reader).

The workflow reads EXIOBASE 3 with :mod:`bri_carbon.sources.exiobase3_reader`, which streams
each table once; this module parses the same archive with :func:`pymrio.parse_exiobase3`,
the path the reader's arrays are tested against. Both release layouts are read:

- v3.8.x (3.8.2): one ``satellite/`` extension holding value added, employment
  and emissions (plus ``impacts/``);
- v3.9.x and v3.10.x: one folder per account, CO2 in ``air_emissions/`` and value added in
  ``factor_inputs/``.

The result has the same contract as :func:`bri_carbon.sources.eora26.parse_co2_system`: ``Z`` and
``Y`` (million EUR, unit table from the file), an extension ``co2`` with one row, the sum of
the configured CO2 stressor rows (unit from the file, kg), with ``F`` and ``F_Y``, and an
extension ``value_added`` with the value-added rows (million EUR).

Value added is taken at basic prices, as in Eora26: compensation of employees, other net
taxes on production and operating surplus. EXIOBASE's row "Taxes less subsidies on products
purchased: Total" is a cost of the purchased inputs, not value added, and is left out.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import Final

import pandas as pd
import pymrio

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources.exiobase3_reader import (
    CO2_STRESSORS,
    EMISSION_EXTENSIONS,
    SYSTEMS,
    VALUE_ADDED_EXTENSIONS,
    VALUE_ADDED_ROWS,
    archive_name,
    check_archive,
)
from bri_carbon.sources.parsed import ParsedSystem

__all__ = [
    "CO2_STRESSORS",
    "EMISSION_EXTENSIONS",
    "SYSTEMS",
    "VALUE_ADDED_EXTENSIONS",
    "VALUE_ADDED_ROWS",
    "archive_name",
    "check_archive",
    "parse_co2_system",
]

log = logging.getLogger(__name__)

#: Label of the single row of the ``co2`` extension.
CO2_ROW: Final[str] = "CO2 (fossil, sum of the configured EXIOBASE rows)"


def _find_rows(
    system: pymrio.IOSystem, candidates: tuple[str, ...], rows: tuple[str, ...], archive: Path
) -> pymrio.Extension:
    """The first extension among ``candidates`` whose F holds every one of ``rows``, each
    exactly once (two rows with one label are ambiguous and stop the parse)."""
    for name in candidates:
        extension = getattr(system, name, None)
        if isinstance(extension, pymrio.Extension) and extension.F is not None:
            index = extension.F.index
            if all(row in index for row in rows):
                twice = [row for row in rows if int((index == row).sum()) > 1]
                if twice:
                    raise WorkflowInputError(
                        f"{archive}: extension {name} lists the rows {twice} more than once; "
                        "which one to use is ambiguous. Repair F.txt of that extension or "
                        "fetch the archive again."
                    )
                return extension
    found = {}
    for name in candidates:
        extension = getattr(system, name, None)
        if isinstance(extension, pymrio.Extension) and extension.F is not None:
            found[name] = [row for row in rows if row not in extension.F.index]
    raise WorkflowInputError(
        f"{archive}: no extension among {list(candidates)} holds all rows {list(rows)}; "
        f"missing per extension: {found or 'no such extension'}. Check config key "
        "stressors.exiobase3 against the file's extension unit.txt."
    )


def _units(extension: pymrio.Extension, rows: tuple[str, ...], archive: Path) -> str:
    """The single unit of ``rows`` in ``extension``'s unit table."""
    if extension.unit is None:
        raise WorkflowInputError(f"{archive}: extension {extension.name} has no unit.txt")
    found = set(extension.unit.loc[list(rows)].iloc[:, 0].astype(str).str.strip())
    if len(found) != 1:
        raise WorkflowInputError(
            f"{archive}: rows {list(rows)} of {extension.name} mix units {sorted(found)}; "
            "choose rows of one unit in config key stressors.exiobase3."
        )
    return found.pop()


def parse_co2_system(
    archive: Path, year: int, system: str, stressors: tuple[str, ...] | list[str] = CO2_STRESSORS
) -> ParsedSystem:
    """Parse ``archive`` with :func:`pymrio.parse_exiobase3`; keep Z, Y, CO2 and value added.

    Each of ``stressors`` must name exactly one row. Returns the parsed system: an IOSystem
    with ``Z`` (n x n) and ``Y`` (n x 7 r) in the file's money unit
    (M.EUR), n = r regions x 163 industries (ixi) or 200 products (pxp); an extension ``co2``
    with one row (the sum of ``stressors``; ``F`` 1 x n, ``F_Y`` 1 x 7 r, unit from the
    file, kg) and an extension ``value_added`` (:data:`VALUE_ADDED_ROWS`, 8 x n, M.EUR).
    """
    stressors = tuple(stressors)
    if not stressors:
        raise WorkflowInputError("config key stressors.exiobase3 lists no rows")
    twice = sorted({row for row in stressors if stressors.count(row) > 1})
    if twice:
        raise WorkflowInputError(
            f"config key stressors.exiobase3 lists {twice} more than once; each row counts once."
        )
    check_archive(archive, year, system)
    try:
        full = pymrio.parse_exiobase3(archive)
    except (pymrio.ReadError, KeyError, ValueError, IndexError, zipfile.BadZipFile) as err:
        raise WorkflowInputError(
            f"pymrio could not parse {archive}: {err}. It is not a complete EXIOBASE 3 IOT "
            "archive; fetch it again."
        ) from err
    declared = str(getattr(full.meta, "system", "") or "")
    if declared and declared != system:
        raise WorkflowInputError(
            f"{archive} holds the {declared} system but config key exiobase3.system is "
            f"{system!r}; rename nothing, set the key to {declared!r} instead."
        )
    if full.Y is None:
        raise WorkflowInputError(f"{archive} has no final demand table Y.txt")
    if full.unit is None:
        raise WorkflowInputError(f"{archive} has no core unit.txt (money unit of Z and Y)")
    Z = full.Z
    if Z is None:
        if full.A is None or full.x is None:
            raise WorkflowInputError(f"{archive} has neither Z.txt nor both A.txt and x.txt")
        Z = pymrio.calc_Z(full.A, full.x)
        log.info("%s ships A and x without Z; Z = A diag(x) rebuilt", archive)

    emissions = _find_rows(full, EMISSION_EXTENSIONS, stressors, archive)
    if emissions.F_Y is None:
        raise WorkflowInputError(
            f"{archive}: extension {emissions.name} has no F_Y (household direct emissions)"
        )
    co2_unit = _units(emissions, stressors, archive)
    label = pd.Index([CO2_ROW], name=emissions.F.index.name or "stressor")
    co2_F = emissions.F.loc[list(stressors)].sum(axis=0).to_frame().T.set_axis(label, axis=0)
    co2_F_Y = emissions.F_Y.loc[list(stressors)].sum(axis=0).to_frame().T.set_axis(label, axis=0)

    value_added = _find_rows(full, VALUE_ADDED_EXTENSIONS, VALUE_ADDED_ROWS, archive)
    money_unit = str(full.unit.iloc[0, 0]).strip()
    va_unit = _units(value_added, VALUE_ADDED_ROWS, archive)
    if va_unit != money_unit:
        raise WorkflowInputError(
            f"{archive}: value added is in {va_unit} but Z and Y are in {money_unit}"
        )
    log.info(
        "parsed %s: %d region-sectors, %d final-demand columns; CO2 = sum of %d rows of %s "
        "(unit %s); value added = %d rows of %s",
        archive,
        Z.shape[0],
        full.Y.shape[1],
        len(stressors),
        emissions.name,
        co2_unit,
        len(VALUE_ADDED_ROWS),
        value_added.name,
    )
    co2_system = pymrio.IOSystem(
        Z=Z,
        Y=full.Y,
        unit=full.unit,
        meta=full.meta,
        co2={
            "name": "co2",
            "F": co2_F,
            "F_Y": co2_F_Y,
            "unit": pd.DataFrame({"unit": [co2_unit]}, index=label),
        },
        value_added={
            "name": "value_added",
            "F": value_added.F.loc[list(VALUE_ADDED_ROWS)],
            "unit": value_added.unit.loc[list(VALUE_ADDED_ROWS)],
        },
    )
    return ParsedSystem(system=co2_system, co2_rows=stressors, origin=archive)
