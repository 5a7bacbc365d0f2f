"""Atomic file writes: write to a temporary name in the target folder, then rename.

A failed or interrupted write never leaves a file under the final name. The temporary
name is ``.{target name}.{pid}@{host}.{8 random characters}.part`` (e.g.
``.Eora26_2015_bp.zip.4711@node07.k3x9q2ab.part``): hidden, ending in ``.part`` rather than
in the target's suffix, so that no input pattern and no tool that reads every ``*.zip`` of a
folder ever takes it for data, and naming the process that writes it. Libraries that infer
the format from the name are given it explicitly by the callers (matplotlib's ``format``,
xarray's ``engine``).

A process killed between the two steps (SIGKILL, the OOM killer, a cluster time limit)
leaves its temporary behind. :func:`remove_stale_temporaries` deletes such leftovers: only
names of exactly this pattern, only regular files, and only those whose writer is gone (a
process of this host that no longer exists, :func:`writer_is_gone`), so that the temporary
of a job running now, of this run or of another run beside it, is never touched; leftovers
of another host stay until a job on that host (or ``make clean``) removes them.
:func:`atomic_path` calls it for the target's folder before every write.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

#: The characters of the random part of a temporary name (as mkstemp's).
_RANDOM_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"

#: The name of a temporary of :func:`atomic_path` (group ``target``: the final name; ``pid``
#: and ``host``: its writer). mkstemp's random part is 8 characters of ``[a-z0-9_]``.
TEMPORARY_NAME = re.compile(
    r"^\.(?P<target>.+)\.(?P<pid>\d+)@(?P<host>[A-Za-z0-9-]+)\.[a-z0-9_]{8}\.part$"
)


def host_label() -> str:
    """This host's name as a temporary name holds it (letters, digits and ``-``)."""
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname().split(".")[0]) or "host"


def writer_tag() -> str:
    """``{pid}@{host}`` of this process, the writer part of its temporary names."""
    return f"{os.getpid()}@{host_label()}"


def writer_is_gone(name: str) -> bool:
    """True when the process that wrote the temporary ``name`` no longer runs: it ran on
    this host and no process has its id. A writer on another host cannot be seen from here
    and counts as running; a recycled process id keeps a leftover, never removes a live
    temporary."""
    match = TEMPORARY_NAME.match(name)
    if match is None or match.group("host") != host_label():
        return False
    pid = int(match.group("pid"))
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def default_mode(directory: bool = False) -> int:
    """Permission bits a new file (or folder) gets from the process umask.

    Temporary names are created private (mode 0600/0700); outputs get these ordinary bits
    before they are renamed, so that collaborators on a cluster can read them.
    """
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if directory else 0o666) & ~umask


def is_temporary_name(name: str, target: str | None = None) -> bool:
    """True when ``name`` is a temporary name of :func:`atomic_path` (of ``target``'s, if
    given)."""
    match = TEMPORARY_NAME.match(name)
    return match is not None and (target is None or match.group("target") == target)


def remove_stale_temporaries(folder: str | os.PathLike[str]) -> list[Path]:
    """Delete the leftovers of interrupted atomic writes in ``folder``; return them.

    A file is deleted only when its name is a temporary name, it is a regular file (never
    a link or folder) and its writer is gone (:func:`writer_is_gone`). Other files are
    never looked at.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not is_temporary_name(entry.name) or not writer_is_gone(entry.name):
            continue
        try:
            if stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except FileNotFoundError:
            continue
    for path in removed:
        log.info("removed %s, left behind by an interrupted earlier run", path)
    return removed


def temporary_name(target: str | os.PathLike[str]) -> Path:
    """A fresh temporary name of ``target`` in its folder (nothing is created there)."""
    target = Path(target)
    random = "".join(secrets.choice(_RANDOM_CHARACTERS) for _ in range(8))
    return target.parent / f".{target.name}.{writer_tag()}.{random}.part"


def temporary_path(target: str | os.PathLike[str]) -> Path:
    """Create an empty private file with a temporary name of ``target`` in its folder."""
    target = Path(target)
    fd, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.{writer_tag()}.", suffix=".part"
    )
    os.close(fd)
    return Path(name)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], remove_stale: bool = True) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; rename it to ``target`` on success.

    The temporary (see the module docstring) does not keep the target's suffix: callers
    whose library infers the format from the name pass the format explicitly. Leftovers of
    interrupted writes in the target's folder are removed first, unless ``remove_stale`` is
    False.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if remove_stale:
        remove_stale_temporaries(target.parent)
    tmp = temporary_path(target)
    try:
        yield tmp
        os.chmod(tmp, default_mode())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(target: str | os.PathLike[str], text: str, remove_stale: bool = True) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically (``remove_stale``: see
    :func:`atomic_path`)."""
    with atomic_path(target, remove_stale) as tmp:
        tmp.write_text(text, encoding="utf-8")
