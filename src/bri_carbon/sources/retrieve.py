"""Local data first, download second: how the retrieve rules obtain one upstream file.

A file found at ``{local_data}/{source}/{name}`` is checked (:func:`local_data.check_file`)
and copied (a copy-on-write clone where the file system allows) into
``resources/raw/{source}/`` without any network access; nothing in ``local_data`` is ever
changed. A local file that exists but
cannot be used stops the job with a message naming it. Only when there is no local file is
it downloaded as the datasets table says (:mod:`bri_carbon.sources.download`). Either way
the result is recorded with its sha256; credentials never enter the record (its URL is the
table's, without the account's query fields).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from bri_carbon.runtime import atomic
from bri_carbon.runtime.digests import file_digests
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import download, local_data
from bri_carbon.sources.datasets import Dataset, RemoteFile
from bri_carbon.sources.local_data import local_path

log = logging.getLogger(__name__)

__all__ = ["download_settings", "install", "local_path", "retrieve", "write_record"]

#: Linux's ioctl that clones a file's extents (copy-on-write), from <linux/fs.h>.
FICLONE = 0x40049409
#: Bytes per read of a plain copy.
COPY_CHUNK = 1 << 20


def _clone(source: BinaryIO, target: BinaryIO) -> bool:
    """Make ``target`` a copy-on-write clone of ``source`` (Btrfs, XFS, bcachefs, ...):
    instant and without using space, yet an independent file; False where the file system
    cannot."""
    try:
        fcntl.ioctl(target.fileno(), FICLONE, source.fileno())
    except OSError:
        return False
    return True


def install(origin: Path, target: Path, sha256: str) -> str:
    """Copy the checked local file ``origin`` (content ``sha256``) to ``target``; return
    how (``cloned`` or ``copied``).

    The copy is a copy-on-write clone where the file system supports it, else a plain copy,
    written under a temporary name, compared with ``sha256`` and then renamed. It is never
    a hard link: Snakemake updates the modification time of every output after its job,
    which through a hard link would change the user's file in ``local_data``.
    """
    try:
        with atomic.atomic_path(target) as tmp:
            with open(origin, "rb") as source, open(tmp, "wb") as copy:
                if _clone(source, copy):
                    how = "cloned"
                else:
                    how = "copied"
                    shutil.copyfileobj(source, copy, COPY_CHUNK)
            copied = file_digests(tmp)["sha256"]
            if copied != sha256:
                raise local_data.LocalFileError(
                    f"{origin} (config key local_data) changed while it was being copied "
                    f"to {target}. Wait until nothing writes to it any more and run again."
                )
    except OSError as err:
        raise WorkflowInputError(
            f"copying {origin} to {target} failed: {err.strerror or err}. Check the free "
            f"space and permissions of {target.parent}, then run again."
        ) from None
    log.info("%s %s -> %s", how, origin, target)
    return how


def install_kept(kept: Path, target: Path) -> None:
    """Bring back the cached copy ``target`` from its kept hard link (atomically)."""
    with atomic.atomic_path(target) as tmp:
        tmp.unlink()
        os.link(kept, tmp)


def _where(dataset: Dataset, local_data: str | None) -> str:
    """Where to put a file by hand, for messages (the release's folder for a source with
    several releases)."""
    folder = f"{dataset.source}/{dataset.release_folder}/".replace("//", "/")
    if local_data:
        return f"the folder {local_path(local_data, folder, '')}"
    return (
        f"a folder <local_data>/{folder} and set config key local_data "
        "(e.g. --config local_data=/data/mrio)"
    )


def missing_message(
    dataset: Dataset, remote: RemoteFile, local_data: str | None, reason: str
) -> str:
    """The one-paragraph error for a file that is neither local nor downloadable; the fix
    for the missing local file comes first."""
    return (
        f"{remote.name} ({dataset.title} {dataset.version}) is not in local_data. To run "
        f"offline, put the file {remote.name} exactly under this name into "
        f"{_where(dataset, local_data)}; the workflow then uses it without any network "
        f"access. Downloading it from {remote.url} failed: {reason}. See "
        f"{dataset.homepage} for the licence and download."
    )


def _download(
    dataset: Dataset,
    remote: RemoteFile,
    target: Path,
    settings: download.DownloadSettings,
    environ: Mapping[str, str] | None,
    netrc_path: Path | None,
) -> dict[str, str | None]:
    """Log in if needed, look up published checksums, fetch; return the verified checksums.

    With a login the account is checked first (a wrong one fails before any file request);
    a file with ``credentials_in_query`` then gets the account in its URL's query as well.
    """
    expected: dict[str, str | None] = {"md5": remote.md5, "sha256": remote.sha256}
    secret_query: dict[str, str] | None = None
    with download.new_session() as session:
        if dataset.login is not None or remote.credentials_in_query is not None:
            if dataset.credentials is None:
                raise WorkflowInputError(
                    f"datasets table: {dataset.source} needs an account but has no "
                    "credentials entry"
                )
            credentials = download.require_credentials(
                dataset.credentials, dataset.source, environ, netrc_path
            )
            if dataset.login is not None:
                download.login(session, dataset.login, credentials, settings)
            if remote.credentials_in_query is not None:
                secret_query = download.account_query(remote.credentials_in_query, credentials)
        if dataset.checksum_listing:
            listed = download.checksum_listing(session, dataset.checksum_listing, settings)
            published = listed.get(remote.name)
            if published and remote.md5 and published != remote.md5:
                raise download.ChecksumError(
                    f"{remote.name}: the datasets table gives md5 {remote.md5} but "
                    f"{dataset.checksum_listing} publishes {published}; correct the table."
                )
            expected["md5"] = remote.md5 or published
            if not expected["md5"]:
                log.warning("%s publishes no md5 for %s", dataset.checksum_listing, remote.name)
        download.fetch(
            session,
            remote.url,
            target,
            md5=expected["md5"],
            sha256=expected["sha256"],
            settings=settings,
            expect_zip=remote.name.endswith(".zip"),
            secret_query=secret_query,
        )
    return expected


def retrieve(
    dataset: Dataset,
    remote: RemoteFile,
    target: Path,
    local_data_folder: str | None,
    settings: download.DownloadSettings,
    environ: Mapping[str, str] | None = None,
    netrc_path: Path | None = None,
) -> dict[str, Any]:
    """Obtain ``remote`` at ``target`` from ``local_data_folder`` (config key local_data)
    or by download; return the record.

    The record (JSON-ready) names the file, its size and sha256, where it came from (the
    local path, or the URL of the datasets table, which never holds the account's query
    fields) and which published checksums were verified. A local file is checked fully
    (:func:`local_data.check_file`, the checksums of the datasets table included); one that
    exists but cannot be used raises :class:`local_data.LocalFileError` and nothing is
    downloaded in its place.
    """
    target = Path(target)
    local = local_data.find(local_data_folder, dataset.source, remote.local_name)
    if local is not None:
        expected: dict[str, str | None] = {"md5": remote.md5, "sha256": remote.sha256}
        memo = target.parent / local_data.SHA256_MEMO
        known = local_data.remembered(memo, local)
        digests = {"md5": known.get("md5", ""), "sha256": known.get("sha256", "")}
        kept = local_data.kept_copy(target, digests["sha256"]) if known.get("checked") else None
        if kept is not None and all(not v or digests[k] == v for k, v in expected.items()):
            # Unchanged since it was checked and copied: no hash, no copy (the job runs
            # again after a change of the workflow's code, say).
            install_kept(kept, target)
            how = "the kept copy of"
        else:
            digests = local_data.check_file(local, expected, dataset.homepage, Path.cwd())
            how = install(local, target, digests["sha256"])
            sha256 = digests["sha256"]
            local_data.remember_sha256(memo, local, sha256, md5=digests["md5"], checked=True)
            local_data.keep_copy(target, digests["sha256"])
        origin, location = "local_data", os.path.abspath(local)
        log.info("%s: sha256 %s (%s from %s)", remote.name, digests["sha256"], how, location)
        return _record(dataset, remote, target, digests, origin, location, expected)
    log.info(
        "%s is not in %s; downloading it",
        remote.name,
        local_path(local_data_folder, dataset.source, remote.local_name).parent
        if local_data_folder
        else "local_data (unset)",
    )
    try:
        expected = _download(dataset, remote, target, settings, environ, netrc_path)
    except download.CredentialsError as err:
        raise download.CredentialsError(
            f"{remote.name} ({dataset.title} {dataset.version}) is not in local_data: put "
            f"it exactly under this name into {_where(dataset, local_data_folder)} to use it "
            f"without network access. Downloading it instead failed: {err}"
        ) from None
    except download.ChecksumError:
        raise
    except download.DownloadError as err:
        raise download.DownloadError(
            missing_message(dataset, remote, local_data_folder, str(err))
        ) from None
    digests = file_digests(target)
    log.info("%s: sha256 %s (download)", remote.name, digests["sha256"])
    return _record(dataset, remote, target, digests, "download", remote.url, expected)


def _record(
    dataset: Dataset,
    remote: RemoteFile,
    target: Path,
    digests: Mapping[str, str],
    origin: str,
    location: str,
    expected: Mapping[str, str | None],
) -> dict[str, Any]:
    """The retrieval record of ``target`` (JSON-ready)."""
    record = {
        "source": dataset.source,
        "version": dataset.version,
        "license": dataset.license,
        "file": remote.name,
        "size_bytes": target.stat().st_size,
        "sha256": digests["sha256"],
        "md5": digests["md5"],
        "origin": origin,
        "location": location,
        "verified_checksums": sorted(name for name, value in expected.items() if value),
    }
    return record


def download_settings(
    config: Mapping[str, Any], terminal: TextIO | None = None
) -> download.DownloadSettings:
    """Download limits from the config key ``download`` (retries, timeout, backoff);
    ``terminal``: where progress is shown besides the log (see bri_carbon.sources.download)."""
    return download.DownloadSettings(
        retries=int(config.get("retries", 5)),
        timeout=float(config.get("timeout", 60)),
        backoff=float(config.get("backoff", 2.0)),
        terminal=terminal,
    )


def write_record(record: Mapping[str, Any], target: Path) -> None:
    """Write a retrieval record as sorted, indented JSON, atomically."""
    atomic.write_text(target, json.dumps(dict(record), indent=2, sort_keys=True) + "\n")
