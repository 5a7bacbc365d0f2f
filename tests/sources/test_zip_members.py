"""Members inflated with ISA-L (bri_carbon.sources.zip_members) are byte for byte what
zipfile gives, and damaged members fail as zipfile fails."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from bri_carbon.sources import zip_members

#: Text like a table of numbers, large enough to need several reads and output chunks.
TABLE = "\n".join(
    "\t".join(f"{value:.8g}" for value in row)
    for row in np.random.default_rng(3).lognormal(2.0, 3.0, (700, 900))
).encode()


def _archive(path, members: dict[str, tuple[bytes, int]]):
    with zipfile.ZipFile(path, "w") as handle:
        for name, (data, method) in members.items():
            handle.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return path


def _read(path, name: str, size: int) -> bytes:
    with zip_members.open_member(path, name) as stream:
        parts = []
        while chunk := stream.read(size):
            assert len(chunk) <= size
            parts.append(chunk)
    return b"".join(parts)


@pytest.mark.parametrize("size", [1, 4096, 262_144, 4 * 2**20, 64 * 2**20])
def test_every_member_reads_as_zipfile_reads_it(tmp_path, size):
    members = {
        "T.txt": (TABLE, zipfile.ZIP_DEFLATED),
        "empty.txt": (b"", zipfile.ZIP_DEFLATED),
        "stored.txt": (b"1\t2\n3\t4\n", zipfile.ZIP_STORED),
        "bzip2.txt": (b"5\t6\n" * 1000, zipfile.ZIP_BZIP2),
        "Länder/labels.txt": ("Côte d'Ivoire\tCIV\n".encode(), zipfile.ZIP_DEFLATED),
    }
    archive = _archive(tmp_path / "a.zip", members)
    for name, (data, _) in members.items():
        if size == 1 and len(data) > 10_000:
            continue
        assert _read(archive, name, size) == data
    with zip_members.open_member(archive, "T.txt") as stream:
        head = stream.read(100)
        assert head + stream.read() == TABLE


def test_a_damaged_member_fails_like_zipfile(tmp_path):
    archive = _archive(tmp_path / "a.zip", {"T.txt": (TABLE, zipfile.ZIP_DEFLATED)})
    with zipfile.ZipFile(archive) as handle:
        info = handle.getinfo("T.txt")
    data = bytearray(archive.read_bytes())
    start = info.header_offset + 30 + len("T.txt")
    # A flipped bit in a stored length field of the deflate stream still inflates, to other
    # text: only the CRC-32 tells; elsewhere the stream itself is broken.
    for offset in (info.compress_size // 2, info.compress_size - 3):
        damaged = bytearray(data)
        damaged[start + offset] ^= 0x10
        path = tmp_path / f"damaged{offset}.zip"
        path.write_bytes(bytes(damaged))
        with pytest.raises(zipfile.BadZipFile), zipfile.ZipFile(path) as handle:
            handle.read("T.txt")
        with pytest.raises(zipfile.BadZipFile):
            _read(path, "T.txt", 2**20)


def test_a_local_header_that_does_not_match_the_directory_is_refused(tmp_path):
    archive = _archive(tmp_path / "a.zip", {"T.txt": (TABLE, zipfile.ZIP_DEFLATED)})
    data = bytearray(archive.read_bytes())
    data[30] = ord("X")  # the first letter of the name in the local header
    archive.write_bytes(bytes(data))
    with pytest.raises(zipfile.BadZipFile, match="local header"):
        _read(archive, "T.txt", 2**20)


def test_a_member_the_archive_does_not_hold_is_a_key_error(tmp_path):
    archive = _archive(tmp_path / "a.zip", {"T.txt": (b"1\n", zipfile.ZIP_DEFLATED)})
    with pytest.raises(KeyError):
        zip_members.open_member(archive, "Q.txt")


def test_a_member_whose_text_does_not_match_its_crc_is_refused_at_its_end(tmp_path):
    archive = _archive(tmp_path / "a.zip", {"T.txt": (TABLE, zipfile.ZIP_DEFLATED)})
    data = bytearray(archive.read_bytes())
    # The CRC-32 in the local header (offset 14) and in the central directory (offset 16).
    for offset in (14, data.index(b"PK\x01\x02") + 16):
        data[offset] ^= 0x01
    archive.write_bytes(bytes(data))
    parts = []
    stream = zip_members.open_member(archive, "T.txt")
    with stream, pytest.raises(zipfile.BadZipFile, match=r"Bad CRC-32 for file 'T\.txt'"):
        while chunk := stream.read(2**16):
            parts.append(chunk)
    assert b"".join(parts) == TABLE
