"""Publishing: a results folder is replaced whole, or not at all.

Every rule writes into the run's build tree (``results/[{name}/].build/``), never into the
published folders users read. When the last job of a run has succeeded, rule ``publish``
makes each published folder a complete snapshot of its build folder and puts the source's
pages (the report and the flow explorer, which describe those folders) beside them
(:func:`publish`):

1. **Stage.** Each folder is recreated under a hidden name beside its published place
   (``results/synthetic/.2015.{writer}.{random}.part``, see :mod:`bri_carbon.runtime.atomic`)
   from hard links of its build files (copies where the file system has no hard links); the
   pages likewise. Nothing users read has changed yet.
2. **Swap.** The old pages are removed first; then each staged folder is exchanged with its
   published one in one system call (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two
   renames); the new pages are renamed into place last. A page therefore never sits beside
   folders it does not describe: a publish cut short between the first and the last swap
   leaves each folder complete (old or new) and no page, and the next run publishes again
   from the build tree, which is complete.
3. **Record.** The old folders are removed and the manifest (``{build}/{source}.published.json``,
   the rule's output) records every published file with its sha256 and its file state
   (size, modification and change times, inode).

On the next run :func:`changed_outputs` compares the files with the manifest: a file whose
content differs (edited by hand, replaced, deleted) is made anew from the build tree, or,
when the build file itself changed (an edit in place reaches it through the hard link),
the build file is removed so that the rule that writes it runs again
(:func:`regenerate_changed`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import json
import logging
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bri_carbon.runtime import atomic
from bri_carbon.runtime.digests import sha256_file

log = logging.getLogger(__name__)

#: The build tree below a run's results root (results/ or results/{name}/).
BUILD_NAME = ".build"
#: renameat2's flag that swaps two paths atomically (<linux/fs.h>).
RENAME_EXCHANGE = 2
#: renameat2's "relative to the working directory" descriptor.
AT_FDCWD = -100
#: The manifest of a source's publication: ``{build}/{source}.published.json``.
MANIFEST_SUFFIX = ".published.json"


def build_root(results_root: str | os.PathLike[str]) -> Path:
    """The build tree of a run whose results root is ``results_root``."""
    return Path(results_root) / BUILD_NAME


def manifest_path(results_root: str | os.PathLike[str], source: str) -> Path:
    """Where the manifest of ``source``'s publication in ``results_root`` lives."""
    return build_root(results_root) / f"{source}{MANIFEST_SUFFIX}"


# --------------------------------------------------------------------------- atomic swap


def _renameat2() -> Any:
    """libc's renameat2, or None where the C library has none (not Linux, old glibc)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    function.argtypes += [ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(first: str | os.PathLike[str], second: str | os.PathLike[str]) -> bool:
    """Swap the paths ``first`` and ``second`` (both must exist) in one atomic step; False
    where the system cannot (no renameat2, or a file system without RENAME_EXCHANGE), so
    that the caller falls back to two renames."""
    function = _renameat2()
    if function is None:
        return False
    result = function(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(first), None, os.fspath(second))


def swap_in(staged: Path, target: Path) -> Path | None:
    """Put the folder ``staged`` at ``target``. An existing ``target`` is exchanged with it
    atomically and is then at ``staged`` (returned, for removal); None when there was none.
    Without atomic exchange, ``target`` is renamed aside first (a moment without it)."""
    if not target.exists():
        os.replace(staged, target)
        return None
    if exchange(staged, target):
        return staged
    aside = atomic.temporary_name(target)
    os.replace(target, aside)
    os.replace(staged, target)
    return aside


# --------------------------------------------------------------------------- staging


def link_or_copy(source: Path, target: Path) -> None:
    """``target`` becomes a hard link of ``source``, or a copy where hard links are not
    possible (another file system, a file system without them)."""
    try:
        os.link(source, target)
    except OSError as err:
        if err.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copy2(source, target)


def remove_tree(path: Path) -> None:
    """Remove a folder or file, whatever it holds (missing is fine)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=False)
    else:
        path.unlink(missing_ok=True)


def remove_stale_staging(parent: Path) -> list[Path]:
    """Remove the staged folders and files that an interrupted publish left in ``parent``
    (hidden temporary names of :mod:`bri_carbon.runtime.atomic` whose writer is gone)."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in sorted(parent.iterdir()):
            if atomic.is_temporary_name(entry.name) and atomic.writer_is_gone(entry.name):
                remove_tree(entry)
                removed.append(entry)
    for path in removed:
        log.info("removed %s, left behind by an interrupted earlier publish", path)
    return removed


@dataclass(frozen=True)
class Folder:
    """One results folder to publish: its build folder, its published place and the files
    (paths relative to both) it holds."""

    build: Path
    published: Path
    files: tuple[str, ...]


def stage(folder: Folder) -> Path:
    """A complete copy of ``folder``'s build files (hard links) under a hidden name beside
    its published place; returns that name."""
    folder.published.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(folder.published.parent)
    staged = atomic.temporary_name(folder.published)
    staged.mkdir(mode=0o700)
    for name in folder.files:
        target = staged / name
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(folder.build / name, target)
    os.chmod(staged, atomic.default_mode(directory=True))
    for sub in staged.rglob("*"):
        if sub.is_dir():
            os.chmod(sub, atomic.default_mode(directory=True))
    return staged


# --------------------------------------------------------------------------- the manifest


def file_state(path: Path) -> list[int]:
    """What identifies one state of a file's content: size, modification and change time,
    inode and device. Any write changes the change time, which no tool can set back."""
    info = os.stat(path)
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def _entry(build: Path, published: Path) -> dict[str, Any]:
    return {
        "sha256": sha256_file(build),
        "build_state": file_state(build),
        "published_state": file_state(published),
    }


def publish(
    folders: Iterable[Folder],
    pages: Iterable[tuple[Path, Path]],
    manifest: Path,
) -> dict[str, Any]:
    """Publish ``folders`` and the ``pages`` (build file, published path; the report and the
    flow explorer) as the module says, then write ``manifest``; returns the manifest's
    content."""
    folders, pages = list(folders), list(pages)
    staged = [(folder, stage(folder)) for folder in folders]
    staged_pages = []
    for build_page, published_page in pages:
        published_page.parent.mkdir(parents=True, exist_ok=True)
        staged_page = atomic.temporary_name(published_page)
        link_or_copy(build_page, staged_page)
        staged_pages.append((staged_page, published_page))
    for _, published_page in pages:
        published_page.unlink(missing_ok=True)
    old = [swap_in(path, folder.published) for folder, path in staged]
    for staged_page, published_page in staged_pages:
        os.replace(staged_page, published_page)
    for path in old:
        if path is not None:
            remove_tree(path)
    content: dict[str, Any] = {"folders": {}, "pages": {}}
    for folder in folders:
        content["folders"][folder.published.as_posix()] = {
            "build": folder.build.as_posix(),
            "files": {
                name: _entry(folder.build / name, folder.published / name) for name in folder.files
            },
        }
    for build_page, published_page in pages:
        content["pages"][published_page.as_posix()] = {
            "build": build_page.as_posix(),
            **_entry(build_page, published_page),
        }
    atomic.write_text(manifest, json.dumps(content, indent=1, sort_keys=True) + "\n")
    for folder in folders:
        log.info("published %s (%d files)", folder.published, len(folder.files))
    for _, published_page in pages:
        log.info("published %s", published_page)
    return content


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Change:
    """A published output whose content is not what the workflow wrote: ``published`` (the
    path users read), ``build`` (its build file) and whether the build file changed too."""

    published: Path
    build: Path
    build_changed: bool


def _differs(path: Path, state: list[int] | None, sha256: str) -> bool:
    """True when ``path`` is missing or its content is not ``sha256`` (hashed only when its
    file state is not ``state``)."""
    try:
        if state is not None and file_state(path) == list(state):
            return False
        return sha256_file(path) != sha256
    except OSError:
        return True


def _entries(content: Mapping[str, Any]) -> Iterable[tuple[Path, Path, Mapping[str, Any]]]:
    for published, folder in sorted((content.get("folders") or {}).items()):
        for name, entry in sorted(folder["files"].items()):
            yield Path(published) / name, Path(folder["build"]) / name, entry
    for published, page in sorted((content.get("pages") or {}).items()):
        yield Path(published), Path(page["build"]), page


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest at ``path``; None when there is none or it cannot be read."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return content if isinstance(content, dict) else None


def changed_outputs(manifest: Path) -> list[Change]:
    """The published outputs of ``manifest`` whose content differs from what was published
    (missing ones included), with whether their build file differs too."""
    content = read_manifest(manifest)
    if content is None:
        return []
    changes = []
    for published, build, entry in _entries(content):
        if _differs(published, entry.get("published_state"), entry["sha256"]):
            build_changed = _differs(build, entry.get("build_state"), entry["sha256"])
            changes.append(Change(published, build, build_changed))
    return changes


def regenerate_changed(manifest: Path, dry_run: bool = False) -> list[str]:
    """Make the next run rewrite every output of ``manifest`` whose content differs: remove
    the build file when it changed too (its rule runs again), and the manifest (the publish
    runs again). Returns one note per file (nothing is removed in a ``dry_run``)."""
    changes = changed_outputs(manifest)
    notes = []
    for change in changes:
        how = (
            "the rule that writes it runs again"
            if change.build_changed
            else "it is published again from the build tree"
        )
        verb = "would be" if dry_run else "is"
        notes.append(
            f"{change.published} is not what the workflow wrote (edited, replaced or "
            f"deleted); it {verb} made anew: {how}."
        )
        if change.build_changed and not dry_run:
            change.build.unlink(missing_ok=True)
    if changes and not dry_run:
        manifest.unlink(missing_ok=True)
    return notes
