"""The user's folder of upstream files (config key ``local_data``) and its guarantees.

- **Read only.** Nothing under ``local_data`` is ever written, changed or deleted, not even
  its timestamps. A file is read (checked and hashed), then copied into
  ``resources/raw/{source}/`` (a copy-on-write clone where the file system allows; never a
  hard link, whose timestamps Snakemake would update with those of the output).
- **Outside the generated folders.** A ``local_data`` that resolves inside ``resources/``,
  ``results/``, ``logs/`` or ``.snakemake/`` is refused before any job
  (:func:`check_local_data`): Snakemake deletes outputs there before it reruns a job.
- **Content, not time.** Whether the cached copy must be replaced is decided by the sha256
  of the local file (:func:`cache_decision`, the retrieve rules' param ``content``), so a
  file replaced by another with an older modification time (``cp -p``, ``rsync -a``,
  ``wget``) is still picked up and a file only touched is not copied again. The sha256 of
  each local file is remembered by its size, times, inode and device
  (``.local_data.sha256.json`` in the copy's folder, ``resources/raw/{source}/`` or its
  release folder), so it is computed once per change.
- **A vanished file keeps its copy.** A file removed from ``local_data``, a folder removed
  or unmounted, a link whose target is gone, or a file that cannot be read leave the cached
  copy as it is; the run uses it and says so. A copy belongs to the folder it came from:
  when ``local_data`` names another folder that lacks the file, the copy is not used (the
  file is fetched anew, or the run says where to put it).
- **Nothing blocks.** An entry that is not a regular file (a named pipe, a device, a
  socket, a folder) under an upstream file's name is refused before any job, and never
  opened (:func:`check_local_data`); so is a ``local_data`` one level too deep (the folder
  of one source instead of the folder above), with the folder to give instead.
- **No repeated cost.** A retrieve job that runs again for an unchanged local file (after
  a change of the workflow's code, say) neither hashes nor copies it again: the sha256 memo
  knows its content and a kept hard link of the copy (``.kept/{name}`` beside it) brings
  the copy back at once (:func:`kept_copy`).
- **One folder per release.** Releases of one source share upstream file names (EXIOBASE's
  ``IOT_{year}_{system}.zip``), so their files live in a folder named after the release,
  ``{local_data}/{source}/{version}/`` (as MARIO's documentation and other EXIOBASE readers
  keep them); a file of such a source directly in ``{local_data}/{source}/`` could be any
  release and is refused before any job (:func:`check_release_folder`).
- **Clear refusals.** A local file that exists but cannot be used (empty, truncated, not a
  zip, unreadable, a symbolic link loop or a dangling link, two members with one name, a
  checksum that differs from the published one) stops the retrieve job with one paragraph
  naming the local path and what to do (:func:`check_file`); only when no local file exists
  does the workflow try to download.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import stat
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bri_carbon.runtime.atomic import write_text
from bri_carbon.runtime.digests import file_digests
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import archives

log = logging.getLogger(__name__)

#: Folders of the working directory that the workflow writes, replaces and deletes in.
GENERATED_FOLDERS = ("resources", "results", "logs", ".snakemake")
#: Where the cached copies of upstream files live, one folder per source.
RAW_ROOT = Path("resources") / "raw"
#: Name of the file (in each raw folder) that remembers the sha256 of local files.
SHA256_MEMO = ".local_data.sha256.json"
#: The ``content`` param of a file that will be downloaded (or was).
DOWNLOAD = "download"
#: The ``content`` param of a local file that cannot be read, when nothing is cached.
UNAVAILABLE = "local file unavailable"


class LocalFileError(WorkflowInputError):
    """A file in ``local_data`` exists but cannot be used; the message names it and the fix."""


def local_path(local_data: str | os.PathLike[str] | None, source: str, name: str) -> Path:
    """``{local_data}/{source}/{name}`` (the place to put an upstream file by hand)."""
    return Path(local_data or "<local_data>") / source / name


def record_path(cache: Path) -> Path:
    """The retrieval record next to a cached copy: ``{cache}.json``."""
    return cache.with_name(cache.name + ".json")


def read_record(cache: Path) -> dict[str, Any] | None:
    """The retrieval record of ``cache`` (sha256, origin, location), or None when there is
    no readable record or no cached copy."""
    try:
        if not cache.is_file():
            return None
        record = json.loads(record_path(cache).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("sha256") else None


# --------------------------------------------------------------------------- placement


def _inside(path: Path, folder: Path) -> bool:
    """True when ``path`` is ``folder`` or lies below it (no resolution of links)."""
    return path == folder or folder in path.parents


def generated_folder_of(path: str | os.PathLike[str], workdir: Path) -> str | None:
    """The generated folder (``resources``, ...) of ``workdir`` that ``path`` resolves
    into (symbolic links followed), or None."""
    resolved = Path(os.path.realpath(Path(workdir) / path))
    for name in GENERATED_FOLDERS:
        if _inside(resolved, Path(os.path.realpath(Path(workdir) / name))):
            return name
    return None


def _records_from(folder: Path, workdir: Path) -> list[Path]:
    """Cached copies under ``workdir``/resources/raw whose record says they were copied
    from a file under ``folder``."""
    found = []
    for record_file in sorted((Path(workdir) / RAW_ROOT).glob("*/**/*.json")):
        cache = record_file.with_name(record_file.name.removesuffix(".json"))
        record = read_record(cache)
        location = str((record or {}).get("location", ""))
        if record and record.get("origin") == "local_data" and _inside(Path(location), folder):
            found.append(cache.relative_to(workdir))
    return found


def check_local_data(
    local_data: str | None, workdir: Path, expected: Mapping[str, Sequence[str]] | None = None
) -> str | None:
    """Check config key ``local_data`` before any job; return a warning to show, if any.

    Refused (:class:`WorkflowInputError`, one paragraph naming the key, the path and the
    fix): a folder that resolves inside one of :data:`GENERATED_FOLDERS` of ``workdir``;
    a path that is not a folder, unless files were copied from it before (a folder
    removed or unmounted after a run): then the cached copies are kept and used, and the
    returned warning says so; a folder one level too deep (:func:`check_depth`) and an
    entry that is not a regular file under a name of ``expected`` (source -> the upstream
    file names the run looks for, :func:`check_entries`).
    """
    if not local_data:
        return None
    generated = generated_folder_of(local_data, workdir)
    if generated is not None:
        resolved = os.path.realpath(Path(workdir) / local_data)
        raise WorkflowInputError(
            f"config key local_data names {local_data!r} ({resolved}), which is inside the "
            f"workflow's own folder {generated}/. The workflow writes, replaces and deletes "
            f"files there (Snakemake removes a job's outputs before it runs it again), so the "
            "files you keep there would be lost. Move them to a folder outside resources/, "
            "results/, logs/ and .snakemake/ (e.g. /data/mrio, with the files in "
            "/data/mrio/eora26/ and /data/mrio/exiobase3/{version}/) and set local_data to it."
        )
    folder = Path(os.path.abspath(Path(workdir) / local_data))
    if folder.is_dir():
        check_depth(local_data, folder, expected or {})
        check_entries(local_data, expected or {})
        return None
    cached = _records_from(folder, workdir)
    if cached:
        shown = ", ".join(str(path) for path in cached[:5])
        more = f" and {len(cached) - 5} more" if len(cached) > 5 else ""
        return (
            f"config key local_data names {local_data!r}, which is not a folder (removed or "
            f"not mounted?). The files copied from it before stay and are used: {shown}"
            f"{more}. Files that were never copied cannot be found there."
        )
    raise WorkflowInputError(
        f"config key local_data names {local_data!r}, which is not a folder. Create it and "
        "put the upstream files in {local_data}/eora26/, {local_data}/exiobase3/{version}/ "
        "or {local_data}/gloria/, or set local_data: null to download them (GLORIA is read "
        "from local_data only)."
    )


def check_depth(local_data: str, folder: Path, expected: Mapping[str, Sequence[str]]) -> None:
    """Refuse a ``local_data`` that is the folder of one source (``/data/mrio/eora26``)
    rather than the folder above (``/data/mrio``): it has no ``{source}/`` folder but holds
    that source's files itself (``names`` are paths below ``{source}/``, a release folder
    included, which may be missing too). The message names the folder to give instead."""
    for source, names in expected.items():
        if (folder / source).exists():
            continue
        present = [
            (held, name)
            for name in names
            for held in dict.fromkeys([name, Path(name).name])
            if os.path.lexists(folder / held)
        ]
        if not present:
            continue
        held, name = present[0]
        if folder.name == source:
            fix = f"set local_data to {folder.parent} (the folder that holds {source}/)"
        else:
            fix = f"move the {source} files into {(folder / source / name).parent}/"
        raise WorkflowInputError(
            f"config key local_data names {local_data!r}, which holds {held} itself; "
            f"the workflow looks for it in {folder / source / name}. local_data is the "
            f"folder above one folder per source: {fix}."
        )


def check_entries(local_data: str, expected: Mapping[str, Sequence[str]]) -> None:
    """Refuse, before any job and without opening it, an entry of ``local_data`` under an
    upstream file's name that is not a regular file (after links): a named pipe, a device
    or a socket would block a reader or never end; a folder is no archive."""
    for source, names in expected.items():
        for name in names:
            path = local_path(local_data, source, name)
            try:
                mode = os.stat(path).st_mode
            except OSError:
                continue  # absent, a dangling link, ...: the retrieve job says what is wrong
            if stat.S_ISREG(mode):
                continue
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise LocalFileError(
                f"{path} (config key local_data) is {kind}, not the file {name}; it is not "
                f"opened (a reader could wait on it forever). Put the file {name} itself "
                "there, or remove the entry to have the file downloaded."
            )


#: What :func:`check_entries` calls an entry that is not a regular file.
_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def is_regular(path: Path) -> bool:
    """True when ``path`` is (or links to) a regular file; never opens it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def check_release_folder(
    local_data: str | None, source: str, version: str, names: list[str]
) -> None:
    """Refuse files of a source with releases that lie in ``{local_data}/{source}/`` itself
    instead of a release folder, when the folder of ``version`` lacks them: which release
    such a file is cannot be told (releases share file names, and EXIOBASE's own
    metadata.json does not say it reliably), so it is not guessed. One paragraph naming the
    files and the fix; nothing is raised when ``local_data`` is unset."""
    if not local_data:
        return
    loose = [
        local_path(local_data, source, name)
        for name in names
        if _something_at(local_path(local_data, source, name))
        and not _something_at(local_path(local_data, source, f"{version}/{name}"))
    ]
    if not loose:
        return
    shown = ", ".join(str(path) for path in loose[:3]) + (
        f" and {len(loose) - 3} more" if len(loose) > 3 else ""
    )
    folder = local_path(local_data, source, version)
    raise WorkflowInputError(
        f"config key local_data: {shown} lie in {folder.parent}/ itself, not in a release "
        f"folder. {source} releases share file names, so which release these files are "
        f"cannot be told. Move each file into the folder named after the release you "
        f"downloaded it from, e.g. {folder.parent}/3.8.2/ for EXIOBASE 3.8.2; the run uses "
        f"release {version} (config key {source}.version) and looks for its files in "
        f"{folder}/."
    )


# --------------------------------------------------------------------------- finding a file


def _describe_mode(path: Path) -> str:
    """`` (mode 000, owner uid 0)`` of ``path`` for messages; empty if it cannot be told."""
    try:
        info = os.lstat(path)
    except OSError:
        return ""
    return f" (mode {stat.S_IMODE(info.st_mode):03o}, owner uid {info.st_uid})"


def find(local_data: str | None, source: str, name: str) -> Path | None:
    """The entry ``{local_data}/{source}/{name}`` when anything exists under that name (a
    file, folder, or link, dangling or not); None when nothing does or ``local_data`` is
    unset.

    A folder on the way that cannot be searched (no permission, a file where a folder
    should be, a link loop) raises :class:`LocalFileError` naming it: whether the file is
    there cannot be told, so nothing is downloaded in its place.
    """
    if not local_data:
        return None
    path = local_path(local_data, source, name)
    try:
        os.lstat(path)
    except FileNotFoundError:
        return None
    except PermissionError:
        folder = path.parent
        try:
            os.lstat(folder)
        except PermissionError:
            folder = folder.parent  # local_data itself cannot be searched
        raise LocalFileError(
            f"the folder {folder} (config key local_data) cannot be searched for {name}: "
            f"permission denied{_describe_mode(folder)}. Make it readable for the user who "
            f"runs the workflow (e.g. chmod u+rx {folder}); the workflow never changes files "
            "in local_data itself."
        ) from None
    except NotADirectoryError:
        raise LocalFileError(
            f"{path.parent} (config key local_data) is not a folder, so {name} cannot be "
            f"looked up in it. Put the {source} files into a folder {path.parent}/."
        ) from None
    except OSError as err:
        raise LocalFileError(
            f"{path} (config key local_data) cannot be looked up: {err.strerror or err}. "
            "Check the folder (a symbolic link loop, or a file system that is not mounted)."
        ) from None
    return path


def _follow(path: Path) -> os.stat_result:
    """``os.stat`` of ``path``, with a :class:`LocalFileError` for links that lead nowhere."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        target = os.readlink(path) if path.is_symlink() else "?"
        raise LocalFileError(
            f"{path} (config key local_data) is a symbolic link to {target}, which does not "
            "exist (a dangling link: the file was moved, or its file system is not mounted). "
            "Point the link at the file, or put the file itself there."
        ) from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise LocalFileError(
                f"{path} (config key local_data) is a symbolic link loop: following it leads "
                "back to itself. Replace it by the file, or by a link to the file."
            ) from None
        if isinstance(err, PermissionError):
            raise LocalFileError(
                f"{path} (config key local_data) is a link whose target cannot be reached: "
                "permission denied. Make the target and its folders readable for the user "
                "who runs the workflow."
            ) from None
        raise LocalFileError(
            f"{path} (config key local_data) cannot be read: {err.strerror or err}."
        ) from None


def _unreadable(path: Path, err: OSError, homepage: str) -> LocalFileError:
    """The error for a local file whose reading failed with ``err``."""
    if isinstance(err, PermissionError):
        return LocalFileError(
            f"{path} (config key local_data) cannot be read: permission denied"
            f"{_describe_mode(path)}. Make it readable for the user who runs the workflow "
            f"(e.g. chmod u+r {path}); the workflow never changes files in local_data itself."
        )
    return LocalFileError(
        f"{path} (config key local_data) cannot be read: {err.strerror or err}. Check the "
        f"disk or file system, or replace the file with a fresh copy from {homepage}."
    )


def check_file(
    path: Path,
    expected: Mapping[str, str | None],
    homepage: str,
    workdir: Path | None = None,
) -> dict[str, str]:
    """Check the local file at ``path`` fully and return its md5 and sha256.

    Raises :class:`LocalFileError` (one paragraph naming ``path`` and what to do) for a
    dangling link or link loop, a target inside the workflow's generated folders (of
    ``workdir``), a folder or other non-file, a file that cannot be read, an empty file,
    a zip (``*.zip``) that is truncated, not a zip, damaged, or holds unsafe or duplicate
    members, and a digest that differs from a non-None ``expected`` value (``md5``,
    ``sha256``, as the datasets table publishes them). ``homepage`` is where the user gets
    the file.
    """
    info = _follow(path)
    if workdir is not None:
        generated = generated_folder_of(path, workdir)
        if generated is not None:
            raise LocalFileError(
                f"{path} (config key local_data) leads into the workflow's own folder "
                f"{generated}/ ({os.path.realpath(path)}), where the workflow replaces and "
                "deletes files. Keep the upstream files outside resources/, results/, logs/ "
                "and .snakemake/."
            )
    if stat.S_ISDIR(info.st_mode):
        raise LocalFileError(
            f"{path} (config key local_data) is a folder, not a file. Put the file "
            f"{path.name} itself there (not unpacked)."
        )
    if not stat.S_ISREG(info.st_mode):
        raise LocalFileError(
            f"{path} (config key local_data) is not a regular file. Put the file "
            f"{path.name} itself there."
        )
    replace = f"Replace it with the complete file from {homepage}."
    try:
        found = file_digests(path)
        problem = archives.zip_problem(path) if path.name.endswith(".zip") else None
    except OSError as err:
        raise _unreadable(path, err, homepage) from None
    if info.st_size == 0:
        problem = "is empty (0 bytes): a download or copy that was interrupted"
    if problem is not None:
        raise LocalFileError(f"{path} (config key local_data) {problem}. {replace}")
    for algorithm, value in expected.items():
        if value and found[algorithm] != value.lower():
            raise LocalFileError(
                f"{path} (config key local_data): its {algorithm} is {found[algorithm]}, the "
                f"published value is {value}. The file is damaged or not the published "
                f"release. {replace}"
            )
    return found


# --------------------------------------------------------------------------- the cache


def _stat_key(info: os.stat_result) -> list[int]:
    """What identifies one state of a file: a change of content always changes the inode
    change time, which no tool can set back (unlike the modification time)."""
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def _read_memo(memo: Path) -> dict[str, Any]:
    """The entries of the sha256 memo; empty when it is missing or unreadable."""
    try:
        content = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return content if isinstance(content, dict) else {}


def remember_sha256(memo: Path, path: Path, sha256: str, **more: Any) -> None:
    """Remember that the local file ``path``, as it is now, has ``sha256`` (and ``more``:
    its md5, whether it passed :func:`check_file`); best effort: a memo that cannot be
    written only costs a second hash."""
    try:
        info = os.stat(path)
        entries = _read_memo(memo)
        entries[str(path)] = {"stat": _stat_key(info), "sha256": sha256, **more}
        # Also written while Snakemake builds the job graph, maybe of a dry run beside a
        # running workflow: that must not remove the temporaries of the running jobs.
        write_text(memo, json.dumps(entries, indent=1, sort_keys=True) + "\n", False)
    except OSError as err:
        log.debug("cannot remember the sha256 of %s in %s: %s", path, memo, err)


def local_sha256(path: Path, memo: Path, inform: Callable[[str], Any] | None = None) -> str:
    """sha256 of the local file ``path``, from ``memo`` when the file has not changed since
    (same size, times, inode and device), else computed (announced to ``inform``, as it
    takes a while for large files) and remembered. Raises :class:`OSError` when the file
    cannot be read."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    known = remembered(memo, path, info)
    if known:
        return str(known["sha256"])
    note = f"computing the sha256 of {path} ({info.st_size / 1e6:.1f} MB), new or changed"
    log.info(note)
    if inform is not None:
        inform(note)
    digests = file_digests(path)
    remember_sha256(memo, path, digests["sha256"], md5=digests["md5"])
    return digests["sha256"]


def remembered(memo: Path, path: Path, info: os.stat_result | None = None) -> dict[str, Any]:
    """The memo's entry of the local file ``path`` if the file is still as it was then
    (same size, times, inode and device); empty otherwise."""
    try:
        info = info or os.stat(path)
    except OSError:
        return {}
    known = _read_memo(memo).get(str(path))
    if isinstance(known, dict) and known.get("stat") == _stat_key(info) and known.get("sha256"):
        return known
    return {}


def kept_path(cache: Path) -> Path:
    """The kept hard link of the cached copy ``cache``: ``.kept/{name}`` beside it, which
    Snakemake does not delete when the retrieve job runs again."""
    return cache.parent / ".kept" / cache.name


def kept_copy(cache: Path, sha256: str) -> Path | None:
    """The kept link of ``cache`` when it holds ``sha256`` (per the memo of the copy,
    which records the link's file identity); None otherwise."""
    kept = kept_path(cache)
    memo = cache.parent / SHA256_MEMO
    try:
        info = os.stat(kept)
    except OSError:
        return None
    known = _read_memo(memo).get(f"kept:{cache.name}")
    identity = [info.st_size, info.st_ino, info.st_dev]
    good = isinstance(known, dict) and known.get("identity") == identity
    return kept if good and known.get("sha256") == sha256 else None


def keep_copy(cache: Path, sha256: str) -> None:
    """Keep a hard link of the fresh copy ``cache`` (content ``sha256``) for
    :func:`kept_copy`; best effort (no hard links: the next rerun copies again)."""
    kept = kept_path(cache)
    memo = cache.parent / SHA256_MEMO
    try:
        kept.parent.mkdir(exist_ok=True)
        kept.unlink(missing_ok=True)
        os.link(cache, kept)
        info = os.stat(kept)
        entries = _read_memo(memo)
        entries[f"kept:{cache.name}"] = {
            "identity": [info.st_size, info.st_ino, info.st_dev],
            "sha256": sha256,
        }
        write_text(memo, json.dumps(entries, indent=1, sort_keys=True) + "\n", False)
    except OSError as err:
        log.debug("cannot keep a link of %s: %s", cache, err)


@dataclass(frozen=True)
class CacheDecision:
    """What a retrieve job's param ``content`` is (``token``) and what to tell the user.

    ``token`` changes exactly when the cached copy must be replaced: it is
    ``sha256:{hex}`` of the content the cache should hold when that comes from
    ``local_data``, :data:`DOWNLOAD` when it is (or will be) downloaded, and
    :data:`UNAVAILABLE` for a local file that cannot be read when nothing is cached.
    """

    token: str
    warning: str | None = None


def _token_of(record: Mapping[str, Any]) -> str:
    """The ``content`` param that the cached copy of ``record`` was made for."""
    return f"sha256:{record['sha256']}" if record.get("origin") == "local_data" else DOWNLOAD


def cache_decision(
    local_data: str | None,
    source: str,
    name: str,
    cache: Path,
    inform: Callable[[str], Any] | None = None,
) -> CacheDecision:
    """Decide, while Snakemake builds the job graph, whether the cached copy ``cache`` of
    upstream file ``name`` still holds what ``local_data`` has; never raises.

    - A local file whose sha256 is that of the cache: the cache's token (no rerun).
    - A local file with other content (or no cache): ``sha256:{hex}`` of the local file, so
      that the retrieve job runs again, whatever the file's modification time.
    - No local file, or one that cannot be read (a dangling link, a loop, no permission, a
      folder that is gone): with a cache, the cache's token and a warning naming the file
      (the cached copy is kept and used); without one, the job runs and its checks say
      what is wrong (or it downloads when there is no local file at all).
    """
    record = read_record(cache)
    if not local_data:
        return CacheDecision(_token_of(record) if record else DOWNLOAD)
    path = local_path(local_data, source, name)
    if not _something_at(path):
        if record is None:
            return CacheDecision(DOWNLOAD)
        warning = None
        if record.get("origin") == "local_data":
            origin = Path(str(record.get("location", "")))
            here = Path(os.path.abspath(path))
            if origin != here and os.path.realpath(origin) != os.path.realpath(here):
                return CacheDecision(
                    DOWNLOAD,
                    f"{path} is not in local_data; the copy {cache} came from {origin}, "
                    "another local_data folder, and is not used for this one: the file is "
                    f"downloaded instead. To use a file you have, put it into {path.parent}/ "
                    "(or set local_data back).",
                )
            warning = (
                f"{path} is gone from local_data; the copy made of it before, {cache} "
                f"(sha256 {str(record['sha256'])[:12]}...), is kept and used. Put the file "
                "back (or another one) to replace the copy."
            )
        return CacheDecision(_token_of(record), warning)
    try:
        sha256 = local_sha256(path, cache.parent / SHA256_MEMO, inform)
    except OSError as err:
        if record is None:
            return CacheDecision(UNAVAILABLE)
        reason = err.strerror or str(err)
        return CacheDecision(
            _token_of(record),
            f"{path} (local_data) cannot be read ({reason}); the cached copy {cache} is kept "
            "and used. Fix the file, its link or its permissions so that the workflow can "
            "compare it with the copy.",
        )
    if record is not None and record["sha256"] == sha256:
        return CacheDecision(_token_of(record))
    return CacheDecision(f"sha256:{sha256}")


def zip_has_members(path: Path, members: tuple[str, ...]) -> bool | None:
    """Whether the zip at ``path`` holds every name in ``members``; None when it cannot be
    read as a zip (missing, unreadable, truncated, not a zip)."""
    if not is_regular(path):
        return None
    try:
        with zipfile.ZipFile(path) as handle:
            names = set(handle.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return all(member in names for member in members)


def origin_hint(cache: Path) -> str:
    """A sentence to add to an error about the cached copy ``cache``: when it was copied
    from ``local_data``, the local file is the one to replace (the copy is made anew from
    it); empty otherwise."""
    record = read_record(cache)
    if record is None or record.get("origin") != "local_data":
        return ""
    return (
        f"{cache} is a copy of {record.get('location')} (local_data): replace or repair that "
        "file; the next run takes the new content from there."
    )


@contextlib.contextmanager
def naming_origin(*caches: Path) -> Iterator[None]:
    """Within the block, a :class:`WorkflowInputError` whose message names one of
    ``caches`` gets :func:`origin_hint` of that file appended (one paragraph still)."""
    try:
        yield
    except WorkflowInputError as err:
        hints = [origin_hint(cache) for cache in caches if str(cache) in str(err)]
        hints = [hint for hint in hints if hint]
        if not hints:
            raise
        raise type(err)(f"{err} {' '.join(hints)}") from err


def archive_lacks(
    local_data: str | None, source: str, name: str, cache: Path, members: tuple[str, ...]
) -> bool:
    """Whether the archive ``name`` lacks any of ``members`` (e.g. Eora26's label files,
    which real downloads keep in a separate indices.zip), judged on the file the retrieve
    job will install: the local file when it is a readable zip, else the cached copy.

    A local file that exists but is not a readable zip counts as not lacking them, so that
    only the archive's own retrieve job runs and says what is wrong with it (rather than a
    job for a second file that might fail first with a misleading message); an archive
    that is still to be downloaded is assumed to lack them.
    """
    path = local_path(local_data, source, name) if local_data else None
    for candidate in (path, cache):
        if candidate is not None:
            has = zip_has_members(candidate, members)
            if has is not None:
                return not has
    return path is None or not _something_at(path)


def _something_at(path: Path) -> bool:
    """True when anything exists at ``path`` (a dangling link too) or it cannot be told."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return True


#: Warnings already shown by this process (Snakemake evaluates params more than once).
_WARNED: set[str] = set()


def content_param(
    config: Mapping[str, Any],
    source: str,
    pattern: str,
    warn: Callable[[str], Any],
    inform: Callable[[str], Any] | None = None,
) -> Callable[[Any], str]:
    """The param ``content`` of a retrieve rule, as a function of the job's wildcards.

    ``pattern`` is the upstream file name with ``{year}`` and ``{system}`` placeholders;
    the value is :func:`cache_decision`'s token for ``resources/raw/{source}/{name}`` and
    config key ``local_data``. Each warning (a cached copy standing in for a local file
    that is gone or cannot be read) is passed to ``warn`` once per process; the hashing of
    a new or changed local file is announced to ``inform``.
    """

    def content(wildcards: Any) -> str:
        name = pattern.format(**dict(wildcards.items()))
        cache = RAW_ROOT / source / name
        decision = cache_decision(config.get("local_data"), source, name, cache, inform)
        if decision.warning and decision.warning not in _WARNED:
            _WARNED.add(decision.warning)
            warn(decision.warning)
        return decision.token

    return content
