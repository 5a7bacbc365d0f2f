"""Safety checks of upstream zip archives before anything reads them.

Refuses members that could escape a folder if extracted (absolute paths, ``..``), symbolic
links, and names that occur twice (a reader would silently take one of them), so that no
tool downstream is ever handed such an entry. :func:`zip_problem` describes, in one
sentence, what makes a file unusable as a zip archive (empty, a web page, truncated,
damaged, without members).
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections import Counter
from pathlib import Path, PurePosixPath

from bri_carbon.runtime.errors import WorkflowInputError

#: Members named in a message at most.
SHOWN = 10


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


def duplicate_members(handle: zipfile.ZipFile) -> list[str]:
    """Member names that occur more than once, in archive order."""
    counts = Counter(info.filename for info in handle.infolist())
    return [name for name, count in counts.items() if count > 1]


def _duplicates_text(duplicates: list[str]) -> str:
    return (
        f"holds two or more members under the same name ({duplicates[:SHOWN]}); which one is "
        "meant is ambiguous, and a reader would silently take the last one"
    )


def check_safe(archive: Path) -> None:
    """Fail with a clear message if ``archive`` is not a zip, or holds unsafe or duplicate
    members."""
    try:
        with zipfile.ZipFile(archive) as handle:
            unsafe = unsafe_members(handle)
            duplicates = duplicate_members(handle)
    except (zipfile.BadZipFile, OSError) as err:
        raise WorkflowInputError(
            f"{archive} is not a readable zip archive ({err}). Delete it and fetch it again."
        ) from err
    if unsafe:
        raise WorkflowInputError(
            f"{archive} holds members with absolute paths, '..' components or symbolic "
            f"links, which are refused: {unsafe[:SHOWN]}. Upstream archives never contain "
            "such entries; fetch the file again from the official source."
        )
    if duplicates:
        raise WorkflowInputError(
            f"{archive} {_duplicates_text(duplicates)}. Upstream archives never contain such "
            "entries; fetch the file again from the official source."
        )


def zip_problem(path: Path, test_members: bool = True) -> str | None:
    """What makes the file at ``path`` unusable as a zip archive, as the end of a sentence
    that starts with the path (e.g. ``"is not a zip archive ..."``); None when it is sound.

    Checks that it is a zip whose table of contents can be read (a truncated file has
    lost it: the table sits at the end) and lists at least one member, that no member is
    unsafe or named twice and, with ``test_members``, that every member decompresses to its
    recorded CRC (this reads the whole archive). Errors of reading the file itself
    (:class:`OSError`) propagate.
    """
    with open(path, "rb") as handle:
        head = handle.read(512)
    if not head:
        return "is empty (0 bytes)"
    try:
        with zipfile.ZipFile(path) as handle:
            if not handle.infolist():
                return "is a zip archive without any file in it"
            unsafe = unsafe_members(handle)
            duplicates = duplicate_members(handle)
            if unsafe:
                return (
                    "holds members with absolute paths, '..' components or symbolic links, "
                    f"which are refused: {unsafe[:SHOWN]}"
                )
            if duplicates:
                return _duplicates_text(duplicates)
            broken = handle.testzip() if test_members else None
    except zipfile.BadZipFile as err:
        if head.lstrip().startswith(b"<"):
            return (
                "is a web page (HTML), not a zip archive: usually a login or error page that "
                "was saved under the archive's name"
            )
        return (
            f"is not a readable zip archive ({err}): it is truncated (a download or copy "
            "that was cut: the zip's table of contents at its end is missing) or not a zip"
        )
    except (zlib.error, EOFError, NotImplementedError, ValueError) as err:
        return f"is damaged: a member cannot be decompressed ({type(err).__name__}: {err})"
    if broken is not None:
        return f"is damaged or truncated: member {broken} fails its CRC check"
    return None
