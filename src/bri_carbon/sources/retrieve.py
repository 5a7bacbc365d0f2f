"""Local data first, download second: how the retrieve rules obtain one upstream file.

A file found at ``{local_data}/{source}/{name}`` is hard-linked (or copied, across file
systems) into ``resources/raw/{source}/`` without any network access. Otherwise it is
downloaded as the datasets table says (:mod:`bri_carbon.sources.download`). Either way the result
is recorded with its sha256; credentials never enter the record (its URL is the table's,
without the account's query fields).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bri_carbon.runtime.atomic import atomic_path, write_text
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import download
from bri_carbon.sources.datasets import Dataset, RemoteFile

log = logging.getLogger(__name__)


def local_path(local_data: str | os.PathLike[str] | None, source: str, name: str) -> Path:
    """``{local_data}/{source}/{name}`` (the place to put an upstream file by hand)."""
    return Path(local_data or "<local_data>") / source / name


def find_local(local_data: str | os.PathLike[str] | None, source: str, name: str) -> Path | None:
    """The local copy of an upstream file, or None when ``local_data`` is unset or lacks it."""
    if not local_data:
        return None
    path = local_path(local_data, source, name)
    return path if path.is_file() else None


def zip_has_members(path: Path, members: tuple[str, ...]) -> bool:
    """True when the zip at ``path`` is readable and holds every name in ``members``."""
    try:
        with zipfile.ZipFile(path) as handle:
            names = set(handle.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return all(member in names for member in members)


def install(origin: Path, target: Path) -> None:
    """Put ``origin`` at ``target``: a hard link when possible, else an atomic copy.

    A hard link costs no space and no time for multi-gigabyte tables; deleting ``target``
    later never touches ``origin``.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(origin, target)
        log.info("linked %s -> %s", origin, target)
    except OSError:
        with atomic_path(target) as tmp:
            shutil.copyfile(origin, tmp)
        log.info("copied %s -> %s", origin, target)


def missing_message(
    dataset: Dataset, remote: RemoteFile, local_data: str | None, reason: str
) -> str:
    """The one-paragraph error for a file that is neither local nor downloadable."""
    folder = local_path(local_data, dataset.source, "")
    where = (
        f"the folder {folder}"
        if local_data
        else f"a folder <local_data>/{dataset.source}/ and set config key local_data "
        "(e.g. --config local_data=/data/mrio)"
    )
    return (
        f"{remote.name} ({dataset.title} {dataset.version}) was not found locally and could "
        f"not be downloaded from {remote.url}: {reason}. To run offline, put the file "
        f"{remote.name} exactly under this name into {where}; the workflow then uses it "
        f"without any network access. See {dataset.homepage} for the licence and download."
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
    local_data: str | None,
    settings: download.DownloadSettings,
    environ: Mapping[str, str] | None = None,
    netrc_path: Path | None = None,
) -> dict[str, Any]:
    """Obtain ``remote`` at ``target`` from ``local_data`` or by download; return the record.

    The record (JSON-ready) names the file, its size and sha256, where it came from (the
    local path, or the URL of the datasets table, which never holds the account's query
    fields) and which published checksums were verified. A local file is checked against
    the checksums of the datasets table too.
    """
    target = Path(target)
    local = find_local(local_data, dataset.source, remote.name)
    if local is not None:
        expected: dict[str, str | None] = {"md5": remote.md5, "sha256": remote.sha256}
        download.verify(local, expected, str(local))
        install(local, target)
        origin, location = "local_data", str(local.resolve())
    else:
        log.info(
            "%s is not in %s; downloading it",
            remote.name,
            local_path(local_data, dataset.source, "") if local_data else "local_data (unset)",
        )
        try:
            expected = _download(dataset, remote, target, settings, environ, netrc_path)
        except download.CredentialsError as err:
            raise download.CredentialsError(
                f"{err} Alternatively put {remote.name} into "
                f"{local_path(local_data, dataset.source, '')} (config key local_data)."
            ) from None
        except download.ChecksumError:
            raise
        except download.DownloadError as err:
            raise download.DownloadError(
                missing_message(dataset, remote, local_data, str(err))
            ) from None
        origin, location = "download", remote.url
    digests = download.file_digests(target)
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
    log.info("%s: sha256 %s (%s)", remote.name, digests["sha256"], origin)
    return record


def download_settings(config: Mapping[str, Any]) -> download.DownloadSettings:
    """Download limits from the config key ``download`` (retries, timeout, backoff)."""
    return download.DownloadSettings(
        retries=int(config.get("retries", 5)),
        timeout=float(config.get("timeout", 60)),
        backoff=float(config.get("backoff", 2.0)),
    )


def write_record(record: Mapping[str, Any], target: Path) -> None:
    """Write a retrieval record as sorted, indented JSON, atomically."""
    write_text(target, json.dumps(dict(record), indent=2, sort_keys=True) + "\n")
