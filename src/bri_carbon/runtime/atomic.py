"""Atomic file writes: write to a temporary name in the target folder, then rename.

A failed or interrupted write never leaves a file under the final name. The temporary
name is ``.{target name}.{8 random characters}.part`` (e.g.
``.Eora26_2015_bp.zip.k3x9q2ab.part``): hidden, and ending in ``.part`` rather than in the
target's suffix, so that no input pattern and no tool that reads every ``*.zip`` of a
folder ever takes it for data. Libraries that infer the format from the name are given it
explicitly by the callers (matplotlib's ``format``, xarray's ``engine``).

A process killed between the two steps (SIGKILL, the OOM killer, a cluster time limit)
leaves its temporary behind. :func:`remove_stale_temporaries` deletes such leftovers: only
names of exactly this pattern, only regular files, and only those last modified before
the current run started (:func:`run_started_ns`), so that the temporaries of jobs running
now are never touched. :func:`atomic_path` calls it for the target's folder before every
write (outside a workflow run: for the target's own temporaries only).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

#: Environment variable with the start of the current workflow run, in nanoseconds since
#: the epoch (set once by the main Snakemake process, rules/retrieve.smk; jobs inherit it,
#: SLURM jobs too through sbatch --export=ALL).
RUN_STARTED_VARIABLE = "BRI_CARBON_RUN_STARTED_NS"
#: The name of a temporary of :func:`atomic_path` (group ``target``: the final name).
#: mkstemp's random part is 8 characters of ``[a-z0-9_]``.
TEMPORARY_NAME = re.compile(r"^\.(?P<target>.+)\.[a-z0-9_]{8}\.part$")
#: When this module was imported: the run's start when no run set the variable above.
_IMPORTED_NS = time.time_ns()


def default_mode(directory: bool = False) -> int:
    """Permission bits a new file (or folder) gets from the process umask.

    Temporary names are created private (mode 0600/0700); outputs get these ordinary bits
    before they are renamed, so that collaborators on a cluster can read them.
    """
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if directory else 0o666) & ~umask


def run_started_ns() -> int:
    """Start of the current workflow run (ns since the epoch): the value of
    :data:`RUN_STARTED_VARIABLE`, or the time this module was imported outside a run."""
    value = os.environ.get(RUN_STARTED_VARIABLE, "")
    return int(value) if value.isdigit() else _IMPORTED_NS


def is_temporary_name(name: str, target: str | None = None) -> bool:
    """True when ``name`` is a temporary name of :func:`atomic_path` (of ``target``'s, if
    given)."""
    match = TEMPORARY_NAME.match(name)
    return match is not None and (target is None or match.group("target") == target)


def remove_stale_temporaries(
    folder: str | os.PathLike[str], before_ns: int | None = None, target: str | None = None
) -> list[Path]:
    """Delete the leftovers of interrupted atomic writes in ``folder``; return them.

    A file is deleted only when its name is a temporary name (of ``target``, if given), it
    is a regular file (never a link or folder) and it was last modified before
    ``before_ns`` (default: :func:`run_started_ns`), that is, before this run started, so
    that no write in progress is touched. Other files are never looked at.
    """
    before = run_started_ns() if before_ns is None else before_ns
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not is_temporary_name(entry.name, target):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime_ns < before:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except FileNotFoundError:
            continue
    for path in removed:
        log.info("removed %s, left behind by an interrupted earlier run", path)
    return removed


def _remove_stale(target: Path) -> None:
    """Before writing ``target``: remove the stale temporaries of its folder within a
    workflow run, or only those of ``target`` itself outside one (where other writers to
    the folder are unknown)."""
    within_run = RUN_STARTED_VARIABLE in os.environ
    remove_stale_temporaries(target.parent, target=None if within_run else target.name)


def temporary_path(target: str | os.PathLike[str]) -> Path:
    """Create an empty private file with a temporary name of ``target`` in its folder."""
    target = Path(target)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    return Path(name)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], remove_stale: bool = True) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; rename it to ``target`` on success.

    The temporary (see the module docstring) does not keep the target's suffix: callers
    whose library infers the format from the name pass the format explicitly. Stale
    temporaries of earlier runs in the target's folder are removed first, unless
    ``remove_stale`` is False: for writes outside a job's outputs (a cache written while
    Snakemake builds the job graph, perhaps of a dry run beside a running workflow, whose
    jobs' temporaries are older than the dry run).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if remove_stale:
        _remove_stale(target)
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
