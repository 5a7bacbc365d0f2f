"""Checksums of files: the md5 and sha256 that downloads, local copies, provenance records
and the configuration's fingerprint rely on, each file read once in 1 MiB chunks."""

from __future__ import annotations

import hashlib
import os

#: Bytes read at a time.
CHUNK_BYTES = 1 << 20


def file_digests(path: str | os.PathLike[str]) -> dict[str, str]:
    """The md5 and sha256 hex digests of the file at ``path`` (keys ``md5``, ``sha256``),
    read once."""
    md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            md5.update(chunk)
            sha256.update(chunk)
    return {"md5": md5.hexdigest(), "sha256": sha256.hexdigest()}


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The sha256 hex digest of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()
