"""Safety checks of upstream zip archives before anything reads them.

Refuses members that could escape a folder if extracted (absolute paths, ``..``) and
symbolic links, so that no tool downstream is ever handed such an entry.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from bri_carbon.runtime.errors import WorkflowInputError


def unsafe_members(handle: zipfile.ZipFile) -> list[str]:
    """Names of members with an absolute path, a ``..`` component or a symlink mode."""
    unsafe = []
    for info in handle.infolist():
        name = info.filename.replace("\\", "/")
        path = PurePosixPath(name)
        is_link = stat.S_ISLNK(info.external_attr >> 16)
        drive_letter = len(name) > 1 and name[1] == ":"
        if path.is_absolute() or drive_letter or ".." in path.parts or is_link:
            unsafe.append(info.filename)
    return unsafe


def check_safe(archive: Path) -> None:
    """Fail with a clear message if ``archive`` is not a zip or holds unsafe members."""
    try:
        with zipfile.ZipFile(archive) as handle:
            unsafe = unsafe_members(handle)
    except (zipfile.BadZipFile, OSError) as err:
        raise WorkflowInputError(
            f"{archive} is not a readable zip archive ({err}). Delete it and fetch it again."
        ) from err
    if unsafe:
        raise WorkflowInputError(
            f"{archive} holds members with absolute paths, '..' components or symbolic "
            f"links, which are refused: {unsafe[:10]}. Upstream archives never contain such "
            "entries; fetch the file again from the official source."
        )
