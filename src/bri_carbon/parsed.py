"""Binary cache of parsed pymrio systems (pymrio's own parquet layout).

Raw text is parsed once per source and year; later stages load this cache.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pymrio

from bri_carbon.atomic import default_mode
from bri_carbon.errors import WorkflowInputError


def save(system: pymrio.IOSystem, folder: Path) -> None:
    """Save ``system`` with :meth:`pymrio.IOSystem.save_all` as parquet, atomically.

    The system is written to a temporary sibling folder that replaces ``folder`` only when
    complete. Its name has no dot: pymrio takes a dotted path for a file name.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f"_{folder.name}_partial_"))
    try:
        system.save_all(tmp, table_format="parquet")
        tmp.chmod(default_mode(directory=True))
        if folder.exists():
            shutil.rmtree(folder)
        tmp.rename(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def load(folder: Path) -> pymrio.IOSystem:
    """Load a system saved by :func:`save`."""
    try:
        return pymrio.load_all(folder)
    except (OSError, ValueError, KeyError) as err:
        raise WorkflowInputError(
            f"{folder} is not a readable parsed pymrio system ({err}); delete it and rerun."
        ) from err
